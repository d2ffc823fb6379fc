/* SPDX-License-Identifier: MIT */
/*
 * gate_partial_reported.c - the twin of gate_lock_silent: only the first
 * thread holds the outer lock G around its A->B; the second takes B->A
 * without G, so G does not serialise them and the cycle can deadlock.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=gated,ungated objects=lock_a,lock_b
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *gated(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "gated");
	CHECK_EQ(pthread_mutex_lock(&gate), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&gate), 0);
	return NULL;
}

static void *ungated(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "ungated");
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

int main(void)
{
	run_thread(gated, NULL);
	run_thread(ungated, NULL);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
