/* SPDX-License-Identifier: MIT */
/*
 * scale_threads.c - N threads alive at once: each is created, waits for
 * all the others, then locks its own mutex and, inside it, two of four
 * shared mutexes in a consistent order; then all are joined. ns/op is
 * per thread (create to join).
 * usage: scale_threads [THREADS]
 */
#include <pthread.h>

#include "bench.h"

#define NSHARED 4

static pthread_mutex_t shared[NSHARED] = { PTHREAD_MUTEX_INITIALIZER,
					   PTHREAD_MUTEX_INITIALIZER,
					   PTHREAD_MUTEX_INITIALIZER,
					   PTHREAD_MUTEX_INITIALIZER };
static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_open = PTHREAD_COND_INITIALIZER;
static long waiting;	/* threads at the gate */
static int open_;	/* set once all threads were created */
static long done[NSHARED]; /* done[i]: rounds made holding shared[i] first */

static void *worker(void *arg)
{
	long me = (long)arg;
	pthread_mutex_t own;
	int a = (int)(me % NSHARED), b = (int)((me + 1) % NSHARED), r;

	if (a > b) {
		r = a;
		a = b;
		b = r;
	}
	pthread_mutex_init(&own, NULL);
	pthread_mutex_lock(&gate);
	waiting++;
	while (!open_)
		pthread_cond_wait(&gate_open, &gate);
	pthread_mutex_unlock(&gate);
	for (r = 0; r < 10; r++) {
		pthread_mutex_lock(&own);
		pthread_mutex_lock(&shared[a]);
		pthread_mutex_lock(&shared[b]);
		done[a]++;
		pthread_mutex_unlock(&shared[b]);
		pthread_mutex_unlock(&shared[a]);
		pthread_mutex_unlock(&own);
	}
	pthread_mutex_destroy(&own);
	return NULL;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 1000L), k;
	pthread_t *t = calloc((size_t)n, sizeof(*t));
	pthread_attr_t attr;
	double t0, t1;
	long sum = 0;
	int rc;

	if (!t)
		bench_die("calloc", -1);
	/* 1000 default 8 MiB stacks are 8 GiB of address space; keep it
	 * small so the benchmark runs under any overcommit setting. */
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	t0 = bench_now_ns();
	for (k = 0; k < n; k++) {
		rc = pthread_create(&t[k], &attr, worker, (void *)k);
		if (rc != 0)
			bench_die("pthread_create", rc);
	}
	pthread_mutex_lock(&gate);
	open_ = 1;
	pthread_cond_broadcast(&gate_open);
	pthread_mutex_unlock(&gate);
	for (k = 0; k < n; k++)
		pthread_join(t[k], NULL);
	t1 = bench_now_ns();
	for (k = 0; k < NSHARED; k++)
		sum += done[k];
	if (sum != 10 * n)
		bench_die("sum check", (int)sum);
	printf("scale_threads ops=%ld ns/op=%.2f\n", n, (t1 - t0) / (double)n);
	free(t);
	return 0;
}
