/* SPDX-License-Identifier: MIT */
/*
 * recursive_mutex_silent.c - a PTHREAD_MUTEX_RECURSIVE mutex locked three
 * times and unlocked three times is not a self-deadlock; locking it again
 * while holding 'inner' (taken after it) cannot block either, so it is not
 * an inner -> rec edge. Threads nest rec -> inner consistently: no report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "check.h"

#define ROUNDS 1000

static pthread_mutex_t rec;
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;
static long work;

static void *nest(void *arg)
{
	int i;

	(void)arg;
	pthread_setname_np(pthread_self(), "nester");
	for (i = 0; i < ROUNDS; i++) {
		CHECK_EQ(pthread_mutex_lock(&rec), 0);
		CHECK_EQ(pthread_mutex_lock(&rec), 0);
		CHECK_EQ(pthread_mutex_lock(&inner), 0);
		CHECK_EQ(pthread_mutex_lock(&rec), 0); /* third, under inner */
		work++;
		CHECK_EQ(pthread_mutex_unlock(&rec), 0);
		CHECK_EQ(pthread_mutex_unlock(&rec), 0);
		CHECK_EQ(pthread_mutex_unlock(&inner), 0);
		CHECK_EQ(pthread_mutex_unlock(&rec), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_mutexattr_t attr;
	pthread_t t[3];
	int i;

	CHECK_EQ(pthread_mutexattr_init(&attr), 0);
	CHECK_EQ(pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE), 0);
	CHECK_EQ(pthread_mutex_init(&rec, &attr), 0);
	CHECK_EQ(pthread_mutexattr_destroy(&attr), 0);

	run_thread(nest, NULL);
	CHECK_EQ(preload_reports(), 0);
	for (i = 0; i < 3; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, nest, NULL), 0);
	for (i = 0; i < 3; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(work, 4 * ROUNDS);
	/* Fully released: another thread can take it at once. */
	CHECK_EQ(pthread_mutex_trylock(&rec), 0);
	CHECK_EQ(pthread_mutex_unlock(&rec), 0);
	CHECK_EQ(pthread_mutex_destroy(&rec), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
