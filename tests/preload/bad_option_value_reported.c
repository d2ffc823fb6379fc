/* SPDX-License-Identifier: MIT */
/*
 * bad_option_value_reported.c - a known key with a value it does not take
 * is a bad-option warning naming the valid values; the good options
 * around it still apply (here exitcode=3, seen in the exit status of the
 * error the program then makes on purpose).
 *
 * EXPECT options=on_deadlock=sometimes:exitcode=3
 * EXPECT exit=3
 * EXPECT reports=2
 * EXPECT report kind=bad-option severity=warning
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2
 * EXPECT stderr~=sometimes
 * EXPECT stderr~=abort
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *a_then_b(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

int main(void)
{
	CHECK_EQ(preload_reports(), 1);
	run_thread(a_then_b, NULL);
	run_thread(b_then_a, NULL);
	CHECK_EQ(preload_reports(), 2);
	return 0;
}
