/* SPDX-License-Identifier: MIT */
/*
 * banker_test.c - the Banker's safety and resource-request algorithms
 * (preload/engine/banker.c): the textbook example and its requests, unsafe
 * states, every verdict, several units per resource, the trace steps, edge
 * sizes, and agreement with a brute-force search over random small states.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banker.h"

#include "unit_check.h"

#define N_MAX 1024
#define M_MAX 8

/* A state in malloc'ed memory, from row-major tables. */
static struct banker *state_new(uint32_t n, uint32_t m, const uint32_t *avail,
				const uint32_t *max, const uint32_t *alloc)
{
	struct banker *b = malloc(sizeof(*b));
	void *mem = malloc(banker_size(n, m));

	if (!b || !mem) {
		fputs("out of memory\n", stderr);
		exit(1);
	}
	banker_init(b, n, m, mem);
	if (m)
		memcpy(b->available, avail, m * sizeof(uint32_t));
	if (n && m) {
		memcpy(b->max, max, (size_t)n * m * sizeof(uint32_t));
		memcpy(b->allocation, alloc, (size_t)n * m * sizeof(uint32_t));
	}
	return b;
}

static void state_free(struct banker *b)
{
	free(b->work); /* the start of banker_init()'s memory */
	free(b);
}

/*
 * Independent check of a claimed safe sequence: a permutation of the
 * threads in which each one's Need fits in what is free by its turn.
 */
static bool sequence_is_safe(const struct banker *b, const uint32_t *seq,
			     uint32_t len)
{
	uint64_t work[M_MAX];
	bool seen[N_MAX] = { false };
	uint32_t m = b->n_resources;

	if (len != b->n_threads)
		return false;
	for (uint32_t r = 0; r < m; r++)
		work[r] = b->available[r];
	for (uint32_t i = 0; i < len; i++) {
		uint32_t t = seq[i];

		if (t >= b->n_threads || seen[t])
			return false;
		seen[t] = true;
		for (uint32_t r = 0; r < m; r++) {
			if (banker_need(b, t, r) > work[r])
				return false;
		}
		for (uint32_t r = 0; r < m; r++)
			work[r] += b->allocation[(size_t)t * m + r];
	}
	return true;
}

/* Is there any safe order? Tries every permutation (n <= 6). */
static bool brute_force_safe(const struct banker *b, uint64_t *work, bool *done,
			     uint32_t left)
{
	uint32_t m = b->n_resources;

	if (left == 0)
		return true;
	for (uint32_t t = 0; t < b->n_threads; t++) {
		bool fits = !done[t];

		for (uint32_t r = 0; fits && r < m; r++)
			fits = banker_need(b, t, r) <= work[r];
		if (!fits)
			continue;
		done[t] = true;
		for (uint32_t r = 0; r < m; r++)
			work[r] += b->allocation[(size_t)t * m + r];
		if (brute_force_safe(b, work, done, left - 1))
			return true;
		for (uint32_t r = 0; r < m; r++)
			work[r] -= b->allocation[(size_t)t * m + r];
		done[t] = false;
	}
	return false;
}

/* Snapshot of the parts of a state a refused request must not change. */
struct snapshot {
	uint32_t available[M_MAX];
	uint32_t max[N_MAX * 4];
	uint32_t allocation[N_MAX * 4];
};

static void take(const struct banker *b, struct snapshot *s)
{
	size_t cells = (size_t)b->n_threads * b->n_resources;

	memset(s, 0, sizeof(*s));
	memcpy(s->available, b->available, b->n_resources * sizeof(uint32_t));
	memcpy(s->max, b->max, cells * sizeof(uint32_t));
	memcpy(s->allocation, b->allocation, cells * sizeof(uint32_t));
}

static bool unchanged(const struct banker *b, const struct snapshot *s)
{
	struct snapshot now;

	take(b, &now);
	return memcmp(&now, s, sizeof(now)) == 0;
}

