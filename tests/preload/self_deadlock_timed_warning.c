/* SPDX-License-Identifier: MIT */
/*
 * self_deadlock_timed_warning.c - re-locking a held default mutex with
 * pthread_mutex_timedlock only waits until the timeout: a warning, not an
 * error. The call times out, the program goes on and exits 0.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=self-deadlock severity=warning lines=@first,@again threads=patient objects=lock_a
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;

static void *relock_timed(void *arg)
{
	struct timespec until;
	int rc;

	(void)arg;
	pthread_setname_np(pthread_self(), "patient");
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @first */
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &until), 0);
	until.tv_nsec += 50 * 1000 * 1000; /* 50 ms */
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	rc = pthread_mutex_timedlock(&lock_a, &until); /* @again */
	CHECK_EQ(rc, ETIMEDOUT);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(coffman_error_count(), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	return NULL;
}

int main(void)
{
	run_thread(relock_timed, NULL);
	/* The mutex is free again and the runtime knows it. */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
