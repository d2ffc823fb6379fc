/* SPDX-License-Identifier: MIT */
/*
 * inversion_second_site_reported.c - "left" takes A then B in
 * first_pass() and lets go, then takes A then B again in second_pass(),
 * and C while holding that B; "right" takes C then B. The inversion B ->
 * C names where B was taken before C: second_pass()'s line, not
 * first_pass()'s, where the nesting A -> B was first seen.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@b2,@c2,@c3,@b3 threads=left,right objects=lock_b,lock_c
 * EXPECT stderr!~=in first_pass
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;

static __attribute__((noinline)) void first_pass(void)
{
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
}

static __attribute__((noinline)) void second_pass(void)
{
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_c), 0); /* @c2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_c), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
}

static void *left(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "left");
	first_pass();
	second_pass();
	return NULL;
}

static void *right(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "right");
	CHECK_EQ(pthread_mutex_lock(&lock_c), 0); /* @c3 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b3 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_c), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, left, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(pthread_create(&t, NULL, right, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	return 0;
}
