/* SPDX-License-Identifier: MIT */
/*
 * prim.h - helpers for the tests of issue 3's primitives, on top of
 * tests/preload/check.h.
 */
#ifndef COFFMAN_TEST_PRIM_H
#define COFFMAN_TEST_PRIM_H

#include <pthread.h>
#include <time.h>

#include "check.h"

struct prim_named {
	const char *name;
	void (*fn)(void);
};

static inline void *prim_named_start(void *p)
{
	const struct prim_named *n = p;

	/* Named from inside: the runtime knows the thread by then. */
	CHECK_EQ(pthread_setname_np(pthread_self(), n->name), 0);
	n->fn();
	return NULL;
}

/* Run fn in a new thread called name, and wait for it to end. */
static inline void run_named(const char *name, void (*fn)(void))
{
	struct prim_named n = { name, fn };

	run_thread(prim_named_start, &n);
}

/* An absolute CLOCK_REALTIME (or clk) time ms milliseconds from now. */
static inline struct timespec deadline_on(clockid_t clk, long ms)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static inline struct timespec deadline(long ms)
{
	return deadline_on(CLOCK_REALTIME, ms);
}

#endif /* COFFMAN_TEST_PRIM_H */
