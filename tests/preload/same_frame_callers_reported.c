/* SPDX-License-Identifier: MIT */
/*
 * same_frame_callers_reported.c - one nesting reached from two callers
 * whose frames lie at the very same stack addresses (two identical
 * functions called from one place): each new edge's stack names its own
 * caller. A stack remembered for its innermost return address and slot
 * alone would give the second edge the first one's caller; the runtime
 * reuses a stack only when every return address it holds is still in
 * its slot. (One thread takes both orders: warnings.)
 *
 * EXPECT exit=0
 * EXPECT reports=2
 * EXPECT report kind=lock-order-inversion severity=warning lines=@inner,@one,@inv1 objects=lock_a,lock_b1
 * EXPECT report kind=lock-order-inversion severity=warning lines=@inner,@two,@inv2 objects=lock_a,lock_b2
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b1 = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b2 = PTHREAD_MUTEX_INITIALIZER;

static __attribute__((noinline)) void nest(pthread_mutex_t *inner)
{
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_lock(inner), 0); /* @inner */
	CHECK_EQ(pthread_mutex_unlock(inner), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
}

static __attribute__((noinline)) void via_one(void)
{
	nest(&lock_b1); /* @one */
	__asm__ volatile("" ::: "memory"); /* not a tail call */
}

static __attribute__((noinline)) void via_two(void)
{
	nest(&lock_b2); /* @two */
	__asm__ volatile("" ::: "memory");
}

int main(void)
{
	via_one();
	via_two();
	CHECK_EQ(preload_reports(), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_b1), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @inv1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b1), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_b2), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @inv2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b2), 0);
	CHECK_EQ(preload_reports(), 2);
	return 0;
}
