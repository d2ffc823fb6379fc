/* SPDX-License-Identifier: MIT */
/* banker.c - the Banker's safety and resource-request algorithms. */
#include "banker.h"

#include <assert.h>
#include <string.h>

size_t banker_size(uint32_t n_threads, uint32_t n_resources)
{
	size_t n = n_threads, m = n_resources, fixed, cells;

	if (m > SIZE_MAX / 16)
		return 0;
	fixed = m * (sizeof(uint64_t) + sizeof(uint32_t)); /* work, available */
	if (n > SIZE_MAX - fixed)
		return 0;
	fixed += n * sizeof(bool);
	if (n != 0 && m > SIZE_MAX / n)
		return 0;
	cells = n * m;
	if (cells > (SIZE_MAX - fixed) / (2 * sizeof(uint32_t)))
		return 0;
	/* 0 means "too large", so even the empty state takes a byte. */
	return fixed + 2 * cells * sizeof(uint32_t) + !(fixed + cells);
}

void banker_init(struct banker *b, uint32_t n_threads, uint32_t n_resources,
		 void *mem)
{
	size_t cells = (size_t)n_threads * n_resources;
	char *p = mem;

	assert(banker_size(n_threads, n_resources) != 0);
	memset(mem, 0, banker_size(n_threads, n_resources));
	b->n_threads = n_threads;
	b->n_resources = n_resources;
	/* work[] first: the uint64_t array is as aligned as mem. */
	b->work = (uint64_t *)(void *)p;
	p += n_resources * sizeof(uint64_t);
	b->available = (uint32_t *)(void *)p;
	p += n_resources * sizeof(uint32_t);
	b->max = (uint32_t *)(void *)p;
	p += cells * sizeof(uint32_t);
	b->allocation = (uint32_t *)(void *)p;
	p += cells * sizeof(uint32_t);
	/* Last: bool needs no alignment. */
	b->finish = (bool *)(void *)p;
}

uint32_t banker_need(const struct banker *b, uint32_t thread, uint32_t resource)
{
	size_t i = (size_t)thread * b->n_resources + resource;

	assert(thread < b->n_threads && resource < b->n_resources);
	assert(b->allocation[i] <= b->max[i]);
	return b->max[i] - b->allocation[i];
}

bool banker_valid(const struct banker *b)
{
	size_t cells = (size_t)b->n_threads * b->n_resources;

	for (size_t i = 0; i < cells; i++) {
		if (b->allocation[i] > b->max[i])
			return false;
	}
	return true;
}

/* First resource in which t's Need exceeds Work, or BANKER_NONE. */
static uint32_t need_exceeds_work(const struct banker *b, uint32_t t)
{
	const uint32_t *max = b->max + (size_t)t * b->n_resources;
	const uint32_t *alloc = b->allocation + (size_t)t * b->n_resources;

	for (uint32_t r = 0; r < b->n_resources; r++) {
		if (max[r] - alloc[r] > b->work[r])
			return r;
	}
	return BANKER_NONE;
}

static void trace_step(banker_trace_fn trace, void *ctx, const struct banker *b,
		       enum banker_step_kind kind, uint32_t thread,
		       uint32_t resource)
{
	struct banker_step step = {
		.kind = kind,
		.thread = thread,
		.resource = resource,
		.work = b->work,
		.finish = b->finish,
	};

	if (trace)
		trace(ctx, b, &step);
}

bool banker_is_safe(struct banker *b, uint32_t *sequence, uint32_t *n_finished,
		    banker_trace_fn trace, void *ctx)
{
	uint32_t n = b->n_threads, m = b->n_resources;
	uint32_t remaining = n, misses = 0, done = 0, t = 0;

	assert(banker_valid(b));
	for (uint32_t r = 0; r < m; r++)
		b->work[r] = b->available[r];
	memset(b->finish, 0, n * sizeof(bool));
	trace_step(trace, ctx, b, BANKER_STEP_START, BANKER_NONE, BANKER_NONE);

	/*
	 * Round-robin over the unfinished threads; 'misses' counts those
	 * looked at since the last one finished, so a full round without
	 * progress ends it. Each round is O(N M) and at most N rounds make
	 * progress: O(N^2 M) in all. Work only grows, so a thread that
	 * could finish earlier still can: the order found does not matter.
	 */
	while (remaining > 0 && misses < remaining) {
		if (!b->finish[t]) {
			const uint32_t *alloc = b->allocation + (size_t)t * m;
			uint32_t r = need_exceeds_work(b, t);

			if (r != BANKER_NONE) {
				trace_step(trace, ctx, b, BANKER_STEP_SKIP, t,
					   r);
				misses++;
			} else {
				trace_step(trace, ctx, b, BANKER_STEP_FINISH, t,
					   BANKER_NONE);
				for (uint32_t i = 0; i < m; i++)
					b->work[i] += alloc[i];
				b->finish[t] = true;
				if (sequence)
					sequence[done] = t;
				done++;
				remaining--;
				misses = 0;
			}
		}
		t = t + 1 == n ? 0 : t + 1;
	}
	trace_step(trace, ctx, b,
		   remaining ? BANKER_STEP_STUCK : BANKER_STEP_DONE,
		   BANKER_NONE, BANKER_NONE);
	if (n_finished)
		*n_finished = done;
	return remaining == 0;
}

/* Add (sign 1) or take back (sign -1) a grant of 'request' to 'thread'. */
static void apply(struct banker *b, uint32_t thread, const uint32_t *request,
		  int sign)
{
	uint32_t *alloc = b->allocation + (size_t)thread * b->n_resources;

	for (uint32_t r = 0; r < b->n_resources; r++) {
		if (sign > 0) {
			b->available[r] -= request[r];
			alloc[r] += request[r];
		} else {
			b->available[r] += request[r];
			alloc[r] -= request[r];
		}
	}
}

enum banker_verdict banker_request(struct banker *b, uint32_t thread,
				   const uint32_t *request, uint32_t *sequence,
				   struct banker_result *res,
				   banker_trace_fn trace, void *ctx)
{
	struct banker_result local;
	uint32_t r;

	assert(thread < b->n_threads);
	assert(banker_valid(b));
	if (!res)
		res = &local;
	res->resource = BANKER_NONE;
	res->n_finished = 0;

	for (r = 0; r < b->n_resources; r++) {
		if (request[r] > banker_need(b, thread, r)) {
			res->resource = r;
			return res->verdict = BANKER_INVALID;
		}
	}
	for (r = 0; r < b->n_resources; r++) {
		if (request[r] > b->available[r]) {
			res->resource = r;
			return res->verdict = BANKER_WAIT;
		}
	}

	/* Request <= Need and <= Available: neither step can wrap. */
	apply(b, thread, request, 1);
	if (banker_is_safe(b, sequence, &res->n_finished, trace, ctx))
		return res->verdict = BANKER_GRANTED;
	apply(b, thread, request, -1);
	return res->verdict = BANKER_UNSAFE;
}
