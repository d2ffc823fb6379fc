/* SPDX-License-Identifier: MIT */
/*
 * rwlock_recursive_read_silent.c - read-locking a default rwlock twice in
 * one thread is allowed (reader-preferring: the second read never waits
 * behind a writer) and needs two unlocks. Nothing is reported, and the
 * runtime counts the holds right: a thread that ends after the second
 * unlock holds nothing, one ordered nesting under a mutex adds no cycle.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;

static void twice(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_rdlock(&rw), 0);
	CHECK_EQ(pthread_mutex_lock(&inner), 0);
	CHECK_EQ(pthread_mutex_unlock(&inner), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	/* Still read-held once: a writer would have to wait. */
	CHECK_EQ(pthread_rwlock_trywrlock(&rw), EBUSY);
	CHECK_EQ(pthread_mutex_lock(&inner), 0);
	CHECK_EQ(pthread_mutex_unlock(&inner), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_trywrlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
}

static void thrice_try(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_tryrdlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_rdlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
}

int main(void)
{
	run_named("twice", twice);
	run_named("thrice", thrice_try);
	twice();
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
