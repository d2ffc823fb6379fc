/* SPDX-License-Identifier: MIT */
/*
 * exit_holding_second_site_reported.c - a thread takes A then B in
 * first_pass() and lets go, then takes the same nesting again in
 * second_pass() and returns holding both. The report names where each
 * is held now, second_pass()'s lines, not where the nesting was first
 * seen.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=exit-holding-locks severity=error lines=@a2,@b2 threads=leaver objects=lock_a,lock_b
 * EXPECT stderr~=in second_pass
 * EXPECT stderr!~=in first_pass
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static __attribute__((noinline)) void first_pass(void)
{
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
}

static __attribute__((noinline)) void second_pass(void)
{
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
}

static void *leave(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "leaver");
	first_pass();
	second_pass();
	return NULL;
}

int main(void)
{
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, leave, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	return 0;
}
