/* SPDX-License-Identifier: MIT */
/*
 * gate_lock_silent.c - two threads take A and B in opposite orders, but
 * each does it while holding the same outer lock G (a gate): they can
 * never be inside at the same time, so the cycle cannot deadlock. No
 * report, also when they run concurrently and contend on G.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "check.h"

#define ROUNDS 2000

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static long work;

static void *a_then_b(void *arg)
{
	int i;

	(void)arg;
	pthread_setname_np(pthread_self(), "gated_ab");
	for (i = 0; i < ROUNDS; i++) {
		CHECK_EQ(pthread_mutex_lock(&gate), 0);
		CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
		CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
		work++;
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
		CHECK_EQ(pthread_mutex_unlock(&gate), 0);
	}
	return NULL;
}

static void *b_then_a(void *arg)
{
	int i;

	(void)arg;
	pthread_setname_np(pthread_self(), "gated_ba");
	for (i = 0; i < ROUNDS; i++) {
		CHECK_EQ(pthread_mutex_lock(&gate), 0);
		CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
		work++;
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&gate), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t t1, t2;

	/* Once in sequence, then concurrently. */
	run_thread(a_then_b, NULL);
	run_thread(b_then_a, NULL);
	CHECK_EQ(preload_reports(), 0);
	CHECK_EQ(pthread_create(&t1, NULL, a_then_b, NULL), 0);
	CHECK_EQ(pthread_create(&t2, NULL, b_then_a, NULL), 0);
	CHECK_EQ(pthread_join(t1, NULL), 0);
	CHECK_EQ(pthread_join(t2, NULL), 0);
	CHECK_EQ(work, 4 * ROUNDS);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
