/* SPDX-License-Identifier: MIT */
/*
 * held_stack_reuse_inversion_reported.c - thread "first" takes B then A,
 * later A then B, and exits: a cycle of one thread's edges, a warning.
 * Thread "second", created after it exited, gets its held stack (the
 * runtime hands a finished thread's block to the next new one) and takes
 * A then B from the very same call sites. That is first's B then A
 * against second's A then B: two threads, an error. The entries first
 * left in the block must not pass for nestings second has already taken.
 *
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=lock-order-inversion severity=warning lines=@a1,@b1,@b2,@a2 threads=first objects=lock_a,lock_b
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=lock_a,lock_b
 */
#define ABBA_NAME_SELF(name) ((void)(name)) /* named below */
#include "abba_body.h"

static void *first(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "first");
	b_then_a(NULL);
	a_then_b(NULL);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(coffman_error_count(), 0);
	return NULL;
}

static void *second(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "second");
	a_then_b(NULL);
	CHECK_EQ(preload_reports(), 2);
	CHECK_EQ(coffman_error_count(), 1);
	return NULL;
}

int main(void)
{
	run_thread(first, NULL);
	run_thread(second, NULL);
	return 0;
}
