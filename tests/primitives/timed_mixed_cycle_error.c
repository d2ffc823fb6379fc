/* SPDX-License-Identifier: MIT */
/*
 * timed_mixed_cycle_error.c - the inversion of timed_cycle_warning, but
 * only one of the two waits that close the cycle is timed. When the
 * threads meet, the plain wait never ends, and whether the timed side
 * gets out depends on what it does after giving up (a retry loop hangs
 * for good): the cycle is an error, and the exit status is 66.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=lock_a,lock_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <pthread.h>

#include "prim.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void a_then_b(void)
{
	struct timespec ts = deadline(1000);

	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_timedlock(&lock_b, &ts), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
}

static void b_then_a(void)
{
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
}

int main(void)
{
	run_named("first", a_then_b);
	run_named("second", b_then_a);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(coffman_error_count(), 1);
	return 0;
}
