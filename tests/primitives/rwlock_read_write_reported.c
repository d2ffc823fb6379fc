/* SPDX-License-Identifier: MIT */
/*
 * rwlock_read_write_reported.c - a cycle through an rwlock is a deadlock
 * as soon as one side of it takes the lock for writing: the reader holds
 * A and waits to write B; the writer holds B and waits to write A, which
 * the reader's hold excludes.
 *
 * (The read-only variant of the second thread, "write B then read A", is
 * no deadlock on a reader-preferring rwlock: a read lock is granted while
 * only readers hold it. rwlock_read_write_reader_pref_silent covers it.)
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=reader,writer objects=rw_a,rw_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t rw_a = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t rw_b = PTHREAD_RWLOCK_INITIALIZER;

static void read_a_write_b(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw_a), 0); /* @a1 */
	CHECK_EQ(pthread_rwlock_wrlock(&rw_b), 0); /* @b1 */
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
}

static void write_b_write_a(void)
{
	CHECK_EQ(pthread_rwlock_wrlock(&rw_b), 0); /* @b2 */
	CHECK_EQ(pthread_rwlock_wrlock(&rw_a), 0); /* @a2 */
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
}

int main(void)
{
	run_named("reader", read_a_write_b);
	CHECK_EQ(preload_reports(), 0);
	run_named("writer", write_b_write_a);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