/* Silberschatz, Operating System Concepts: P0..P4, A B C = 10 5 7. */
static const uint32_t tb_avail[3] = { 3, 3, 2 };
static const uint32_t tb_max[5 * 3] = {
	7, 5, 3, 3, 2, 2, 9, 0, 2, 2, 2, 2, 4, 3, 3,
};
static const uint32_t tb_alloc[5 * 3] = {
	0, 1, 0, 2, 0, 0, 3, 0, 2, 2, 1, 1, 0, 0, 2,
};

struct trace_log {
	int n_start, n_skip, n_finish, n_stuck, n_done;
	enum banker_step_kind first, last;
	uint32_t finished[N_MAX]; /* FINISH threads in order */
	bool finish_flag_ok;	  /* FINISH thread's flag was still false */
	int steps;
};

static void record(void *ctx, const struct banker *b,
		   const struct banker_step *s)
{
	struct trace_log *log = ctx;

	if (log->steps++ == 0)
		log->first = s->kind;
	log->last = s->kind;
	switch (s->kind) {
	case BANKER_STEP_START:
		log->n_start++;
		break;
	case BANKER_STEP_SKIP:
		log->n_skip++;
		CHECK(s->resource != BANKER_NONE);
		CHECK(banker_need(b, s->thread, s->resource) >
		      s->work[s->resource]);
		break;
	case BANKER_STEP_FINISH:
		if (s->finish[s->thread])
			log->finish_flag_ok = false;
		log->finished[log->n_finish++] = s->thread;
		break;
	case BANKER_STEP_STUCK:
		log->n_stuck++;
		break;
	case BANKER_STEP_DONE:
		log->n_done++;
		break;
	}
}

static void test_textbook_safe(void)
{
	struct banker *b = state_new(5, 3, tb_avail, tb_max, tb_alloc);
	struct trace_log log = { .finish_flag_ok = true };
	uint32_t seq[5], n = 99;

	CHECK(banker_valid(b));
	CHECK_INT(banker_need(b, 0, 0), 7);
	CHECK_INT(banker_need(b, 4, 2), 1);
	CHECK(banker_is_safe(b, seq, &n, record, &log));
	CHECK_INT(n, 5);
	CHECK(sequence_is_safe(b, seq, n));
	CHECK_INT(log.n_start, 1);
	CHECK_INT(log.n_finish, 5);
	CHECK_INT(log.n_done, 1);
	CHECK_INT(log.n_stuck, 0);
	CHECK_INT(log.first, BANKER_STEP_START);
	CHECK_INT(log.last, BANKER_STEP_DONE);
	CHECK(log.finish_flag_ok);
	CHECK(memcmp(log.finished, seq, sizeof(seq)) == 0);
	for (uint32_t t = 0; t < 5; t++)
		CHECK(b->finish[t]);
	/* Work ends as Total. */
	CHECK_INT(b->work[0], 10);
	CHECK_INT(b->work[1], 5);
	CHECK_INT(b->work[2], 7);
	/* No sequence, no count, no trace: same answer. */
	CHECK(banker_is_safe(b, NULL, NULL, NULL, NULL));
	state_free(b);
}

