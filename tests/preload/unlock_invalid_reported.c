/* SPDX-License-Identifier: MIT */
/*
 * unlock_invalid_reported.c - unlocks of memory that holds no mutex:
 * bytes never initialised as one, and a mutex destroyed before. glibc
 * refuses both with EINVAL; each is an error, and its text says so (not
 * EPERM, which a recursive or error-checking mutex would give).
 *
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=unlock-not-owned severity=error lines=@garbage
 * EXPECT report kind=unlock-not-owned severity=error lines=@destroyed
 * EXPECT stderr~=unlocks memory that holds no initialised mutex
 * EXPECT stderr~=the call fails with EINVAL and unlocks nothing
 * EXPECT stderr!~=EPERM
 */
#include <errno.h>
#include <pthread.h>

#include "check.h"
#include "junk_mutex.h"

int main(void)
{
	pthread_mutex_t gone;

	CHECK_EQ(pthread_mutex_unlock(junk_mutex()), EINVAL); /* @garbage */
	CHECK_EQ(pthread_mutex_init(&gone, NULL), 0);
	CHECK_EQ(pthread_mutex_lock(&gone), 0);
	CHECK_EQ(pthread_mutex_unlock(&gone), 0);
	CHECK_EQ(pthread_mutex_destroy(&gone), 0);
	CHECK_EQ(pthread_mutex_unlock(&gone), EINVAL); /* @destroyed */
	return 0;
}
