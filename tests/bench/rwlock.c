/* SPDX-License-Identifier: MIT */
/*
 * rwlock.c - ns per uncontended rdlock+unlock or wrlock+unlock pair on one
 * pthread_rwlock_t, one thread.
 * usage: rwlock read|write [ITERATIONS]
 */
#include <pthread.h>
#include <string.h>

#include "bench.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

int main(int argc, char **argv)
{
	int write = argc > 1 && strcmp(argv[1], "write") == 0;
	long iters = bench_arg(argc, argv, 2, 20000000L), i;
	double t0, t1;

	t0 = bench_now_ns();
	if (write) {
		for (i = 0; i < iters; i++) {
			pthread_rwlock_wrlock(&rw);
			pthread_rwlock_unlock(&rw);
		}
	} else {
		for (i = 0; i < iters; i++) {
			pthread_rwlock_rdlock(&rw);
			pthread_rwlock_unlock(&rw);
		}
	}
	t1 = bench_now_ns();
	printf("rwlock mode=%s ops=%ld ns/op=%.2f\n", write ? "write" : "read",
	       iters, (t1 - t0) / (double)iters);
	return 0;
}
