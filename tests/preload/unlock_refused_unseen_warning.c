/* SPDX-License-Identifier: MIT */
/*
 * unlock_refused_unseen_warning.c - the first call on a statically
 * initialised recursive mutex (as std::recursive_mutex is) and on an
 * error-checking one is an unlock by a thread that does not own them:
 * glibc refuses both with EPERM. The runtime meets each mutex at that
 * unlock, and still knows its type from the mutex itself: warnings, and
 * the exit status stays the program's.
 *
 * EXPECT exit=0
 * EXPECT reports=2
 * EXPECT report kind=unlock-not-owned severity=warning lines=@rec objects=recursive
 * EXPECT report kind=unlock-not-owned severity=warning lines=@chk objects=checked
 * EXPECT stderr~=fails with EPERM and unlocks nothing
 */
#include <errno.h>
#include <pthread.h>

#include "check.h"

static pthread_mutex_t recursive = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_mutex_t checked = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

int main(void)
{
	CHECK_EQ(pthread_mutex_unlock(&recursive), EPERM); /* @rec */
	CHECK_EQ(pthread_mutex_unlock(&checked), EPERM); /* @chk */
	CHECK_EQ(pthread_mutex_lock(&recursive), 0);
	CHECK_EQ(pthread_mutex_unlock(&recursive), 0);
	CHECK_EQ(coffman_error_count(), 0);
	return 0;
}
