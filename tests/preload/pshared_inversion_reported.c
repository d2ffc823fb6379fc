/* SPDX-License-Identifier: MIT */
/*
 * pshared_inversion_reported.c - two threads of one process take two
 * process-shared mutexes (in shared memory) in opposite orders. That
 * another process could also use them changes nothing about this one's
 * own lock order: the inversion is reported like any other.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second
 */
#include <pthread.h>
#include <sys/mman.h>

#include "check.h"

static pthread_mutex_t *lock_a, *lock_b;

static void *a_then_b(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "first");
	CHECK_EQ(pthread_mutex_lock(lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(lock_a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "second");
	CHECK_EQ(pthread_mutex_lock(lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(lock_b), 0);
	return NULL;
}

int main(void)
{
	pthread_mutex_t *m = mmap(NULL, 2 * sizeof(*m), PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t ma;
	pthread_t t;

	CHECK(m != MAP_FAILED);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	lock_a = &m[0];
	lock_b = &m[1];
	CHECK_EQ(pthread_mutex_init(lock_a, &ma), 0);
	CHECK_EQ(pthread_mutex_init(lock_b, &ma), 0);
	CHECK_EQ(pthread_create(&t, NULL, a_then_b, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(pthread_create(&t, NULL, b_then_a, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	return 0;
}
