/* SPDX-License-Identifier: MIT */
/*
 * many_locks_silent.c - four threads each take ten locks nested in one
 * fixed order and release them in a non-LIFO order (evens first, then
 * odds; or from the outside in). Releasing out of order is harmless and
 * must not confuse the held set: no report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "check.h"

#define NLOCKS	10
#define ROUNDS	2000
#define THREADS 4

static pthread_mutex_t locks[NLOCKS] = {
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
	PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
};
static long work;

static void *worker(void *arg)
{
	int i, k, variant = *(int *)arg;

	pthread_setname_np(pthread_self(), "nester");
	for (i = 0; i < ROUNDS; i++) {
		for (k = 0; k < NLOCKS; k++)
			CHECK_EQ(pthread_mutex_lock(&locks[k]), 0);
		work++;
		if ((variant + i) % 2 == 0) {
			for (k = 0; k < NLOCKS; k += 2)
				CHECK_EQ(pthread_mutex_unlock(&locks[k]), 0);
			for (k = 1; k < NLOCKS; k += 2)
				CHECK_EQ(pthread_mutex_unlock(&locks[k]), 0);
		} else {
			for (k = 0; k < NLOCKS; k++)
				CHECK_EQ(pthread_mutex_unlock(&locks[k]), 0);
		}
		/* A partial nesting from the middle, released outer first. */
		CHECK_EQ(pthread_mutex_lock(&locks[3]), 0);
		CHECK_EQ(pthread_mutex_lock(&locks[7]), 0);
		CHECK_EQ(pthread_mutex_lock(&locks[9]), 0);
		CHECK_EQ(pthread_mutex_unlock(&locks[3]), 0);
		CHECK_EQ(pthread_mutex_unlock(&locks[9]), 0);
		CHECK_EQ(pthread_mutex_unlock(&locks[7]), 0);
	}
	return NULL;
}

int main(void)
{
	static int variants[THREADS] = { 0, 1, 0, 1 };
	pthread_t t[THREADS];
	int i;

	for (i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, worker, &variants[i]), 0);
	for (i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(work, (long)THREADS * ROUNDS);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
