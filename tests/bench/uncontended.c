/* SPDX-License-Identifier: MIT */
/*
 * uncontended.c - ns per uncontended lock+unlock pair with 0, 1 or 4
 * other locks held, the path every program takes most. Run it plain and
 * under the runtime and compare: tests/bench/run does both.
 * usage: uncontended [HELD [ITERATIONS]]
 */
#include <pthread.h>

#include "bench.h"

static pthread_mutex_t outer[4] = { PTHREAD_MUTEX_INITIALIZER,
				    PTHREAD_MUTEX_INITIALIZER,
				    PTHREAD_MUTEX_INITIALIZER,
				    PTHREAD_MUTEX_INITIALIZER };
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;

int main(int argc, char **argv)
{
	int held = argc > 1 ? atoi(argv[1]) : 1;
	long iters = bench_arg(argc, argv, 2, 20000000L), i;
	double t0, t1;
	int k;

	if (held < 0 || held > 4)
		held = 1;
	for (k = 0; k < held; k++)
		pthread_mutex_lock(&outer[k]);
	t0 = bench_now_ns();
	for (i = 0; i < iters; i++) {
		pthread_mutex_lock(&inner);
		pthread_mutex_unlock(&inner);
	}
	t1 = bench_now_ns();
	for (k = held - 1; k >= 0; k--)
		pthread_mutex_unlock(&outer[k]);
	printf("uncontended held=%d ops=%ld ns/op=%.2f\n", held, iters,
	       (t1 - t0) / (double)iters);
	return 0;
}
