/* SPDX-License-Identifier: MIT */
/*
 * rwlock_self_deadlock_refused_goes_on.c - with on_deadlock=exit, a
 * thread read-locks an rwlock it holds for writing. glibc fails the call
 * with EDEADLK: nothing hangs, so the runtime reports the self-deadlock
 * (the text says glibc refuses it) but does not end the program, which
 * goes on and finishes; the report still makes the exit status 66.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=self-deadlock severity=error lines=@w1,@r2 threads=relocker objects=rw
 * EXPECT stderr~=glibc fails the call with EDEADLK
 * EXPECT stderr~=FINISHED
 */
#include <errno.h>
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void relock(void)
{
	CHECK_EQ(pthread_rwlock_wrlock(&rw), 0); /* @w1 */
	CHECK_EQ(pthread_rwlock_rdlock(&rw), EDEADLK); /* @r2 */
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
}

int main(void)
{
	run_named("relocker", relock);
	CHECK_EQ(preload_reports(), 1);
	fprintf(stderr, "FINISHED\n");
	return 0;
}
