/* SPDX-License-Identifier: MIT */
/*
 * unlock_pi_refused_warning.c - a priority-inheriting mutex of the
 * default type: glibc checks its owner at every unlock, as it does for
 * the error-checking type, and refuses with EPERM another thread's unlock
 * and one of the mutex unlocked, changing nothing. Each is a warning with
 * glibc's EPERM, not an error (a default mutex without the protocol is
 * unlocked by anyone: unlock_not_owned_reported). The owner's hold is
 * untouched by the stranger's refused unlock: its own unlock is silent.
 *
 * EXPECT exit=0
 * EXPECT reports=2
 * EXPECT report kind=unlock-not-owned severity=warning lines=@stranger threads=stranger,main objects=inherit
 * EXPECT report kind=unlock-not-owned severity=warning lines=@again threads=main objects=inherit
 * EXPECT stderr~=fails with EPERM and unlocks nothing
 */
#include <errno.h>
#include <pthread.h>

#include "check.h"

static pthread_mutex_t inherit;

static void *stranger(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "stranger"), 0);
	CHECK_EQ(pthread_mutex_unlock(&inherit), EPERM); /* @stranger */
	return NULL;
}

int main(void)
{
	pthread_mutexattr_t a;

	CHECK_EQ(pthread_mutexattr_init(&a), 0);
	CHECK_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), 0);
	CHECK_EQ(pthread_mutex_init(&inherit, &a), 0);
	CHECK_EQ(pthread_mutexattr_destroy(&a), 0);
	CHECK_EQ(pthread_setname_np(pthread_self(), "main"), 0);
	CHECK_EQ(pthread_mutex_lock(&inherit), 0);
	run_thread(stranger, NULL);
	CHECK_EQ(pthread_mutex_unlock(&inherit), 0);
	CHECK_EQ(pthread_mutex_unlock(&inherit), EPERM); /* @again */
	return 0;
}
