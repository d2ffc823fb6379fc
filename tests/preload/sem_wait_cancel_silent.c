/* SPDX-License-Identifier: MIT */
/*
 * sem_wait_cancel_silent.c - sem_wait and sem_timedwait are cancellation
 * points that act on a pending cancel even when a unit is there to take
 * (glibc checks first thing): a thread cancelled before it calls them
 * ends there, under the runtime as without it, and takes no unit.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include "check.h"

static sem_t sem;
static pthread_barrier_t ready;
static int timed;

static void *waiter(void *arg)
{
	struct timespec until;

	(void)arg;
	/* The cancel is pending before the wait starts. */
	pthread_barrier_wait(&ready);
	pthread_barrier_wait(&ready);
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &until), 0);
	until.tv_sec += 10;
	if (timed)
		sem_timedwait(&sem, &until);
	else
		sem_wait(&sem);
	return (void *)1; /* not cancelled */
}

static void run(int with_timeout)
{
	pthread_t t;
	void *ret = NULL;
	int value = -1;

	timed = with_timeout;
	CHECK_EQ(pthread_create(&t, NULL, waiter, NULL), 0);
	pthread_barrier_wait(&ready);
	CHECK_EQ(pthread_cancel(t), 0);
	pthread_barrier_wait(&ready);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == PTHREAD_CANCELED);
	CHECK_EQ(sem_getvalue(&sem, &value), 0);
	CHECK_EQ(value, 1); /* the unit is still there */
}

int main(void)
{
	CHECK_EQ(sem_init(&sem, 0, 1), 0);
	CHECK_EQ(pthread_barrier_init(&ready, NULL, 2), 0);
	run(0);
	run(1);
	CHECK_EQ(sem_destroy(&sem), 0);
	return 0;
}
