/* SPDX-License-Identifier: MIT */
/*
 * many_threads_inversion_reported.c - 79 workers take lock_a then lock_b
 * and stay alive; then one more thread takes them the other way round.
 * Many live threads walk their stacks at once, with no per-thread
 * unwinder state: the report names the line of every acquisition in the
 * cycle.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=lock_a,lock_b
 */
#include <pthread.h>

#include "abba_body.h"

#define NWORKERS 79

static pthread_barrier_t all_done, release;

static void *worker(void *arg)
{
	a_then_b(arg);
	pthread_barrier_wait(&all_done);
	pthread_barrier_wait(&release); /* alive until the inverter is done */
	return NULL;
}

int main(void)
{
	pthread_t t[NWORKERS], inv;
	long i;

	pthread_barrier_init(&all_done, NULL, NWORKERS + 1);
	pthread_barrier_init(&release, NULL, NWORKERS + 1);
	for (i = 0; i < NWORKERS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker, NULL), 0);
	pthread_barrier_wait(&all_done);
	/* Created once every worker has taken its stacks, while they live. */
	CHECK_EQ(pthread_create(&inv, NULL, b_then_a, NULL), 0);
	CHECK_EQ(pthread_join(inv, NULL), 0);
	pthread_barrier_wait(&release);
	for (i = 0; i < NWORKERS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	return 0;
}
