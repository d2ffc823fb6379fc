/* SPDX-License-Identifier: MIT */
/*
 * lock_invalid_reported.c - locks of memory that holds no mutex: a mutex
 * destroyed before (lock and timedlock) and bytes never initialised as
 * one (trylock). glibc refuses each with EINVAL, and the code the lock
 * was to guard runs without it: each is an invalid-object error.
 *
 * EXPECT exit=66
 * EXPECT reports=3
 * EXPECT report kind=invalid-object severity=error lines=@destroyed
 * EXPECT report kind=invalid-object severity=error lines=@timed
 * EXPECT report kind=invalid-object severity=error lines=@garbage objects=junk
 * EXPECT stderr~=locks memory that holds no initialised mutex
 * EXPECT stderr~=the call fails with EINVAL
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "check.h"
#include "junk_mutex.h"

int main(void)
{
	pthread_mutex_t gone;
	struct timespec soon;

	CHECK_EQ(pthread_mutex_init(&gone, NULL), 0);
	CHECK_EQ(pthread_mutex_lock(&gone), 0);
	CHECK_EQ(pthread_mutex_unlock(&gone), 0);
	CHECK_EQ(pthread_mutex_destroy(&gone), 0);
	CHECK_EQ(pthread_mutex_lock(&gone), EINVAL); /* @destroyed */
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &soon), 0);
	soon.tv_sec += 1;
	CHECK_EQ(pthread_mutex_timedlock(&gone, &soon), EINVAL); /* @timed */
	CHECK_EQ(pthread_mutex_trylock(junk_mutex()), EINVAL); /* @garbage */
	return 0;
}
