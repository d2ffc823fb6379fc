/* SPDX-License-Identifier: MIT */
/*
 * rwlock_read_read_silent.c - read A then read B in one thread, read B
 * then read A in another, on glibc's default (reader-preferring) rwlocks:
 * a read lock is granted whenever no writer holds the lock, even with
 * writers queued, so two readers never wait for each other: no deadlock
 * is possible and nothing is reported. Writers that take one lock at a
 * time do not change that.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t rw_a = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t rw_b = PTHREAD_RWLOCK_INITIALIZER;

static void a_then_b(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_rdlock(&rw_b), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
}

static void b_then_a(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw_b), 0);
	CHECK_EQ(pthread_rwlock_rdlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
}

static void write_each(void)
{
	CHECK_EQ(pthread_rwlock_wrlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_wrlock(&rw_b), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
}

static void *reader(void *arg)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if (arg)
			a_then_b();
		else
			b_then_a();
		if (i % 100 == 0)
			write_each();
	}
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	int i;

	run_named("reader1", a_then_b);
	run_named("reader2", b_then_a);
	CHECK_EQ(preload_reports(), 0);
	/* And for real, overlapping, with writers in between. */
	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, reader,
					i % 2 ? &rw_a : NULL), 0);
	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
