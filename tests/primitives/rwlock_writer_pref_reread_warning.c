/* SPDX-License-Identifier: MIT */
/*
 * rwlock_writer_pref_reread_warning.c - on a writer-preferring rwlock
 * (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP) a second read lock by a
 * thread that already reads waits behind any writer queued in between,
 * and that writer waits for the first read: the thread deadlocks with
 * itself whenever a writer arrives at the wrong moment. No writer comes
 * here, so the re-read succeeds, but the hazard is reported as a
 * self-deadlock warning (the exit status stays 0).
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=self-deadlock severity=warning lines=@r1,@r2 threads=rereader objects=rw
 * EXPECT stderr~=self-deadlock
 */
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t rw;

static void reread(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw), 0); /* @r1 */
	CHECK_EQ(pthread_rwlock_rdlock(&rw), 0); /* @r2 */
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
}

int main(void)
{
	pthread_rwlockattr_t attr;

	CHECK_EQ(pthread_rwlockattr_init(&attr), 0);
	CHECK_EQ(pthread_rwlockattr_setkind_np(
			 &attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP),
		 0);
	CHECK_EQ(pthread_rwlock_init(&rw, &attr), 0);
	CHECK_EQ(pthread_rwlockattr_destroy(&attr), 0);
	run_named("rereader", reread);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(pthread_rwlock_destroy(&rw), 0);
	return 0;
}
