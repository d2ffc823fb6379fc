/* SPDX-License-Identifier: MIT */
/*
 * cancel_pending_silent.c - a thread cancelled before it starts (deferred
 * cancellation) first calls something that is no cancellation point: a
 * contended pthread_mutex_lock, a contended pthread_rwlock_wrlock, a
 * pthread_barrier_wait. Each must do what it does without the runtime:
 * take the lock or pass the barrier, and the thread is cancelled only at
 * its next cancellation point (nanosleep). Before, the runtime's own
 * read(2) (an unwinder walking the stack of the wait) acted on the cancel:
 * the lock was never taken, and the barrier never reached, so the other
 * party hung. alarm(10) bounds a hang.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

enum what { MUTEX, RWLOCK, BARRIER };

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t both;
static volatile int started, got;

static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void *cancelled_early(void *arg)
{
	enum what w = (enum what)(long)arg;

	started = 1;
	if (w == MUTEX) {
		CHECK_EQ(pthread_mutex_lock(&m), 0);
		got = 1;
		CHECK_EQ(pthread_mutex_unlock(&m), 0);
	} else if (w == RWLOCK) {
		CHECK_EQ(pthread_rwlock_wrlock(&rw), 0);
		got = 1;
		CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	} else {
		pthread_barrier_wait(&both);
		got = 1;
	}
	pause_ms(1000); /* a cancellation point: the cancel acts here */
	return NULL;
}

static void one(enum what w)
{
	pthread_t th;
	void *ret;

	got = 0;
	started = 0;
	if (w == MUTEX)
		CHECK_EQ(pthread_mutex_lock(&m), 0);
	if (w == RWLOCK)
		CHECK_EQ(pthread_rwlock_wrlock(&rw), 0);
	CHECK_EQ(pthread_create(&th, NULL, cancelled_early, (void *)(long)w),
		 0);
	CHECK_EQ(pthread_cancel(th), 0);
	if (w == BARRIER) {
		pthread_barrier_wait(&both);
	} else {
		while (!started)
			pause_ms(1);
		pause_ms(100); /* it is blocked in the lock by now */
		if (w == MUTEX)
			CHECK_EQ(pthread_mutex_unlock(&m), 0);
		else
			CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	}
	CHECK_EQ(pthread_join(th, &ret), 0);
	CHECK(ret == PTHREAD_CANCELED);
	CHECK_EQ(got, 1);
}

int main(void)
{
	alarm(10);
	CHECK_EQ(pthread_barrier_init(&both, NULL, 2), 0);
	one(MUTEX);
	one(RWLOCK);
	one(BARRIER);
	CHECK_EQ(pthread_barrier_destroy(&both), 0);
	return 0;
}
