/* SPDX-License-Identifier: MIT */
/*
 * abba_body.h - the A/B inversion the exit-path tests share: thread
 * "first" takes lock_a then lock_b, thread "second" lock_b then lock_a,
 * one after the other. Include it from one test source only per program;
 * the harness reads the @markers here too. A test that keeps its locks
 * elsewhere defines ABBA_LOCK_A and ABBA_LOCK_B (pointers) first; one
 * that names the threads another way defines ABBA_NAME_SELF(name), and
 * ABBA_FIRST and ABBA_SECOND for the names. A silent test may take only
 * the first order (a_then_b), again and again.
 */
#ifndef COFFMAN_TEST_ABBA_BODY_H
#define COFFMAN_TEST_ABBA_BODY_H

#include <pthread.h>

#include "check.h"

#ifndef ABBA_NAME_SELF
#define ABBA_NAME_SELF(name) pthread_setname_np(pthread_self(), (name))
#endif
#ifndef ABBA_FIRST
#define ABBA_FIRST "first"
#define ABBA_SECOND "second"
#endif

#ifndef ABBA_LOCK_A
static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
#define ABBA_LOCK_A (&lock_a)
#define ABBA_LOCK_B (&lock_b)
#endif

static inline void *a_then_b(void *arg)
{
	(void)arg;
	ABBA_NAME_SELF(ABBA_FIRST);
	CHECK_EQ(pthread_mutex_lock(ABBA_LOCK_A), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(ABBA_LOCK_B), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(ABBA_LOCK_B), 0);
	CHECK_EQ(pthread_mutex_unlock(ABBA_LOCK_A), 0);
	return NULL;
}

static inline void *b_then_a(void *arg)
{
	(void)arg;
	ABBA_NAME_SELF(ABBA_SECOND);
	CHECK_EQ(pthread_mutex_lock(ABBA_LOCK_B), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(ABBA_LOCK_A), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(ABBA_LOCK_A), 0);
	CHECK_EQ(pthread_mutex_unlock(ABBA_LOCK_B), 0);
	return NULL;
}

/* Make the inversion: one report, no hang. */
static inline void abba_inversion(void)
{
	run_thread(a_then_b, NULL);
	run_thread(b_then_a, NULL);
}

#endif /* COFFMAN_TEST_ABBA_BODY_H */
