/* SPDX-License-Identifier: MIT */
/*
 * abba_three_locks_reported.c - three threads take A->B, B->C and C->A:
 * no two of them invert each other, but together they form a cycle of
 * length 3 that can deadlock. One report naming all three locks and the
 * six acquisition sites.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@c2,@c3,@a3 threads=ab,bc,ca objects=lock_a,lock_b,lock_c
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;

static void *a_then_b(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "ab");
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	return NULL;
}

static void *b_then_c(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "bc");
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_c), 0); /* @c2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_c), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

static void *c_then_a(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "ca");
	CHECK_EQ(pthread_mutex_lock(&lock_c), 0); /* @c3 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a3 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_c), 0);
	return NULL;
}

int main(void)
{
	run_thread(a_then_b, NULL);
	run_thread(b_then_c, NULL);
	CHECK_EQ(preload_reports(), 0); /* A->B->C is an order, not a cycle */
	run_thread(c_then_a, NULL);
	CHECK_EQ(preload_reports(), 1);
	/* Again, in another rotation: the same finding, not a new one. */
	run_thread(b_then_c, NULL);
	run_thread(c_then_a, NULL);
	run_thread(a_then_b, NULL);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
