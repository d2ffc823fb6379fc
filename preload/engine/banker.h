/* SPDX-License-Identifier: MIT */
/*
 * banker.h - Dijkstra's Banker's algorithm: is a state of N threads and M
 * resource types safe, and may a request be granted without leaving it
 * unsafe. Shared by `coffman banker` (textbook states from a file), the
 * live banker=warn|avoid checks and `coffman analyze`. Pure C: no I/O, no
 * allocation, no locking -- the caller provides the memory and serialises.
 *
 * Cost: a safety check is O(N^2 M) time and touches only the state and its
 * scratch arrays; a request adds O(M) around one safety check.
 */
#ifndef COFFMAN_BANKER_H
#define COFFMAN_BANKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BANKER_NONE UINT32_MAX /* "no thread", "no resource" */

/*
 * Matrices are row-major, one row of n_resources per thread: thread t's
 * units of resource r are at [t * n_resources + r]. Units are uint32_t (a
 * semaphore's value fits); sums of them are taken in uint64_t, so no
 * addition in the algorithm can overflow.
 */
struct banker {
	uint32_t n_threads;   /* N */
	uint32_t n_resources; /* M */
	uint32_t *available;  /* [M] units free now */
	uint32_t *max;	      /* [N*M] declared maximum claims */
	uint32_t *allocation; /* [N*M] units held; <= max (banker_valid) */
	uint64_t *work;	      /* [M] scratch: Work of the last check */
	bool *finish;	      /* [N] scratch: Finish flags of the last check */
};

/*
 * Bytes of memory banker_init() needs for an N x M state, or 0 if that
 * would not fit in a size_t.
 */
size_t banker_size(uint32_t n_threads, uint32_t n_resources);

/*
 * Point b's arrays into 'mem' (banker_size() bytes, aligned for uint64_t,
 * as malloc's are) and zero them: nothing available, claimed or held.
 */
void banker_init(struct banker *b, uint32_t n_threads, uint32_t n_resources,
		 void *mem);

/* Need[t][r] = Max[t][r] - Allocation[t][r]; requires banker_valid(). */
uint32_t banker_need(const struct banker *b, uint32_t thread,
		     uint32_t resource);

/* True if no thread holds more of a resource than its maximum claim. */
bool banker_valid(const struct banker *b);

enum banker_step_kind {
	BANKER_STEP_START,  /* Work = Available, every Finish false */
	BANKER_STEP_SKIP,   /* 'thread' has Need > Work in 'resource' */
	BANKER_STEP_FINISH, /* 'thread' has Need <= Work: it finishes */
	BANKER_STEP_STUCK,  /* no unfinished thread can finish: unsafe */
	BANKER_STEP_DONE,   /* every thread finished: safe */
};

/*
 * One step of the safety algorithm, for teaching (coffman banker --explain).
 * Fields that do not apply to the kind are BANKER_NONE.
 */
struct banker_step {
	enum banker_step_kind kind;
	uint32_t thread;      /* SKIP, FINISH: the thread looked at */
	uint32_t resource;    /* SKIP: first resource with Need > Work */
	const uint64_t *work; /* [M] Work before the step */
	const bool *finish;   /* [N] Finish flags before the step */
};

/*
 * Called at each step of a safety check, with b in the state being checked
 * (during banker_request(), the state as if the request were granted). It
 * must not change b.
 */
typedef void (*banker_trace_fn)(void *ctx, const struct banker *b,
				const struct banker_step *step);

/*
 * The safety algorithm. True if every thread can finish in some order: each
 * in turn needs no more than the Work vector (Available plus what the
 * threads before it gave back). The order found goes in sequence[0..N-1];
 * threads are examined round-robin from thread 0, never restarting, which
 * for the textbook's example gives its <P1, P3, P4, P0, P2>. If unsafe,
 * sequence[] starts with the threads that could finish, in order, and
 * b->finish[] shows which could. *n_finished (if not NULL) is the number of
 * threads in sequence[]. sequence may be NULL; trace may be NULL.
 * Writes only b->work, b->finish, sequence and *n_finished.
 */
bool banker_is_safe(struct banker *b, uint32_t *sequence, uint32_t *n_finished,
		    banker_trace_fn trace, void *ctx);

enum banker_verdict {
	BANKER_GRANTED, /* safe to grant: done, state updated */
	BANKER_INVALID, /* exceeds the thread's Need: it broke its claim */
	BANKER_WAIT,	/* exceeds Available: must wait for units */
	BANKER_UNSAFE,	/* would leave an unsafe state: must wait (denied) */
};

struct banker_result {
	enum banker_verdict verdict;
	uint32_t resource;   /* INVALID, WAIT: first resource over the limit;
				else BANKER_NONE */
	uint32_t n_finished; /* threads in sequence[]: N if GRANTED, those that
				could still finish if UNSAFE, else 0 */
};

/*
 * The resource-request algorithm: may 'thread' be given request[0..M-1]
 * more units? Checks Request <= Need (else INVALID), Request <= Available
 * (else WAIT), then pretends to grant it and runs banker_is_safe() on the
 * result, with trace. GRANTED leaves the grant in place, with the safe
 * sequence in sequence[]; every other verdict leaves the state exactly as
 * it was (UNSAFE puts the threads that could still finish in sequence[],
 * and leaves b->finish[] as the check of the pretended state left it).
 * Requires banker_valid(b) and thread < N; sequence, res and trace may be
 * NULL. Returns the verdict, also in res->verdict.
 */
enum banker_verdict banker_request(struct banker *b, uint32_t thread,
				   const uint32_t *request, uint32_t *sequence,
				   struct banker_result *res,
				   banker_trace_fn trace, void *ctx);

#endif /* COFFMAN_BANKER_H */
