/* SPDX-License-Identifier: MIT */
/*
 * unlock_refused_warning.c - unlocks glibc refuses with EPERM, changing
 * nothing: an error-checking and a recursive mutex unlocked by a thread
 * that does not own them, and an error-checking mutex unlocked while
 * unlocked (before and after its owner's own unlock). That error is what
 * those types are for, and the program may be checking it: each is a
 * warning, and the exit status stays the program's (a default mutex
 * unlocked by another thread is an error: unlock_not_owned_reported).
 *
 * EXPECT exit=0
 * EXPECT reports=4
 * EXPECT report kind=unlock-not-owned severity=warning lines=@before threads=main objects=checked
 * EXPECT report kind=unlock-not-owned severity=warning lines=@stranger_c threads=stranger,main objects=checked
 * EXPECT report kind=unlock-not-owned severity=warning lines=@stranger_r threads=stranger,main objects=recursive
 * EXPECT report kind=unlock-not-owned severity=warning lines=@after threads=main objects=checked
 * EXPECT stderr~=fails with EPERM and unlocks nothing
 */
#include <errno.h>
#include <pthread.h>

#include "check.h"

static pthread_mutex_t checked, recursive;

static void *stranger(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "stranger"), 0);
	CHECK_EQ(pthread_mutex_unlock(&checked), EPERM); /* @stranger_c */
	CHECK_EQ(pthread_mutex_unlock(&recursive), EPERM); /* @stranger_r */
	return NULL;
}

static void init_type(pthread_mutex_t *m, int type)
{
	pthread_mutexattr_t a;

	CHECK_EQ(pthread_mutexattr_init(&a), 0);
	CHECK_EQ(pthread_mutexattr_settype(&a, type), 0);
	CHECK_EQ(pthread_mutex_init(m, &a), 0);
	CHECK_EQ(pthread_mutexattr_destroy(&a), 0);
}

int main(void)
{
	init_type(&checked, PTHREAD_MUTEX_ERRORCHECK);
	init_type(&recursive, PTHREAD_MUTEX_RECURSIVE);
	CHECK_EQ(pthread_setname_np(pthread_self(), "main"), 0);
	CHECK_EQ(pthread_mutex_unlock(&checked), EPERM); /* @before */
	CHECK_EQ(pthread_mutex_lock(&checked), 0);
	CHECK_EQ(pthread_mutex_lock(&recursive), 0);
	run_thread(stranger, NULL);
	CHECK_EQ(pthread_mutex_unlock(&recursive), 0);
	CHECK_EQ(pthread_mutex_unlock(&checked), 0);
	CHECK_EQ(pthread_mutex_unlock(&checked), EPERM); /* @after */
	return 0;
}
