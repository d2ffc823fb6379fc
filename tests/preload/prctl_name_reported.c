/* SPDX-License-Identifier: MIT */
/*
 * prctl_name_reported.c - an A/B inversion between two threads that name
 * themselves with prctl(PR_SET_NAME) (what many servers do instead of
 * pthread_setname_np), the first with a name longer than the 15 bytes the
 * kernel keeps. The report names both threads as the kernel does.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=prctl-first-thr,prctl-second objects=lock_a,lock_b
 */
#include <pthread.h>
#include <sys/prctl.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *first(void *arg)
{
	(void)arg;
	CHECK_EQ(prctl(PR_SET_NAME, "prctl-first-thread-too-long", 0, 0, 0), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	return NULL;
}

static void *second(void *arg)
{
	(void)arg;
	CHECK_EQ(prctl(PR_SET_NAME, "prctl-second", 0, 0, 0), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

int main(void)
{
	run_thread(first, NULL);
	run_thread(second, NULL);
	return 0;
}
