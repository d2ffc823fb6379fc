/* SPDX-License-Identifier: MIT */
/*
 * cond_einval_keeps_mutex_reported.c - a timed condition wait with a bad
 * timeout (tv_nsec out of range) or clock fails with EINVAL before glibc
 * releases the mutex: the thread still holds it, and what it locks next
 * is nested under it. Here thread "first" takes B under M after two such
 * failed waits, and thread "second" takes M under B: the inversion is
 * reported, which it is only if the runtime did not think M released.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@m1,@b1,@b2,@m2 threads=first,second objects=lock_m,lock_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <errno.h>
#include <pthread.h>

#include "prim.h"

static pthread_mutex_t lock_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void m_then_b(void)
{
	struct timespec ts = deadline(1000);

	CHECK_EQ(pthread_mutex_lock(&lock_m), 0); /* @m1 */
	ts.tv_nsec = 1000000000L;
	CHECK_EQ(pthread_cond_timedwait(&cv, &lock_m, &ts), EINVAL);
	ts = deadline(1000);
	CHECK_EQ(pthread_cond_clockwait(&cv, &lock_m, CLOCK_PROCESS_CPUTIME_ID,
					&ts), EINVAL);
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_m), 0);
}

static void b_then_m(void)
{
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_m), 0); /* @m2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_m), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
}

int main(void)
{
	run_named("first", m_then_b);
	CHECK_EQ(preload_reports(), 0);
	run_named("second", b_then_m);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
