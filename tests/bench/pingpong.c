/* SPDX-License-Identifier: MIT */
/*
 * pingpong.c - two threads hand a turn back and forth through one mutex and
 * one condition variable: every hand-off is a contended lock, a wait, a
 * signal and a wake-up. ns/op is per hand-off.
 * usage: pingpong [HANDOFFS]
 */
#include <pthread.h>

#include "bench.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static long turn;	/* hand-offs so far; even: thread 0 plays, odd: 1 */
static long handoffs;	/* total hand-offs to make */

static void *player(void *arg)
{
	long me = (long)arg;

	pthread_mutex_lock(&lock);
	for (;;) {
		while (turn < handoffs && (turn & 1) != me)
			pthread_cond_wait(&turn_changed, &lock);
		if (turn >= handoffs)
			break;
		turn++;
		pthread_cond_signal(&turn_changed);
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[2];
	double t0, t1;
	long k;
	int rc;

	handoffs = bench_arg(argc, argv, 1, 100000L);
	t0 = bench_now_ns();
	for (k = 0; k < 2; k++) {
		rc = pthread_create(&t[k], NULL, player, (void *)k);
		if (rc != 0)
			bench_die("pthread_create", rc);
	}
	for (k = 0; k < 2; k++)
		pthread_join(t[k], NULL);
	t1 = bench_now_ns();
	printf("pingpong ops=%ld ns/op=%.2f\n", handoffs,
	       (t1 - t0) / (double)handoffs);
	return 0;
}
