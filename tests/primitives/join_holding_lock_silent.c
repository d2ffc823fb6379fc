/* SPDX-License-Identifier: MIT */
/*
 * join_holding_lock_silent.c - holding a mutex across pthread_join (and
 * across a barrier wait) is hold-and-wait: the runtime records it for the
 * wait-for graph, but the joined thread never needs the mutex, so this
 * is no error and nothing is reported in this issue.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "prim.h"

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t other = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t meet;

static void *joined(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&other), 0);
	CHECK_EQ(pthread_mutex_unlock(&other), 0);
	return (void *)42;
}

static void *meeter(void *arg)
{
	int rc = pthread_barrier_wait(&meet);

	(void)arg;
	CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
	return NULL;
}

int main(void)
{
	pthread_t t;
	void *ret;
	int rc, i;

	CHECK_EQ(pthread_barrier_init(&meet, NULL, 2), 0);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(pthread_mutex_lock(&held), 0);
		CHECK_EQ(pthread_create(&t, NULL, joined, NULL), 0);
		CHECK_EQ(pthread_join(t, &ret), 0); /* holding 'held' */
		CHECK_EQ((long)ret, 42);

		CHECK_EQ(pthread_create(&t, NULL, meeter, NULL), 0);
		rc = pthread_barrier_wait(&meet); /* holding 'held' */
		CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
		CHECK_EQ(pthread_mutex_unlock(&held), 0);
		CHECK_EQ(pthread_join(t, NULL), 0);
	}
	CHECK_EQ(pthread_barrier_destroy(&meet), 0);
	CHECK_EQ(coffman_error_count(), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
