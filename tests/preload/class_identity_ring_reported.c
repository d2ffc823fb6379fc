/* SPDX-License-Identifier: MIT */
/*
 * class_identity_ring_reported.c - five forks initialised in one loop
 * are one class. Philosopher i takes fork i, then fork i+1 (mod 5): the
 * last closes a ring. The philosophers eat one after another, so it never
 * hangs. Two forks of one class nested are ordered as the forks
 * themselves, and the ring is reported; a consistent nesting of the same
 * class ("tidy": lower index first, everywhere) is not.
 *
 * EXPECT options=identity=class
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@left,@right objects=fork_[0],fork_[4]
 */
#include <pthread.h>

#include "check.h"

#define N 5

static pthread_mutex_t fork_[N], tidy[N];

static void *philosopher(void *arg)
{
	long i = (long)arg;

	CHECK_EQ(pthread_mutex_lock(&fork_[i]), 0); /* @left */
	CHECK_EQ(pthread_mutex_lock(&fork_[(i + 1) % N]), 0); /* @right */
	CHECK_EQ(pthread_mutex_unlock(&fork_[(i + 1) % N]), 0);
	CHECK_EQ(pthread_mutex_unlock(&fork_[i]), 0);
	CHECK_EQ(pthread_mutex_lock(&tidy[i < N - 1 ? i : 0]), 0);
	CHECK_EQ(pthread_mutex_lock(&tidy[i < N - 1 ? i + 1 : N - 1]), 0);
	CHECK_EQ(pthread_mutex_unlock(&tidy[i < N - 1 ? i + 1 : N - 1]), 0);
	CHECK_EQ(pthread_mutex_unlock(&tidy[i < N - 1 ? i : 0]), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;
	long i;

	for (i = 0; i < N; i++) {
		CHECK_EQ(pthread_mutex_init(&fork_[i], NULL), 0);
		CHECK_EQ(pthread_mutex_init(&tidy[i], NULL), 0);
	}
	for (i = 0; i < N; i++) {
		CHECK_EQ(pthread_create(&t, NULL, philosopher, (void *)i), 0);
		CHECK_EQ(pthread_join(t, NULL), 0);
	}
	return 0;
}
