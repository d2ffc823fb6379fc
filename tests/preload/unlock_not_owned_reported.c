/* SPDX-License-Identifier: MIT */
/*
 * unlock_not_owned_reported.c - unlocking an error-checking mutex that
 * another thread holds fails with EPERM; so does unlocking one that
 * nobody holds: two distinct findings, warnings (the call unlocks
 * nothing). Unlocking a default mutex another thread holds does unlock
 * it (glibc does not check): an error.
 *
 * EXPECT exit=66
 * EXPECT reports=3
 * EXPECT report kind=unlock-not-owned severity=warning lines=@intrude threads=intruder,owner objects=checked
 * EXPECT report kind=unlock-not-owned severity=warning lines=@stray threads=stray objects=unlocked
 * EXPECT report kind=unlock-not-owned severity=error lines=@default threads=intruder,owner objects=plain
 * EXPECT stderr~=unlock-not-owned
 */
#include <errno.h>
#include <pthread.h>

#include "check.h"

static pthread_mutex_t checked;
static pthread_mutex_t unlocked;
static pthread_mutex_t plain = PTHREAD_MUTEX_INITIALIZER;

static void *intrude(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "intruder");
	CHECK_EQ(pthread_mutex_unlock(&checked), EPERM); /* @intrude */
	return NULL;
}

static void *intrude_default(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "intruder");
	CHECK_EQ(pthread_mutex_unlock(&plain), 0); /* @default */
	return NULL;
}

static void *own(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "owner");
	CHECK_EQ(pthread_mutex_lock(&checked), 0);
	run_thread(intrude, NULL);
	CHECK_EQ(preload_reports(), 1);
	/* The owner still holds it and may unlock it. */
	CHECK_EQ(pthread_mutex_unlock(&checked), 0);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(pthread_mutex_lock(&plain), 0);
	run_thread(intrude_default, NULL);
	CHECK_EQ(preload_reports(), 2);
	/* It holds it as far as it knows: its own unlock is no finding. */
	CHECK_EQ(pthread_mutex_unlock(&plain), 0);
	CHECK_EQ(preload_reports(), 2);
	return NULL;
}

static void *stray(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "stray");
	CHECK_EQ(pthread_mutex_unlock(&unlocked), EPERM); /* @stray */
	return NULL;
}

int main(void)
{
	pthread_mutexattr_t attr;

	CHECK_EQ(pthread_mutexattr_init(&attr), 0);
	CHECK_EQ(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK), 0);
	CHECK_EQ(pthread_mutex_init(&checked, &attr), 0);
	CHECK_EQ(pthread_mutex_init(&unlocked, &attr), 0);
	CHECK_EQ(pthread_mutexattr_destroy(&attr), 0);

	run_thread(own, NULL);
	CHECK_EQ(preload_reports(), 2);
	run_thread(stray, NULL);
	CHECK_EQ(preload_reports(), 3);
	return 0;
}
