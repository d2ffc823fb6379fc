/* SPDX-License-Identifier: MIT */
/*
 * timed_cycle_warning.c - an inversion in which every wait that closes
 * the cycle is pthread_mutex_timedlock: if the two threads met, both
 * waits would time out and the program would go on. Still reported, as a
 * warning that says so; the exit status stays 0. (Only the inner, waiting
 * acquisitions matter: the outer locks are plain.)
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=warning lines=@a1,@b1,@b2,@a2 threads=first,second objects=lock_a,lock_b
 * EXPECT stderr~=times out
 */
#include <pthread.h>

#include "prim.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void a_then_b(void)
{
	struct timespec ts = deadline(1000);

	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_timedlock(&lock_b, &ts), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
}

static void b_then_a(void)
{
	struct timespec ts = deadline_on(CLOCK_MONOTONIC, 1000);

	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_clocklock(&lock_a, CLOCK_MONOTONIC, &ts), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
}

int main(void)
{
	run_named("first", a_then_b);
	run_named("second", b_then_a);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(coffman_error_count(), 0);
	return 0;
}
