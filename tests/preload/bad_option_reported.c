/* SPDX-License-Identifier: MIT */
/*
 * bad_option_reported.c - an unknown key in COFFMAN_OPTIONS is a
 * bad-option warning that names the valid keys; the program still runs,
 * the runtime still works, and the exit status stays 0.
 *
 * EXPECT options=frobnicate=1
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=bad-option severity=warning
 * EXPECT stderr~=bad-option
 * EXPECT stderr~=frobnicate
 * EXPECT stderr~=on_deadlock
 * EXPECT stderr~=exitcode
 * EXPECT stderr~=stack_depth
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	/* Reported before main runs. */
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(coffman_error_count(), 0);
	/* Consistent locking: nothing more to say. */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
