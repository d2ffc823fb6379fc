/* SPDX-License-Identifier: MIT */
/*
 * many_held_then_inversion_reported.c - thread "first" takes 100 locks at
 * once (more than a thread's held stack tracks: the extra ones are only
 * counted), lets them all go, and then takes lock_a then lock_b; thread
 * "second" takes them the other way round. Once the untracked locks are
 * released the held stack is exact again, so the inversion is reported
 * like any other.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=lock_a,lock_b
 */
#include <pthread.h>

#include "abba_body.h"

#define NMANY 100

static pthread_mutex_t many[NMANY];

static void *many_then_a_b(void *arg)
{
	int i;

	for (i = 0; i < NMANY; i++)
		CHECK_EQ(pthread_mutex_lock(&many[i]), 0);
	for (i = NMANY - 1; i >= 0; i--)
		CHECK_EQ(pthread_mutex_unlock(&many[i]), 0);
	return a_then_b(arg);
}

int main(void)
{
	int i;

	for (i = 0; i < NMANY; i++)
		CHECK_EQ(pthread_mutex_init(&many[i], NULL), 0);
	run_thread(many_then_a_b, NULL);
	run_thread(b_then_a, NULL);
	return 0;
}
