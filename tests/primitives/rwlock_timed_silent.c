/* SPDX-License-Identifier: MIT */
/*
 * rwlock_timed_silent.c - every timed and clock variant of the rwlock
 * locks, used in one consistent order (A before B) by several threads,
 * including waits that really time out while another thread holds the
 * lock: nothing is reported. A timeout is not a deadlock, and the thread
 * that timed out holds nothing afterwards.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>

#include "prim.h"

static pthread_rwlock_t rw_a = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t rw_b = PTHREAD_RWLOCK_INITIALIZER;
static sem_t held, done;

static void *ordered(void *arg)
{
	struct timespec ts;
	int i;

	(void)arg;
	for (i = 0; i < 500; i++) {
		ts = deadline(5000);
		CHECK_EQ(pthread_rwlock_timedrdlock(&rw_a, &ts), 0);
		ts = deadline_on(CLOCK_MONOTONIC, 5000);
		CHECK_EQ(pthread_rwlock_clockwrlock(&rw_b, CLOCK_MONOTONIC,
						    &ts), 0);
		CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
		CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);

		ts = deadline(5000);
		CHECK_EQ(pthread_rwlock_timedwrlock(&rw_a, &ts), 0);
		ts = deadline_on(CLOCK_REALTIME, 5000);
		CHECK_EQ(pthread_rwlock_clockrdlock(&rw_b, CLOCK_REALTIME,
						    &ts), 0);
		CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
		CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
	}
	return NULL;
}

/* Holds A for writing until told to let go. */
static void *holder(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_rwlock_wrlock(&rw_a), 0);
	CHECK_EQ(sem_post(&held), 0);
	CHECK_EQ(sem_wait(&done), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
	return NULL;
}

static void timeouts(void)
{
	struct timespec ts;
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, holder, NULL), 0);
	CHECK_EQ(sem_wait(&held), 0);
	ts = deadline(20);
	CHECK_EQ(pthread_rwlock_timedrdlock(&rw_a, &ts), ETIMEDOUT);
	ts = deadline(20);
	CHECK_EQ(pthread_rwlock_timedwrlock(&rw_a, &ts), ETIMEDOUT);
	ts = deadline_on(CLOCK_MONOTONIC, 20);
	CHECK_EQ(pthread_rwlock_clockrdlock(&rw_a, CLOCK_MONOTONIC, &ts),
		 ETIMEDOUT);
	/* Timing out on A while holding B: B before A would be the
	 * reverse order, but a wait that gave up added no edge. */
	CHECK_EQ(pthread_rwlock_wrlock(&rw_b), 0);
	ts = deadline_on(CLOCK_MONOTONIC, 20);
	CHECK_EQ(pthread_rwlock_clockwrlock(&rw_a, CLOCK_MONOTONIC, &ts),
		 ETIMEDOUT);
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
	CHECK_EQ(sem_post(&done), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
}

int main(void)
{
	pthread_t t[3];
	int i;

	CHECK_EQ(sem_init(&held, 0, 0), 0);
	CHECK_EQ(sem_init(&done, 0, 0), 0);
	run_named("timeouts", timeouts);
	CHECK_EQ(preload_reports(), 0);
	for (i = 0; i < 3; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, ordered, NULL), 0);
	for (i = 0; i < 3; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(preload_reports(), 0);
	CHECK_EQ(sem_destroy(&held), 0);
	CHECK_EQ(sem_destroy(&done), 0);
	return 0;
}
