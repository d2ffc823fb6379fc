/* SPDX-License-Identifier: MIT */
/*
 * nested.c - two threads each take pairs of locks from a set of 64, always
 * the lower-numbered first, walking through all 2016 pairs i<j: many
 * distinct lock-order edges, no cycle, little contention (the threads
 * start half the pair list apart). ops counts acquisitions (lock+unlock)
 * of both threads; ns/op is the time per acquisition of one thread, i.e.
 * 2 x elapsed / ops, as the two threads run in parallel. Each thread
 * first takes every pair once, untimed: learning the 2016 nestings is a
 * fixed cost (a tool walks a stack and checks the graph for each), and
 * in a run of a few hundred thousand pairs it would pass for a cost per
 * operation. ns/op is the steady state, whatever the size.
 * usage: nested [PAIRS_PER_THREAD]
 */
#include <pthread.h>

#include "bench.h"

#define NLOCKS 64
#define NPAIRS (NLOCKS * (NLOCKS - 1) / 2)

/* One lock per cache line, so the plain run measures locking and not
 * false sharing between the two threads. */
static struct {
	pthread_mutex_t m;
	char pad[64 - sizeof(pthread_mutex_t) % 64];
} locks[NLOCKS];

static unsigned char pair_lo[NPAIRS], pair_hi[NPAIRS];
static long pairs_per_thread;
static pthread_barrier_t start;
static double t_start[2], t_end[2]; /* per worker, ns */

static void *worker(void *arg)
{
	long me = (long)arg, k, p = me * (NPAIRS / 2);

	for (k = 0; k < NPAIRS; k++) {
		pthread_mutex_lock(&locks[pair_lo[k]].m);
		pthread_mutex_lock(&locks[pair_hi[k]].m);
		pthread_mutex_unlock(&locks[pair_hi[k]].m);
		pthread_mutex_unlock(&locks[pair_lo[k]].m);
	}
	pthread_barrier_wait(&start);
	t_start[me] = bench_now_ns();
	for (k = 0; k < pairs_per_thread; k++) {
		pthread_mutex_t *lo = &locks[pair_lo[p]].m;
		pthread_mutex_t *hi = &locks[pair_hi[p]].m;

		pthread_mutex_lock(lo);
		pthread_mutex_lock(hi);
		pthread_mutex_unlock(hi);
		pthread_mutex_unlock(lo);
		if (++p == NPAIRS)
			p = 0;
	}
	t_end[me] = bench_now_ns();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[2];
	double elapsed;
	int i, j, n = 0, rc;
	long k;

	pairs_per_thread = bench_arg(argc, argv, 1, 5000000L);
	for (i = 0; i < NLOCKS; i++) {
		pthread_mutex_init(&locks[i].m, NULL);
		for (j = i + 1; j < NLOCKS; j++) {
			pair_lo[n] = (unsigned char)i;
			pair_hi[n] = (unsigned char)j;
			n++;
		}
	}
	pthread_barrier_init(&start, NULL, 2);
	for (k = 0; k < 2; k++) {
		rc = pthread_create(&t[k], NULL, worker, (void *)k);
		if (rc != 0)
			bench_die("pthread_create", rc);
	}
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	pthread_barrier_destroy(&start);
	/* From the first start to the last finish of the two workers. */
	elapsed = (t_end[0] > t_end[1] ? t_end[0] : t_end[1]) -
		  (t_start[0] < t_start[1] ? t_start[0] : t_start[1]);
	printf("nested ops=%ld ns/op=%.2f edges=%d\n", 4 * pairs_per_thread,
	       elapsed / (double)(2 * pairs_per_thread), NPAIRS);
	return 0;
}
