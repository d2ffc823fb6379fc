/* SPDX-License-Identifier: MIT */
/*
 * exit_unlock_in_destructor_silent.c - the twin of
 * exit_holding_locks_reported: a thread that returns holding a mutex but
 * releases it in a thread-specific-data destructor (which runs as the
 * thread exits) does not exit holding it. A thread that unlocks before
 * returning, or before pthread_exit, is fine too. No report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t plain_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t session_key;

static void end_session(void *p)
{
	CHECK_EQ(pthread_mutex_unlock(p), 0);
}

static void *with_session(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "session");
	CHECK_EQ(pthread_mutex_lock(&session_lock), 0);
	CHECK_EQ(pthread_setspecific(session_key, &session_lock), 0);
	return NULL; /* the destructor unlocks */
}

static void *tidy(void *arg)
{
	pthread_setname_np(pthread_self(), "tidy");
	CHECK_EQ(pthread_mutex_lock(&plain_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&plain_lock), 0);
	if (arg)
		pthread_exit(NULL);
	return NULL;
}

int main(void)
{
	CHECK_EQ(pthread_key_create(&session_key, end_session), 0);
	run_thread(with_session, NULL);
	/* The destructor really unlocked it. */
	CHECK_EQ(pthread_mutex_trylock(&session_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&session_lock), 0);
	run_thread(tidy, NULL);
	run_thread(tidy, &session_key);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
