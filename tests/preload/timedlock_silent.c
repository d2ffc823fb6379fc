/* SPDX-License-Identifier: MIT */
/*
 * timedlock_silent.c - four threads take A then B with
 * pthread_mutex_timedlock (generous timeouts) and contend: waits are
 * recorded as timed, the order is consistent, every lock succeeds. No
 * report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <time.h>

#include "check.h"

#define ROUNDS	5000
#define THREADS 4

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static long work;

static struct timespec in_seconds(int s)
{
	struct timespec ts;

	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &ts), 0);
	ts.tv_sec += s;
	return ts;
}

static void *worker(void *arg)
{
	struct timespec until;
	int i;

	(void)arg;
	pthread_setname_np(pthread_self(), "timed");
	for (i = 0; i < ROUNDS; i++) {
		until = in_seconds(5);
		CHECK_EQ(pthread_mutex_timedlock(&lock_a, &until), 0);
		CHECK_EQ(pthread_mutex_timedlock(&lock_b, &until), 0);
		work++;
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
		/* The same nesting with a plain lock inside. */
		CHECK_EQ(pthread_mutex_timedlock(&lock_a, &until), 0);
		CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	int i;

	for (i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(work, (long)THREADS * ROUNDS);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
