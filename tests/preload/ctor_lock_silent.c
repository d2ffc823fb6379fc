/* SPDX-License-Identifier: MIT */
/*
 * ctor_lock_silent.c - a library constructor locks a mutex (early, maybe
 * before the runtime started) and the program later unlocks it through
 * the library, in the same thread. Correct: no unlock-not-owned report.
 * The mutex then works normally under the runtime.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "check.h"
#include "ctor_lock_lib.h"

static pthread_mutex_t after = PTHREAD_MUTEX_INITIALIZER;

static void *use_it(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&ctor_lock), 0);
	CHECK_EQ(pthread_mutex_lock(&after), 0);
	CHECK_EQ(pthread_mutex_unlock(&after), 0);
	CHECK_EQ(pthread_mutex_unlock(&ctor_lock), 0);
	return NULL;
}

int main(void)
{
	CHECK_EQ(ctor_lock_taken, 1);
	CHECK_EQ(ctor_lock_release(), 0);
	CHECK_EQ(preload_reports(), 0);
	use_it(NULL);
	run_thread(use_it, NULL);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
