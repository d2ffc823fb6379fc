/* SPDX-License-Identifier: MIT */
/*
 * cond_wait_unheld_errorcheck_warning.c - pthread_cond_wait with a
 * statically initialised error-checking mutex the thread does not hold,
 * as the first call ever made on that mutex: glibc refuses it (EPERM)
 * and changes nothing, so it is the warning an unlock refused the same
 * way is, not an error. The condition variable path did not learn the
 * mutex's type, and took it for a plain one.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=unlock-not-owned severity=warning lines=@wait
 */
#include <errno.h>
#include <pthread.h>

#include "check.h"

static pthread_mutex_t checked = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;

int main(void)
{
	CHECK_EQ(pthread_cond_wait(&cond, &checked), EPERM); /* @wait */
	/* Nothing changed: the mutex works as before. */
	CHECK_EQ(pthread_mutex_lock(&checked), 0);
	CHECK_EQ(pthread_mutex_unlock(&checked), 0);
	return 0;
}
