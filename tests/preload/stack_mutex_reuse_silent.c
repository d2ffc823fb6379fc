/* SPDX-License-Identifier: MIT */
/*
 * stack_mutex_reuse_silent.c - mutexes on a thread's stack that are never
 * destroyed (as C++ std::mutex never is): the first thread locks its
 * locals x then y and exits; glibc gives its stack to the second thread,
 * whose locals lie at the same addresses and are locked y then x. The
 * two pairs never exist together: no cycle. The runtime retires what was
 * on a thread's stack when the thread exits.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <stdint.h>

#include "check.h"

static uintptr_t where[2];

static __attribute__((noinline)) void *forward(void *arg)
{
	pthread_mutex_t x = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_t y = PTHREAD_MUTEX_INITIALIZER;

	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&x), 0);
	CHECK_EQ(pthread_mutex_lock(&y), 0);
	CHECK_EQ(pthread_mutex_unlock(&y), 0);
	CHECK_EQ(pthread_mutex_unlock(&x), 0);
	where[0] = (uintptr_t)&x;
	return NULL;
}

static __attribute__((noinline)) void *backward(void *arg)
{
	pthread_mutex_t x = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_t y = PTHREAD_MUTEX_INITIALIZER;

	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&y), 0);
	CHECK_EQ(pthread_mutex_lock(&x), 0);
	CHECK_EQ(pthread_mutex_unlock(&x), 0);
	CHECK_EQ(pthread_mutex_unlock(&y), 0);
	where[1] = (uintptr_t)&x;
	return NULL;
}

int main(void)
{
	pthread_t t;
	int i;

	for (i = 0; i < 3; i++) {
		CHECK_EQ(pthread_create(&t, NULL, forward, NULL), 0);
		CHECK_EQ(pthread_join(t, NULL), 0);
		CHECK_EQ(pthread_create(&t, NULL, backward, NULL), 0);
		CHECK_EQ(pthread_join(t, NULL), 0);
	}
	/* The case this tests: the second thread reused the first's stack. */
	if (where[0] != where[1])
		fprintf(stderr, "note: stacks not reused (%lx, %lx)\n",
			(unsigned long)where[0], (unsigned long)where[1]);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