/* The book's requests, in order, against the evolving state. */
static void test_textbook_requests(void)
{
	struct banker *b = state_new(5, 3, tb_avail, tb_max, tb_alloc);
	struct banker_result res;
	struct snapshot snap;
	uint32_t seq[5];
	const uint32_t p1[3] = { 1, 0, 2 }, p4[3] = { 3, 3, 0 };
	const uint32_t p0[3] = { 0, 2, 0 }, p0_over[3] = { 8, 0, 0 };
	const uint32_t p3_over[3] = { 0, 2, 0 };

	CHECK_INT(banker_request(b, 1, p1, seq, &res, NULL, NULL),
		  BANKER_GRANTED);
	CHECK_INT(res.verdict, BANKER_GRANTED);
	CHECK_INT(res.resource, BANKER_NONE);
	CHECK_INT(res.n_finished, 5);
	CHECK(sequence_is_safe(b, seq, 5));
	CHECK_INT(b->available[0], 2);
	CHECK_INT(b->available[1], 3);
	CHECK_INT(b->available[2], 0);
	CHECK_INT(b->allocation[1 * 3 + 0], 3);
	CHECK_INT(b->allocation[1 * 3 + 2], 2);
	CHECK_INT(banker_need(b, 1, 1), 2);

	take(b, &snap);
	CHECK_INT(banker_request(b, 4, p4, seq, &res, NULL, NULL), BANKER_WAIT);
	CHECK_INT(res.resource, 0); /* A: 3 > 2 */
	CHECK_INT(res.n_finished, 0);
	CHECK(unchanged(b, &snap));

	CHECK_INT(banker_request(b, 0, p0, seq, &res, NULL, NULL),
		  BANKER_UNSAFE);
	CHECK_INT(res.resource, BANKER_NONE);
	CHECK_INT(res.n_finished, 0); /* nobody could finish after it */
	CHECK(unchanged(b, &snap));

	CHECK_INT(banker_request(b, 0, p0_over, seq, &res, NULL, NULL),
		  BANKER_INVALID);
	CHECK_INT(res.resource, 0); /* A: 8 > Need 7 */
	CHECK(unchanged(b, &snap));

	/* P3's Need is 0 1 1: asking for 2 B breaks its claim, though
	 * 3 B are free. INVALID wins over WAIT and over UNSAFE. */
	CHECK_INT(banker_request(b, 3, p3_over, NULL, NULL, NULL, NULL),
		  BANKER_INVALID);
	CHECK(unchanged(b, &snap));
	state_free(b);
}

/* WAIT is decided before safety: it must not run the safety check. */
static void test_wait_runs_no_check(void)
{
	struct banker *b = state_new(5, 3, tb_avail, tb_max, tb_alloc);
	struct trace_log log = { .finish_flag_ok = true };
	const uint32_t p4[3] = { 4, 0, 0 };

	CHECK_INT(banker_request(b, 4, p4, NULL, NULL, record, &log),
		  BANKER_WAIT);
	CHECK_INT(log.steps, 0);
	state_free(b);
}

/*
 * Silberschatz's 12 tape drives: P0 max 10 holds 5, P1 max 4 holds 2,
 * P2 max 9 holds 2; 3 free. Safe (<P1, P0, P2>), but giving P2 one more
 * makes it unsafe: only P1 can finish.
 */
static void test_units_tapes(void)
{
	const uint32_t avail[1] = { 3 }, max[3] = { 10, 4, 9 };
	const uint32_t alloc[3] = { 5, 2, 2 };
	const uint32_t one[1] = { 1 }, two[1] = { 2 };
	struct banker *b = state_new(3, 1, avail, max, alloc);
	struct trace_log log = { .finish_flag_ok = true };
	struct banker_result res;
	struct snapshot snap;
	uint32_t seq[3], n;

	CHECK(banker_is_safe(b, seq, &n, NULL, NULL));
	CHECK(sequence_is_safe(b, seq, n));
	CHECK_INT(seq[0], 1);
	CHECK_INT(seq[1], 0);
	CHECK_INT(seq[2], 2);

	take(b, &snap);
	CHECK_INT(banker_request(b, 2, one, seq, &res, record, &log),
		  BANKER_UNSAFE);
	CHECK_INT(res.n_finished, 1);
	CHECK_INT(seq[0], 1);
	CHECK(!b->finish[0] && b->finish[1] && !b->finish[2]);
	CHECK_INT(log.n_stuck, 1);
	CHECK_INT(log.last, BANKER_STEP_STUCK);
	CHECK(unchanged(b, &snap));

	/* P1 may take both the units it still needs. */
	CHECK_INT(banker_request(b, 1, two, seq, &res, NULL, NULL),
		  BANKER_GRANTED);
	CHECK_INT(b->available[0], 1);
	CHECK_INT(b->allocation[1], 4);
	CHECK(sequence_is_safe(b, seq, 3));
	state_free(b);
}

