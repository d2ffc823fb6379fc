/* SPDX-License-Identifier: MIT */
/*
 * bench.h - what every tests/bench program shares: a monotonic clock, an
 * argument reader and the one result line tests/bench/run parses
 * ("NAME ops=N ns/op=X", then optional key=value pairs).
 */
#ifndef COFFMAN_BENCH_H
#define COFFMAN_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* argv[i] as a positive count, or 'fallback' if absent or not positive. */
static inline long bench_arg(int argc, char **argv, int i, long fallback)
{
	long v = argc > i ? atol(argv[i]) : 0;

	return v > 0 ? v : fallback;
}

static inline void bench_die(const char *what, int rc)
{
	fprintf(stderr, "bench: %s failed: %d\n", what, rc);
	exit(2);
}

#endif /* COFFMAN_BENCH_H */
