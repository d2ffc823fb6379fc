/* SPDX-License-Identifier: MIT */
/*
 * sem.c - ns per uncontended sem_wait+sem_post pair on a process-private
 * semaphore with value 1, one thread.
 * usage: sem [ITERATIONS]
 */
#include <semaphore.h>

#include "bench.h"

int main(int argc, char **argv)
{
	long iters = bench_arg(argc, argv, 1, 20000000L), i;
	double t0, t1;
	sem_t s;

	if (sem_init(&s, 0, 1) != 0)
		bench_die("sem_init", -1);
	t0 = bench_now_ns();
	for (i = 0; i < iters; i++) {
		sem_wait(&s);
		sem_post(&s);
	}
	t1 = bench_now_ns();
	sem_destroy(&s);
	printf("sem ops=%ld ns/op=%.2f\n", iters, (t1 - t0) / (double)iters);
	return 0;
}
