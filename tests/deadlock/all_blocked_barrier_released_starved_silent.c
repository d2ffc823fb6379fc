/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_barrier_released_starved_silent.c - "late" waits at a
 * barrier of two parties; main arrives, which completes the round, and
 * joins late. Just before, another process takes late's CPU at real-time
 * priority for 400 ms, so late, released, cannot run to leave the
 * barrier: for that long every thread of this process is blocked with no
 * timeout. But late's round is complete, and it goes on as soon as it
 * runs: no report.
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

static pthread_barrier_t gate;
static struct starve st;
static pid_t late_tid;
static long long released_ms, taken_ms;

static void *late(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "late"), 0);
	starve_pin_late(&st);
	__atomic_store_n(&late_tid, gettid(), __ATOMIC_RELEASE);
	pthread_barrier_wait(&gate);
	taken_ms = dl_now_ms();
	return NULL;
}

int main(void)
{
	struct timespec nap = { 0, 1000000L };
	pthread_t t;
	int i;

	dl_bound(8);
	starve_begin(&st);
	CHECK_EQ(pthread_barrier_init(&gate, NULL, 2), 0);
	CHECK_EQ(pthread_create(&t, NULL, late, NULL), 0);
	/* late asleep in the barrier's futex */
	for (i = 0; i < 3000 && !__atomic_load_n(&late_tid, __ATOMIC_ACQUIRE);
	     i++)
		nanosleep(&nap, NULL);
	for (i = 0; i < 3000 && !asleep_on(late_tid, &gate, sizeof(gate));
	     i++)
		nanosleep(&nap, NULL);
	CHECK(i < 3000);
	starve_go(&st); /* the hog has late's CPU now */
	released_ms = dl_now_ms();
	pthread_barrier_wait(&gate); /* the round is complete */
	CHECK_EQ(pthread_join(t, NULL), 0);
	starve_end(&st, released_ms, taken_ms);
	return 0;
}
