/* SPDX-License-Identifier: MIT */
/*
 * scale_mutexes.c - N distinct heap mutexes alive at once: all
 * initialised, then each locked and unlocked, then all destroyed and
 * freed. ns/op is per mutex (init + lock + unlock + destroy).
 * usage: scale_mutexes [MUTEXES]
 */
#include <pthread.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 1000000L), k;
	pthread_mutex_t *m = malloc((size_t)n * sizeof(*m));
	double t0, t1;

	if (!m)
		bench_die("malloc", -1);
	t0 = bench_now_ns();
	for (k = 0; k < n; k++)
		pthread_mutex_init(&m[k], NULL);
	for (k = 0; k < n; k++) {
		pthread_mutex_lock(&m[k]);
		pthread_mutex_unlock(&m[k]);
	}
	for (k = 0; k < n; k++)
		pthread_mutex_destroy(&m[k]);
	t1 = bench_now_ns();
	free(m);
	printf("scale_mutexes ops=%ld ns/op=%.2f\n", n, (t1 - t0) / (double)n);
	return 0;
}
