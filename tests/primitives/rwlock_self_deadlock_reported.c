/* SPDX-License-Identifier: MIT */
/*
 * rwlock_self_deadlock_reported.c - a thread that write-locks an rwlock
 * it holds for writing, or read-locks it, waits for itself. glibc detects
 * both and returns EDEADLK, so the program goes on, but one that does not
 * check the result would carry on unlocked: each is reported (two
 * distinct findings), and the exit status becomes 66.
 *
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=self-deadlock severity=error lines=@w1,@w2 threads=relocker objects=rw
 * EXPECT report kind=self-deadlock severity=error lines=@w1,@r2 threads=relocker objects=rw
 * EXPECT stderr~=self-deadlock
 */
#include <errno.h>
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void relock(void)
{
	CHECK_EQ(pthread_rwlock_wrlock(&rw), 0); /* @w1 */
	CHECK_EQ(pthread_rwlock_wrlock(&rw), EDEADLK); /* @w2 */
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(pthread_rwlock_rdlock(&rw), EDEADLK); /* @r2 */
	CHECK_EQ(preload_reports(), 2);
	/* Still held once, for writing: one unlock frees it. */
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_trywrlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	CHECK_EQ(preload_reports(), 2);
}

int main(void)
{
	run_named("relocker", relock);
	CHECK_EQ(preload_reports(), 2);
	return 0;
}
