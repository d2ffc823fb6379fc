/* SPDX-License-Identifier: MIT */
/*
 * trylock_backoff_silent.c - one thread takes A then B; another takes B
 * and only *tries* A, releasing B and retrying when A is busy. A trylock
 * cannot block, so B->trylock(A) adds no edge and there is no cycle: no
 * report, though the two threads run concurrently and contend.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>

#include "check.h"

#define ROUNDS 3000

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static long work;
static long backoffs;

static void *orderly(void *arg)
{
	int i;

	(void)arg;
	pthread_setname_np(pthread_self(), "orderly");
	for (i = 0; i < ROUNDS; i++) {
		CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
		CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
		work++;
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	}
	return NULL;
}

static void *backoff(void *arg)
{
	int i, rc;

	(void)arg;
	pthread_setname_np(pthread_self(), "backoff");
	for (i = 0; i < ROUNDS; i++) {
		for (;;) {
			CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
			rc = pthread_mutex_trylock(&lock_a);
			if (rc == 0)
				break;
			CHECK_EQ(rc, EBUSY);
			CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
			backoffs++;
			sched_yield();
		}
		work++;
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t t1, t2;

	CHECK_EQ(pthread_create(&t1, NULL, orderly, NULL), 0);
	CHECK_EQ(pthread_create(&t2, NULL, backoff, NULL), 0);
	CHECK_EQ(pthread_join(t1, NULL), 0);
	CHECK_EQ(pthread_join(t2, NULL), 0);
	CHECK_EQ(work, 2 * ROUNDS);
	CHECK_EQ(preload_reports(), 0);
	printf("%ld backoff(s)\n", backoffs);
	return 0;
}
