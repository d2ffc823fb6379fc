/* SPDX-License-Identifier: MIT */
/*
 * suppressed_silent.c - the A/B inversion of abba_reported, silenced by a
 * suppressions file naming the function where it happens: no report, and
 * the exit status stays 0. A rule for another kind does not apply.
 *
 * EXPECT options=suppressions={srcdir}/suppressed_silent.supp
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=lock-order-inversion
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *legacy_transfer(void *arg)
{
	int reverse = *(int *)arg;

	CHECK_EQ(pthread_mutex_lock(reverse ? &lock_b : &lock_a), 0);
	CHECK_EQ(pthread_mutex_lock(reverse ? &lock_a : &lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(reverse ? &lock_a : &lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(reverse ? &lock_b : &lock_a), 0);
	return NULL;
}

int main(void)
{
	int forward = 0, reverse = 1;

	run_thread(legacy_transfer, &forward);
	run_thread(legacy_transfer, &reverse);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
