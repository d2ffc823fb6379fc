/* SPDX-License-Identifier: MIT */
/*
 * cond_cancel_exit_holding_reported.c - the twin of cond_cancel_silent: a
 * thread cancelled inside pthread_cond_wait gets the mutex back before it
 * unwinds, and here no cleanup handler unlocks it. The thread ends holding
 * the mutex (it stays locked forever): exit-holding-locks.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=exit-holding-locks severity=error lines=@wait
 * threads=cancelled objects=wait_lock
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "check.h"

static pthread_mutex_t wait_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int waiting; /* atomic */

static void *wait_forever(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "cancelled");
	CHECK_EQ(pthread_mutex_lock(&wait_lock), 0);
	__atomic_store_n(&waiting, 1, __ATOMIC_RELEASE);
	for (;;)
		pthread_cond_wait(&never, &wait_lock); /* @wait */
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *ret;

	CHECK_EQ(pthread_create(&t, NULL, wait_forever, NULL), 0);
	while (!__atomic_load_n(&waiting, __ATOMIC_ACQUIRE))
		sched_yield();
	/* We get the mutex only once the thread waits (and released it). */
	CHECK_EQ(pthread_mutex_lock(&wait_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&wait_lock), 0);
	CHECK_EQ(pthread_cancel(t), 0);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == PTHREAD_CANCELED);
	CHECK_EQ(preload_reports(), 1);
	/* glibc left it locked by the dead thread. */
	CHECK_EQ(pthread_mutex_trylock(&wait_lock), EBUSY);
	return 0;
}
