/* SPDX-License-Identifier: MIT */
/*
 * abba_body.h - the A/B inversion the exit-path tests share: thread
 * "first" takes lock_a then lock_b, thread "second" lock_b then lock_a,
 * one after the other. Include it from one test source only per program;
 * the harness reads the @markers here too.
 */
#ifndef COFFMAN_TEST_ABBA_BODY_H
#define COFFMAN_TEST_ABBA_BODY_H

#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *a_then_b(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "first");
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "second");
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

/* Make the inversion: one report, no hang. */
static inline void abba_inversion(void)
{
	run_thread(a_then_b, NULL);
	run_thread(b_then_a, NULL);
}

#endif /* COFFMAN_TEST_ABBA_BODY_H */
