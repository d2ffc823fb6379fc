/* SPDX-License-Identifier: MIT */
/*
 * sem_pool_knot_timed_warning.c - deadlock_sem_pool_knot_reported, but
 * "worker-2" waits for its second unit with sem_timedwait: the knot forms
 * (every unit is held by a blocked waiter), and then ends when worker-2
 * gives up and posts its unit back, which worker-1 gets. A warning that
 * says a timeout may end it; on_deadlock=exit does not act on it, and
 * the exit status stays 0.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=warning lines=@first,@second,@timed threads=worker-1,worker-2 objects=pool
 * EXPECT stderr~=it ends if that thread gives up
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>

#include "dl.h"

static sem_t pool;
static pthread_barrier_t each_has_one;

static void *plain_worker(void *arg)
{
	(void)arg;
	CHECK_EQ(sem_wait(&pool), 0); /* @first */
	dl_barrier_wait(&each_has_one);
	CHECK_EQ(sem_wait(&pool), 0); /* @second */
	CHECK_EQ(sem_post(&pool), 0);
	CHECK_EQ(sem_post(&pool), 0);
	return NULL;
}

static void *timed_worker(void *arg)
{
	struct timespec ts;

	(void)arg;
	CHECK_EQ(sem_wait(&pool), 0); /* @first */
	dl_barrier_wait(&each_has_one);
	dl_sleep_ms(50); /* worker-1 blocks first */
	ts = dl_deadline(300);
	CHECK_EQ(sem_timedwait(&pool, &ts), -1); /* @timed */
	CHECK_EQ(errno, ETIMEDOUT);
	CHECK_EQ(sem_post(&pool), 0);
	return NULL;
}

int main(void)
{
	struct dl_thread w1, w2;

	dl_bound(5);
	CHECK_EQ(sem_init(&pool, 0, 2), 0);
	CHECK_EQ(pthread_barrier_init(&each_has_one, NULL, 2), 0);
	dl_spawn(&w1, "worker-1", plain_worker, NULL);
	dl_spawn(&w2, "worker-2", timed_worker, NULL);
	dl_join(&w1);
	dl_join(&w2);
	return 0;
}
