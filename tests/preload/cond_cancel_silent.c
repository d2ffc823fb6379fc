/* SPDX-License-Identifier: MIT */
/*
 * cond_cancel_silent.c - a thread cancelled inside pthread_cond_wait gets
 * its mutex back before its cleanup handlers run; the handler that unlocks
 * it is correct. No unlock-not-owned, no exit-holding-locks: no report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <sched.h>

#include "check.h"

static pthread_mutex_t wait_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t outer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int waiting;  /* atomic */
static int cleanups; /* atomic */

static void unlock_it(void *m)
{
	CHECK_EQ(pthread_mutex_unlock(m), 0);
	__atomic_fetch_add(&cleanups, 1, __ATOMIC_RELAXED);
}

static void *wait_forever(void *arg)
{
	int nested = arg != NULL;

	pthread_setname_np(pthread_self(), "cancelled");
	if (nested) {
		CHECK_EQ(pthread_mutex_lock(&outer_lock), 0);
		pthread_cleanup_push(unlock_it, &outer_lock);
		CHECK_EQ(pthread_mutex_lock(&wait_lock), 0);
		pthread_cleanup_push(unlock_it, &wait_lock);
		__atomic_store_n(&waiting, 1, __ATOMIC_RELEASE);
		for (;;)
			pthread_cond_wait(&never, &wait_lock);
		pthread_cleanup_pop(1);
		pthread_cleanup_pop(1);
	} else {
		CHECK_EQ(pthread_mutex_lock(&wait_lock), 0);
		pthread_cleanup_push(unlock_it, &wait_lock);
		__atomic_store_n(&waiting, 1, __ATOMIC_RELEASE);
		for (;;)
			pthread_cond_wait(&never, &wait_lock);
		pthread_cleanup_pop(1);
	}
	return NULL;
}

static void cancel_in_wait(void *arg)
{
	pthread_t t;
	void *ret;

	__atomic_store_n(&waiting, 0, __ATOMIC_RELAXED);
	CHECK_EQ(pthread_create(&t, NULL, wait_forever, arg), 0);
	while (!__atomic_load_n(&waiting, __ATOMIC_ACQUIRE))
		sched_yield();
	/* We get the mutex only once the thread waits (and released it). */
	CHECK_EQ(pthread_mutex_lock(&wait_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&wait_lock), 0);
	CHECK_EQ(pthread_cancel(t), 0);
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == PTHREAD_CANCELED);
	/* Unlocked by the handlers: free now. */
	CHECK_EQ(pthread_mutex_trylock(&wait_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&wait_lock), 0);
	CHECK_EQ(pthread_mutex_trylock(&outer_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&outer_lock), 0);
}

int main(void)
{
	cancel_in_wait(NULL);
	CHECK_EQ(__atomic_load_n(&cleanups, __ATOMIC_RELAXED), 1);
	cancel_in_wait(&outer_lock);
	CHECK_EQ(__atomic_load_n(&cleanups, __ATOMIC_RELAXED), 3);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
