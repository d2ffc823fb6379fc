/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_woken_starved_silent.c - "late" sleeps waiting for a mutex
 * main holds; main releases it and joins late. Just before, another
 * process takes late's CPU at real-time priority for 400 ms, so late,
 * woken, cannot run to take the mutex: for that long every thread of
 * this process is blocked with no timeout. But late waits for a mutex
 * nobody holds, and goes on as soon as it runs: no report.
 *
 * The CPU is taken only where the test may use SCHED_FIFO (root, or an
 * RLIMIT_RTPRIO) and has two CPUs (the watchdog runs on the other);
 * elsewhere late runs at once and the test checks less.
 *
 * EXPECT options=watchdog_ms=100
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <pthread.h>

#include "starve.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static struct starve st;
static long long released_ms, taken_ms;

static void *late(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "late"), 0);
	starve_pin_late(&st);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	taken_ms = dl_now_ms();
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	return NULL;
}

int main(void)
{
	struct timespec nap = { 0, 1000000L };
	pthread_t t;
	int i;

	dl_bound(8);
	starve_begin(&st);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_create(&t, NULL, late, NULL), 0);
	/* late asleep on the lock word (2: a waiter sleeps) */
	for (i = 0; i < 3000 && __atomic_load_n(&m.__data.__lock,
						__ATOMIC_ACQUIRE) != 2;
	     i++)
		nanosleep(&nap, NULL);
	CHECK_EQ(m.__data.__lock, 2);
	starve_go(&st); /* the hog has late's CPU now */
	released_ms = dl_now_ms();
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	starve_end(&st, released_ms, taken_ms);
	return 0;
}
