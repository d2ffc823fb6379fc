/* SPDX-License-Identifier: MIT */
/*
 * errorcheck_relock_silent.c - re-locking an error-checking mutex one
 * holds returns EDEADLK at once: no hang and nothing to report (the
 * program is told). The mutex stays held once and unlocks normally.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <pthread.h>

#include "check.h"

static pthread_mutex_t checked;
static pthread_mutex_t other = PTHREAD_MUTEX_INITIALIZER;

static void *relock(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "relocker");
	CHECK_EQ(pthread_mutex_lock(&checked), 0);
	CHECK_EQ(pthread_mutex_lock(&checked), EDEADLK);
	CHECK_EQ(pthread_mutex_lock(&other), 0);
	CHECK_EQ(pthread_mutex_lock(&checked), EDEADLK);
	CHECK_EQ(pthread_mutex_trylock(&checked), EBUSY);
	CHECK_EQ(pthread_mutex_unlock(&other), 0);
	CHECK_EQ(pthread_mutex_unlock(&checked), 0);
	return NULL;
}

int main(void)
{
	pthread_mutexattr_t attr;

	CHECK_EQ(pthread_mutexattr_init(&attr), 0);
	CHECK_EQ(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK), 0);
	CHECK_EQ(pthread_mutex_init(&checked, &attr), 0);
	CHECK_EQ(pthread_mutexattr_destroy(&attr), 0);
	run_thread(relock, NULL);
	run_thread(relock, NULL);
	/* Released once: free for the next owner. */
	CHECK_EQ(pthread_mutex_lock(&checked), 0);
	CHECK_EQ(pthread_mutex_unlock(&checked), 0);
	CHECK_EQ(pthread_mutex_destroy(&checked), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
