/* SPDX-License-Identifier: MIT */
/*
 * exited_owner_robust_no_deadlock.c - the twin of
 * deadlock_exited_owner_reported with a robust mutex: when its owner dies
 * the next locker gets EOWNERDEAD and the lock, so nobody waits for ever.
 * Leaving it locked is still exit-holding-locks (an error, status 66), but
 * there is no deadlock report.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=exit-holding-locks severity=error lines=@taken threads=leaver objects=state_lock
 * EXPECT stderr!~=NOT REACHED
 */
#include <errno.h>
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t state_lock;

static void *leave(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0); /* @taken */
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
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
