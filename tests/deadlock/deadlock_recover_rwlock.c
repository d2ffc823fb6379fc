/* SPDX-License-Identifier: MIT */
/*
 * deadlock_recover_rwlock.c - deadlock_rwlock_reported under
 * on_deadlock=recover: whichever request closes the cycle (the reader's
 * pthread_mutex_lock or the writer's pthread_rwlock_wrlock) fails with
 * EDEADLK; that thread lets go of what it holds and the other completes.
 *
 * EXPECT options=on_deadlock=recover
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@wr,@lk threads=reader,writer objects=table,state_lock
 * EXPECT stderr~=finished: 1 EDEADLK
 * EXPECT stderr!~=NOT REACHED
 */
#include <errno.h>
#include <pthread.h>

#include "dl.h"

static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;
static int victims;   /* requests that failed with EDEADLK */
static int completed; /* threads that got both */

static void *reader(void *arg)
{
	int rc;

	(void)arg;
	CHECK_EQ(pthread_rwlock_rdlock(&table), 0);
	dl_barrier_wait(&both_hold_one);
	rc = pthread_mutex_lock(&state_lock); /* @lk */
	if (rc == EDEADLK) {
		__atomic_fetch_add(&victims, 1, __ATOMIC_RELAXED);
	} else {
		CHECK_EQ(rc, 0);
		__atomic_fetch_add(&completed, 1, __ATOMIC_RELAXED);
		CHECK_EQ(pthread_mutex_unlock(&state_lock), 0);
	}
	CHECK_EQ(pthread_rwlock_unlock(&table), 0);
	return NULL;
}

static void *writer(void *arg)
{
	int rc;

	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0);
	dl_barrier_wait(&both_hold_one);
	rc = pthread_rwlock_wrlock(&table); /* @wr */
	if (rc == EDEADLK) {
		__atomic_fetch_add(&victims, 1, __ATOMIC_RELAXED);
	} else {
		CHECK_EQ(rc, 0);
		__atomic_fetch_add(&completed, 1, __ATOMIC_RELAXED);
		CHECK_EQ(pthread_rwlock_unlock(&table), 0);
	}
	CHECK_EQ(pthread_mutex_unlock(&state_lock), 0);
	return NULL;
}

int main(void)
{
	struct dl_thread r, w;

	dl_bound(3);
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	dl_spawn(&r, "reader", reader, NULL);
	dl_spawn(&w, "writer", writer, NULL);
	dl_join(&r);
	dl_join(&w);
	CHECK_EQ(victims, 1);
	CHECK_EQ(completed, 1);
	CHECK_EQ(preload_reports(), 1);
	fprintf(stderr, "finished: %d EDEADLK\n", victims);
	return 0;
}
