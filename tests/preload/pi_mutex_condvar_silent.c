/* SPDX-License-Identifier: MIT */
/*
 * pi_mutex_condvar_silent.c - the twin of unlock_pi_refused_warning: a
 * priority-inheriting mutex used as it should be, by two threads, each
 * unlocking only what it locked, one of them waiting on a condition
 * variable with it (the wait lets it go and takes it back). Nothing is
 * reported.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t inherit;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int items;

static void *producer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 100; i++) {
		CHECK_EQ(pthread_mutex_lock(&inherit), 0);
		items++;
		CHECK_EQ(pthread_cond_signal(&ready), 0);
		CHECK_EQ(pthread_mutex_unlock(&inherit), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_mutexattr_t a;
	pthread_t t;
	int taken = 0;

	CHECK_EQ(pthread_mutexattr_init(&a), 0);
	CHECK_EQ(pthread_mutexattr_setprotocol(&a, PTHREAD_PRIO_INHERIT), 0);
	CHECK_EQ(pthread_mutex_init(&inherit, &a), 0);
	CHECK_EQ(pthread_mutexattr_destroy(&a), 0);
	CHECK_EQ(pthread_create(&t, NULL, producer, NULL), 0);
	while (taken < 100) {
		CHECK_EQ(pthread_mutex_lock(&inherit), 0);
		while (items == 0)
			CHECK_EQ(pthread_cond_wait(&ready, &inherit), 0);
		taken += items;
		items = 0;
		CHECK_EQ(pthread_mutex_unlock(&inherit), 0);
	}
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(pthread_mutex_destroy(&inherit), 0);
	return 0;
}
