/* SPDX-License-Identifier: MIT */
/*
 * deadlock_sem_pool_knot_reported.c - deadlock_sem_pool_reported while
 * main keeps running (it sleeps, which is no sync wait), so "every thread
 * blocked" cannot stand in for the deadlock. The two workers hold both
 * units of the pool and each waits for one more: whichever unit could
 * satisfy a waiter is held by a blocked waiter, so no unit will ever come
 * back (a knot, the deadlock of a multi-unit resource). The report is a
 * deadlock among the pool's holders, when the second one blocks.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@first,@second threads=worker-1,worker-2 objects=pool
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>
#include <semaphore.h>

#include "dl.h"

static sem_t pool;
static pthread_barrier_t each_has_one;

static void *worker(void *arg)
{
	(void)arg;
	CHECK_EQ(sem_wait(&pool), 0); /* @first */
	dl_barrier_wait(&each_has_one);
	sem_wait(&pool); /* @second */
	fprintf(stderr, "NOT REACHED: got a second buffer\n");
	exit(1);
}

int main(void)
{
	struct dl_thread w1, w2;

	CHECK_EQ(sem_init(&pool, 0, 2), 0);
	CHECK_EQ(pthread_barrier_init(&each_has_one, NULL, 2), 0);
	dl_spawn(&w1, "worker-1", worker, NULL);
	dl_spawn(&w2, "worker-2", worker, NULL);
	dl_sleep_ms(3000);
	fprintf(stderr, "NOT REACHED: no deadlock report in 3 s\n");
	return 1;
}
