/* SPDX-License-Identifier: MIT */
/*
 * cond_wait_inversion_reported.c - pthread_cond_wait releases its mutex
 * and re-acquires it before returning. A thread that waits on lock_b while
 * holding lock_a therefore takes B under A when it wakes (A->B), though it
 * never calls pthread_mutex_lock(B) under A: here A is even taken with a
 * trylock under B, which adds no edge. A second thread taking B then A
 * closes the cycle: A->B exists only through the wait's re-acquisition.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@wait,@b2,@a2 threads=waiter,other objects=lock_a,lock_b
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready;	 /* under lock_b */
static int waiter_has_b; /* atomic */
static int waits;

static void *wait_holding_a(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "waiter");
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_trylock(&lock_a), 0); /* @a1 */
	__atomic_store_n(&waiter_has_b, 1, __ATOMIC_RELEASE);
	/* The signaller needs lock_b: it cannot set 'ready' before we wait. */
	while (!ready) {
		int rc;

		waits++;
		rc = pthread_cond_wait(&ready_cond, &lock_b); /* @wait */
		CHECK_EQ(rc, 0);
	}
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

static void *signal_ready(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "signaller");
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
	ready = 1;
	CHECK_EQ(pthread_cond_signal(&ready_cond), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "other");
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

int main(void)
{
	pthread_t waiter, signaller;

	CHECK_EQ(pthread_create(&waiter, NULL, wait_holding_a, NULL), 0);
	while (!__atomic_load_n(&waiter_has_b, __ATOMIC_ACQUIRE))
		sched_yield();
	CHECK_EQ(pthread_create(&signaller, NULL, signal_ready, NULL), 0);
	CHECK_EQ(pthread_join(signaller, NULL), 0);
	CHECK_EQ(pthread_join(waiter, NULL), 0);
	CHECK(waits >= 1);
	CHECK_EQ(preload_reports(), 0); /* B->A not seen yet */
	run_thread(b_then_a, NULL);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
