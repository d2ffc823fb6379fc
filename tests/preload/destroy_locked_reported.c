/* SPDX-License-Identifier: MIT */
/*
 * destroy_locked_reported.c - pthread_mutex_destroy on a locked mutex is
 * undefined behaviour (glibc says EBUSY). Reported when the caller holds
 * it, and when another thread does; destroying it once unlocked is fine.
 *
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=destroy-locked severity=error lines=@locked,@destroyed threads=destroyer objects=doomed
 * EXPECT report kind=destroy-locked severity=error lines=@destroyed2 threads=remover,holder objects=held_elsewhere
 * EXPECT stderr~=destroy-locked
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t doomed;
static pthread_mutex_t held_elsewhere;

static void *destroy_own(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "destroyer");
	CHECK_EQ(pthread_mutex_lock(&doomed), 0); /* @locked */
	pthread_mutex_destroy(&doomed);		  /* @destroyed */
	CHECK_EQ(preload_reports(), 1);
	/* glibc refused (EBUSY): it is still locked; clean up properly. */
	CHECK_EQ(pthread_mutex_unlock(&doomed), 0);
	CHECK_EQ(pthread_mutex_destroy(&doomed), 0);
	return NULL;
}

static void *destroy_other(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "remover");
	pthread_mutex_destroy(&held_elsewhere); /* @destroyed2 */
	return NULL;
}

static void *hold(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "holder");
	CHECK_EQ(pthread_mutex_lock(&held_elsewhere), 0);
	run_thread(destroy_other, NULL);
	CHECK_EQ(pthread_mutex_unlock(&held_elsewhere), 0);
	CHECK_EQ(pthread_mutex_destroy(&held_elsewhere), 0);
	return NULL;
}

int main(void)
{
	CHECK_EQ(pthread_mutex_init(&doomed, NULL), 0);
	CHECK_EQ(pthread_mutex_init(&held_elsewhere, NULL), 0);
	run_thread(destroy_own, NULL);
	CHECK_EQ(preload_reports(), 1);
	run_thread(hold, NULL);
	CHECK_EQ(preload_reports(), 2);
	return 0;
}
