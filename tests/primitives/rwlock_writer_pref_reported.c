/* SPDX-License-Identifier: MIT */
/*
 * rwlock_writer_pref_reported.c - the read-read cycle of
 * rwlock_read_read_silent, on rwlocks made writer-preferring with
 * pthread_rwlockattr_setkind_np(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP):
 * there a reader waits behind any queued writer, so reader 1 holding A
 * and waiting for B (behind a writer of B) and reader 2 holding B and
 * waiting for A (behind a writer of A) deadlock. Reported.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=reader1,reader2 objects=rw_a,rw_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t rw_a;
static pthread_rwlock_t rw_b;

static void a_then_b(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw_a), 0); /* @a1 */
	CHECK_EQ(pthread_rwlock_rdlock(&rw_b), 0); /* @b1 */
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
}

static void b_then_a(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw_b), 0); /* @b2 */
	CHECK_EQ(pthread_rwlock_rdlock(&rw_a), 0); /* @a2 */
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
}

int main(void)
{
	pthread_rwlockattr_t attr;

	CHECK_EQ(pthread_rwlockattr_init(&attr), 0);
	CHECK_EQ(pthread_rwlockattr_setkind_np(
			 &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP),
		 0);
	CHECK_EQ(pthread_rwlock_init(&rw_a, &attr), 0);
	CHECK_EQ(pthread_rwlock_init(&rw_b, &attr), 0);
	CHECK_EQ(pthread_rwlockattr_destroy(&attr), 0);

	run_named("reader1", a_then_b);
	CHECK_EQ(preload_reports(), 0);
	run_named("reader2", b_then_a);
	CHECK_EQ(preload_reports(), 1);

	CHECK_EQ(pthread_rwlock_destroy(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_destroy(&rw_b), 0);
	return 0;
}
