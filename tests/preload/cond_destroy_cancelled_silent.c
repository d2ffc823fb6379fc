/* SPDX-License-Identifier: MIT */
/*
 * cond_destroy_cancelled_silent.c - "sleeper" waits on a condition
 * variable; main cancels it and destroys the condition variable at once,
 * before the sleeper has run (both on one CPU): a condvar wait is a
 * cancellation point, glibc takes the sleeper out of the wait to act on
 * the cancel, and the destroy returns. No report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <sched.h>

#include "check.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int waiting, never;

static void unlock_on_cancel(void *arg)
{
	pthread_mutex_unlock(arg);
}

static void *sleeper(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	pthread_cleanup_push(unlock_on_cancel, &m);
	waiting = 1;
	while (!never)
		pthread_cond_wait(&cv, &m);
	pthread_cleanup_pop(1);
	return NULL;
}

int main(void)
{
	cpu_set_t one;
	pthread_t s;
	void *ret;

	/* One CPU: the sleeper runs its cancel only once main waits. */
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	CHECK_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
	CHECK_EQ(pthread_create(&s, NULL, sleeper, NULL), 0);
	wait_set_under(&m, &waiting);
	CHECK_EQ(pthread_cancel(s), 0);
	CHECK_EQ(pthread_cond_destroy(&cv), 0);
	CHECK_EQ(pthread_join(s, &ret), 0);
	CHECK(ret == PTHREAD_CANCELED);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
