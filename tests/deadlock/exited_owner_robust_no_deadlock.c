/* SPDX-License-Identifier: MIT */
/*
 * exited_owner_robust_no_deadlock.c - the twin of
 * deadlock_exited_owner_reported with a robust mutex: when its owner dies
 * the next locker gets EOWNERDEAD and the lock, so nobody waits for ever.
 * That is what a robust mutex is for: neither a deadlock nor
 * exit-holding-locks (the lock does not stay locked), no report at all;
 * the locker recovers it with pthread_mutex_consistent and unlocks it.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=NOT REACHED
 */
#include <errno.h>
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t state_lock;

static void *leave(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0);
	return NULL;
}

int main(void)
{
	pthread_mutexattr_t attr;
	struct dl_thread l;

	dl_bound(3);
	CHECK_EQ(pthread_mutexattr_init(&attr), 0);
	CHECK_EQ(pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST), 0);
	CHECK_EQ(pthread_mutex_init(&state_lock, &attr), 0);
	dl_spawn(&l, "leaver", leave, NULL);
	dl_join(&l);
	CHECK_EQ(pthread_mutex_lock(&state_lock), EOWNERDEAD);
	CHECK_EQ(pthread_mutex_consistent(&state_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&state_lock), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
