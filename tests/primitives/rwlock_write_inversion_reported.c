/* SPDX-License-Identifier: MIT */
/*
 * rwlock_write_inversion_reported.c - write locks are exclusive: A then B
 * in one thread and B then A in another can deadlock like two mutexes.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=writer1,writer2 objects=rw_a,rw_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t rw_a = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t rw_b = PTHREAD_RWLOCK_INITIALIZER;

static void a_then_b(void)
{
	CHECK_EQ(pthread_rwlock_wrlock(&rw_a), 0); /* @a1 */
	CHECK_EQ(pthread_rwlock_wrlock(&rw_b), 0); /* @b1 */
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
}

static void b_then_a(void)
{
	CHECK_EQ(pthread_rwlock_wrlock(&rw_b), 0); /* @b2 */
	CHECK_EQ(pthread_rwlock_wrlock(&rw_a), 0); /* @a2 */
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
}

int main(void)
{
	run_named("writer1", a_then_b);
	CHECK_EQ(preload_reports(), 0);
	run_named("writer2", b_then_a);
	CHECK_EQ(preload_reports(), 1);
	run_named("writer2", b_then_a);
	CHECK_EQ(preload_reports(), 1); /* once per finding */
	return 0;
}