static void test_unsafe_state(void)
{
	/* The tape drives after P2 was given one more. */
	const uint32_t avail[1] = { 2 }, max[3] = { 10, 4, 9 };
	const uint32_t alloc[3] = { 5, 2, 3 };
	const uint32_t zero[1] = { 0 };
	struct banker *b = state_new(3, 1, avail, max, alloc);
	struct trace_log log = { .finish_flag_ok = true };
	uint32_t seq[3], n = 99;

	CHECK(!banker_is_safe(b, seq, &n, record, &log));
	CHECK_INT(n, 1);
	CHECK_INT(seq[0], 1);
	CHECK_INT(log.n_finish, 1);
	CHECK_INT(log.n_stuck, 1);
	CHECK_INT(log.n_done, 0);
	CHECK_INT(b->work[0], 4); /* 2 free + P1's 2 */
	/* Even a request for nothing cannot be granted from here. */
	CHECK_INT(banker_request(b, 1, zero, NULL, NULL, NULL, NULL),
		  BANKER_UNSAFE);
	state_free(b);
}

/*
 * Five philosophers, five forks (one unit each), each claiming its left
 * and right fork. With four left forks taken, the last philosopher's left
 * fork must be refused: granting it would let them all wait in a circle.
 */
static void test_philosophers(void)
{
	enum { N = 5 };
	uint32_t avail[N], max[N * N] = { 0 }, alloc[N * N] = { 0 };
	uint32_t req[N] = { 0 }, seq[N];
	struct banker *b;
	struct banker_result res;

	for (uint32_t p = 0; p < N; p++) {
		avail[p] = p == N - 1 ? 1 : 0; /* fork p is p's left fork */
		max[p * N + p] = 1;
		max[p * N + (p + 1) % N] = 1;
		if (p < N - 1)
			alloc[p * N + p] = 1;
	}
	b = state_new(N, N, avail, max, alloc);
	CHECK(banker_is_safe(b, seq, NULL, NULL, NULL));
	CHECK(sequence_is_safe(b, seq, N));
	req[N - 1] = 1;
	CHECK_INT(banker_request(b, N - 1, req, seq, &res, NULL, NULL),
		  BANKER_UNSAFE);
	CHECK_INT(res.n_finished, 0);
	/* Philosopher 3 may take its right fork (fork 4) instead. */
	CHECK_INT(banker_request(b, N - 2, req, seq, &res, NULL, NULL),
		  BANKER_GRANTED);
	CHECK(sequence_is_safe(b, seq, N));
	state_free(b);
}

static void test_edges(void)
{
	uint32_t seq[1];
	uint32_t n = 99;
	const uint32_t none[1] = { 0 };
	struct banker *b;

	CHECK(banker_size(0, 0) > 0);
	CHECK(banker_size(UINT32_MAX, UINT32_MAX) == 0);
	CHECK(banker_size(4, 3) >= 4 * 3 * 2 * sizeof(uint32_t));

	b = state_new(0, 0, NULL, NULL, NULL); /* no threads: safe */
	CHECK(banker_is_safe(b, seq, &n, NULL, NULL));
	CHECK_INT(n, 0);
	state_free(b);

	b = state_new(1, 0, NULL, NULL, NULL); /* no resources: safe */
	CHECK(banker_is_safe(b, seq, &n, NULL, NULL));
	CHECK_INT(n, 1);
	CHECK_INT(banker_request(b, 0, none, seq, NULL, NULL, NULL),
		  BANKER_GRANTED);
	state_free(b);

	{
		const uint32_t avail[1] = { 0 }, max[1] = { 3 };
		const uint32_t alloc[1] = { 3 };

		/* Holding its whole claim, a thread can always finish. */
		b = state_new(1, 1, avail, max, alloc);
		CHECK(banker_is_safe(b, seq, &n, NULL, NULL));
		CHECK_INT(banker_request(b, 0, none, seq, NULL, NULL, NULL),
			  BANKER_GRANTED);
		b->allocation[0] = 4;
		CHECK(!banker_valid(b));
		state_free(b);
	}
}

/*
 * Thread t can finish only after t+1 has: the round-robin scan needs N
 * passes, the O(N^2 M) worst case. It must still find the reverse order.
 */
