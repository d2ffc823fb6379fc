/* SPDX-License-Identifier: MIT */
/*
 * rwlock_unlock_not_owned_reported.c - unlocking an rwlock that nobody
 * holds is undefined (glibc silently corrupts its reader count): it is
 * reported as unlock-not-owned. The rwlock is not used again.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=unlock-not-owned severity=error lines=@stray threads=stray objects=unlocked
 * EXPECT stderr~=unlock-not-owned
 */
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t unlocked = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t fine = PTHREAD_RWLOCK_INITIALIZER;

static void stray(void)
{
	/* A correct lock/unlock first: that one is not reported. */
	CHECK_EQ(pthread_rwlock_rdlock(&fine), 0);
	CHECK_EQ(pthread_rwlock_unlock(&fine), 0);
	CHECK_EQ(pthread_rwlock_wrlock(&fine), 0);
	CHECK_EQ(pthread_rwlock_unlock(&fine), 0);
	CHECK_EQ(preload_reports(), 0);
	pthread_rwlock_unlock(&unlocked); /* @stray */
	CHECK_EQ(preload_reports(), 1);
}

int main(void)
{
	run_named("stray", stray);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
