/* SPDX-License-Identifier: MIT */
/*
 * suppressed_invalid_object_silent.c - a suppressions rule for the
 * invalid-object kind hides the lock of a destroyed mutex in the function
 * it names; the exit status stays 0.
 *
 * EXPECT options=suppressions={srcdir}/suppressed_invalid_object_silent.supp
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <pthread.h>

#include "check.h"

static void lock_gone(void)
{
	pthread_mutex_t gone;

	CHECK_EQ(pthread_mutex_init(&gone, NULL), 0);
	CHECK_EQ(pthread_mutex_destroy(&gone), 0);
	CHECK_EQ(pthread_mutex_lock(&gone), EINVAL);
}

int main(void)
{
	lock_gone();
	return 0;
}
