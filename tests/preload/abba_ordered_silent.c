/* SPDX-License-Identifier: MIT */
/*
 * abba_ordered_silent.c - two threads that both take A before B, many
 * times and concurrently, cannot deadlock: no report, exit 0.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *worker(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < 20000; i++) {
		CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
		CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
		counter++;
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	int i;

	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker, NULL), 0);
	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(counter, 80000);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
