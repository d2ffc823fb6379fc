/* SPDX-License-Identifier: MIT */
/*
 * cond_destroy_woken_silent.c - condition variables destroyed while their
 * waiters, all woken, have not run yet: glibc's pthread_cond_destroy
 * waits for woken waiters to leave, and they leave before they take
 * the mutex back, so each destroy returns. Main holds the mutex across
 * the wake-up and the destroy: the waiters are still in their waits
 * when it destroys. Three of them woken by a broadcast; one by a signal;
 * and a condition variable nobody waited on.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <time.h>

#include "check.h"

#define WAITERS 3

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t *cur;
static int asleep, go;

static void *waiter(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	asleep++;
	while (!go)
		CHECK_EQ(pthread_cond_wait(cur, &m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	return NULL;
}

/* n waiters asleep on a new condvar, woken (broadcast or one signal)
 * and the condvar destroyed, the mutex held all along. */
static void round_of(int n, int broadcast)
{
	struct timespec ms = { 0, 1000000L };
	pthread_t t[WAITERS];
	pthread_cond_t cv;
	int i, all = 0;

	CHECK_EQ(pthread_cond_init(&cv, NULL), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	cur = &cv;
	asleep = go = 0;
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	for (i = 0; i < n; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, waiter, NULL), 0);
	for (i = 0; i < 5000 && !all; i++) {
		CHECK_EQ(pthread_mutex_lock(&m), 0);
		all = asleep == n;
		CHECK_EQ(pthread_mutex_unlock(&m), 0);
		nanosleep(&ms, NULL);
	}
	CHECK(all);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	go = 1;
	if (broadcast)
		CHECK_EQ(pthread_cond_broadcast(&cv), 0);
	else
		CHECK_EQ(pthread_cond_signal(&cv), 0);
	CHECK_EQ(pthread_cond_destroy(&cv), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	for (i = 0; i < n; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
}

int main(void)
{
	pthread_cond_t unused;

	round_of(WAITERS, 1);
	round_of(1, 0);
	CHECK_EQ(pthread_cond_init(&unused, NULL), 0);
	CHECK_EQ(pthread_cond_destroy(&unused), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
