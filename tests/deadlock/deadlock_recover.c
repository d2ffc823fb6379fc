/* SPDX-License-Identifier: MIT */
/*
 * deadlock_recover.c - the ABBA deadlock under on_deadlock=recover: the
 * thread whose request closes the cycle gets EDEADLK from
 * pthread_mutex_lock instead of hanging, gives up its first lock and the
 * other thread goes on. The run completes; exactly one request failed;
 * the deadlock (an error) was reported, naming the victim, so the exit
 * status is 66.
 *
 * EXPECT options=on_deadlock=recover
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@a1,@b1,@b2,@a2 threads=left,right objects=lock_a,lock_b
 * EXPECT stderr~=fails with EDEADLK
 * EXPECT stderr~=finished: 1 EDEADLK
 * EXPECT stderr!~=NOT REACHED
 */
#include <errno.h>
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;
static int victims;   /* requests that failed with EDEADLK */
static int completed; /* threads that got both locks */

static void finish(int rc, pthread_mutex_t *first, pthread_mutex_t *second)
{
	if (rc == EDEADLK) {
		__atomic_fetch_add(&victims, 1, __ATOMIC_RELAXED);
	} else {
		CHECK_EQ(rc, 0);
		__atomic_fetch_add(&completed, 1, __ATOMIC_RELAXED);
		CHECK_EQ(pthread_mutex_unlock(second), 0);
	}
	CHECK_EQ(pthread_mutex_unlock(first), 0);
}

static void *left(void *arg)
{
	int rc;

	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	dl_barrier_wait(&both_hold_one);
	rc = pthread_mutex_lock(&lock_b); /* @b1 */
	finish(rc, &lock_a, &lock_b);
	return NULL;
}

static void *right(void *arg)
{
	int rc;

	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	dl_barrier_wait(&both_hold_one);
	rc = pthread_mutex_lock(&lock_a); /* @a2 */
	finish(rc, &lock_b, &lock_a);
	return NULL;
}

int main(void)
{
	dl_bound(3);
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	dl_run_pair(left, right);
	CHECK_EQ(victims, 1);
	CHECK_EQ(completed, 1);
	CHECK_EQ(preload_reports(), 1);
	/* Both locks are free again. */
	CHECK_EQ(pthread_mutex_trylock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_trylock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	fprintf(stderr, "finished: %d EDEADLK\n", victims);
	return 0;
}
