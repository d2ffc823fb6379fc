/* SPDX-License-Identifier: MIT */
/*
 * suppression_other_kind_reported.c - a suppressions file whose rules name
 * other kinds or other functions does not hide this inversion.
 *
 * EXPECT options=suppressions={srcdir}/suppression_other_kind_reported.supp
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *transfer(void *arg)
{
	int reverse = *(int *)arg;

	if (reverse) {
		CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	} else {
		CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
		CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	}
	return NULL;
}

int main(void)
{
	int forward = 0, reverse = 1;

	run_thread(transfer, &forward);
	run_thread(transfer, &reverse);
	return 0;
}
