/* SPDX-License-Identifier: MIT */
/*
 * rwlock_read_write_reader_pref_silent.c - read A then write B in one
 * thread, write B then read A in the other, on default rwlocks. The only
 * wait that could close the cycle is the second thread's read of A while
 * the first reads A: glibc's default kind grants a read lock whenever no
 * writer holds the lock (queued writers do not stop readers), so that
 * wait never happens and the program cannot deadlock.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t rw_a = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t rw_b = PTHREAD_RWLOCK_INITIALIZER;

static void read_a_write_b(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_wrlock(&rw_b), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
}

static void write_b_read_a(void)
{
	CHECK_EQ(pthread_rwlock_wrlock(&rw_b), 0);
	CHECK_EQ(pthread_rwlock_rdlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_a), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw_b), 0);
}

static void *loop(void *arg)
{
	int i;

	for (i = 0; i < 2000; i++) {
		if (arg)
			read_a_write_b();
		else
			write_b_read_a();
	}
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	int i;

	run_named("reader", read_a_write_b);
	run_named("writer", write_b_read_a);
	CHECK_EQ(preload_reports(), 0);
	/* Overlapping for real: it never hangs. */
	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, loop,
					i % 2 ? &rw_a : NULL), 0);
	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
