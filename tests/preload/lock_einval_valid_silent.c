/* SPDX-License-Identifier: MIT */
/*
 * lock_einval_valid_silent.c - the twin of lock_invalid_reported: lock
 * calls glibc refuses with EINVAL on mutexes that are valid (a clock it
 * does not take; a timeout with tv_nsec out of range, on a mutex another
 * thread holds, so that the call has to look at it), and locks of a mutex
 * that is only zero bytes (PTHREAD_MUTEX_INITIALIZER is all zeros) and of
 * one initialised again after its destruction. Nothing is reported.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "check.h"

static pthread_mutex_t zeroed; /* all zero bytes */
static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t taken, tried;

static void *holder(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&held), 0);
	pthread_barrier_wait(&taken);
	pthread_barrier_wait(&tried);
	CHECK_EQ(pthread_mutex_unlock(&held), 0);
	return NULL;
}

int main(void)
{
	struct timespec bad = { 0, -1 }, later;
	pthread_mutex_t m;
	pthread_t h;

	CHECK_EQ(pthread_barrier_init(&taken, NULL, 2), 0);
	CHECK_EQ(pthread_barrier_init(&tried, NULL, 2), 0);
	CHECK_EQ(pthread_create(&h, NULL, holder, NULL), 0);
	pthread_barrier_wait(&taken);
	CHECK_EQ(pthread_mutex_timedlock(&held, &bad), EINVAL);
	/* A deadline to come: the call waits, and only then looks. */
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &later), 0);
	later.tv_sec += 100;
	later.tv_nsec = 1000000000L;
	CHECK_EQ(pthread_mutex_timedlock(&held, &later), EINVAL);
	bad.tv_nsec = 1000000000L;
	CHECK_EQ(pthread_mutex_clocklock(&held, CLOCK_MONOTONIC, &bad), EINVAL);
	CHECK_EQ(pthread_mutex_clocklock(&zeroed, CLOCK_PROCESS_CPUTIME_ID,
					 &bad),
		 EINVAL);
	pthread_barrier_wait(&tried);
	CHECK_EQ(pthread_join(h, NULL), 0);
	CHECK_EQ(pthread_mutex_lock(&zeroed), 0);
	CHECK_EQ(pthread_mutex_unlock(&zeroed), 0);
	CHECK_EQ(pthread_mutex_init(&m, NULL), 0);
	CHECK_EQ(pthread_mutex_destroy(&m), 0);
	CHECK_EQ(pthread_mutex_init(&m, NULL), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_mutex_destroy(&m), 0);
	return 0;
}