static void test_worst_case_order(void)
{
	enum { N = N_MAX };
	static uint32_t max[N], alloc[N], seq[N];
	const uint32_t avail[1] = { 1 };
	struct banker *b;
	uint32_t n;

	for (uint32_t t = 0; t < N; t++) {
		/* Need N - t: free once the N - t - 1 after it finish. */
		alloc[t] = 1;
		max[t] = N - t + 1;
	}
	b = state_new(N, 1, avail, max, alloc);
	CHECK(banker_is_safe(b, seq, &n, NULL, NULL));
	CHECK_INT(n, N);
	CHECK_INT(seq[0], N - 1);
	CHECK_INT(seq[N - 1], 0);
	CHECK(sequence_is_safe(b, seq, n));
	/* One unit fewer for the last thread: nobody can start. */
	b->available[0] = 0;
	CHECK(!banker_is_safe(b, seq, &n, NULL, NULL));
	CHECK_INT(n, 0);
	state_free(b);
}

static uint32_t rng_state = 12345;

static uint32_t rnd(uint32_t below)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return (rng_state >> 16) % below;
}

/* Random small states: banker_is_safe() agrees with the brute force. */
static void test_random_against_brute_force(void)
{
	int n_safe = 0, n_unsafe = 0;

	for (int iter = 0; iter < 4000; iter++) {
		uint32_t n = 1 + rnd(5), m = 1 + rnd(3);
		uint32_t avail[M_MAX], max[6 * M_MAX], alloc[6 * M_MAX];
		uint32_t seq[6], req[M_MAX], len;
		uint64_t work[M_MAX];
		bool done[6] = { false }, safe;
		struct banker *b;
		struct banker_result res;
		struct snapshot snap;

		for (uint32_t r = 0; r < m; r++)
			avail[r] = rnd(4);
		for (uint32_t i = 0; i < n * m; i++) {
			max[i] = rnd(6);
			alloc[i] = rnd(max[i] + 1);
		}
		b = state_new(n, m, avail, max, alloc);
		for (uint32_t r = 0; r < m; r++)
			work[r] = avail[r];
		safe = banker_is_safe(b, seq, &len, NULL, NULL);
		CHECK(safe == brute_force_safe(b, work, done, n));
		if (safe) {
			CHECK(sequence_is_safe(b, seq, len));
			n_safe++;
		} else {
			n_unsafe++;
		}

		/* A random request: its verdict, and the state after. */
		uint32_t t = rnd(n);

		for (uint32_t r = 0; r < m; r++)
			req[r] = rnd(3);
		take(b, &snap);
		switch (banker_request(b, t, req, seq, &res, NULL, NULL)) {
		case BANKER_GRANTED:
			CHECK(sequence_is_safe(b, seq, res.n_finished));
			for (uint32_t r = 0; r < m; r++)
				CHECK_INT(b->available[r],
					  snap.available[r] - req[r]);
			break;
		case BANKER_INVALID:
			CHECK(req[res.resource] >
			      snap.max[t * m + res.resource] -
				      snap.allocation[t * m + res.resource]);
			CHECK(unchanged(b, &snap));
			break;
		case BANKER_WAIT:
			CHECK(req[res.resource] > snap.available[res.resource]);
			CHECK(unchanged(b, &snap));
			break;
		case BANKER_UNSAFE:
			CHECK(unchanged(b, &snap));
			/* Granting it by hand gives a state with no order. */
			for (uint32_t r = 0; r < m; r++) {
				b->available[r] -= req[r];
				b->allocation[t * m + r] += req[r];
				work[r] = b->available[r];
			}
			memset(done, 0, sizeof(done));
			CHECK(!brute_force_safe(b, work, done, n));
			break;
		}
		state_free(b);
	}
	/* The generator must exercise both answers. */
	CHECK(n_safe > 100);
	CHECK(n_unsafe > 100);
}

int main(void)
{
	test_textbook_safe();
	test_textbook_requests();
	test_wait_runs_no_check();
	test_units_tapes();
	test_unsafe_state();
	test_philosophers();
	test_edges();
	test_worst_case_order();
	test_random_against_brute_force();
	if (n_failed) {
		fprintf(stderr, "%d check(s) failed\n", n_failed);
		return 1;
	}
	return 0;
}
