/* SPDX-License-Identifier: MIT */
/*
 * deadlock_recover_c11.c - deadlock_recover with C11 mtx_t: mtx_lock has
 * no EDEADLK, so under on_deadlock=recover the request that closes the
 * cycle returns thrd_error; the victim unlocks its first mutex and the
 * other thread completes.
 *
 * EXPECT options=on_deadlock=recover
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@b1,@a2 threads=left,right objects=mtx_a,mtx_b
 * EXPECT stderr~=finished: 1 thrd_error
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>
#include <threads.h>

#include "dl.h"

static mtx_t mtx_a;
static mtx_t mtx_b;
static pthread_barrier_t both_hold_one;
static int victims;   /* requests that failed with thrd_error */
static int completed; /* threads that got both mutexes */

static void finish(int rc, mtx_t *first, mtx_t *second)
{
	if (rc == thrd_error) {
		__atomic_fetch_add(&victims, 1, __ATOMIC_RELAXED);
	} else {
		CHECK_EQ(rc, thrd_success);
		__atomic_fetch_add(&completed, 1, __ATOMIC_RELAXED);
		CHECK_EQ(mtx_unlock(second), thrd_success);
	}
	CHECK_EQ(mtx_unlock(first), thrd_success);
}

static void *left(void *arg)
{
	int rc;

	(void)arg;
	CHECK_EQ(mtx_lock(&mtx_a), thrd_success);
	dl_barrier_wait(&both_hold_one);
	rc = mtx_lock(&mtx_b); /* @b1 */
	finish(rc, &mtx_a, &mtx_b);
	return NULL;
}

static void *right(void *arg)
{
	int rc;

	(void)arg;
	CHECK_EQ(mtx_lock(&mtx_b), thrd_success);
	dl_barrier_wait(&both_hold_one);
	rc = mtx_lock(&mtx_a); /* @a2 */
	finish(rc, &mtx_b, &mtx_a);
	return NULL;
}

int main(void)
{
	dl_bound(3);
	CHECK_EQ(mtx_init(&mtx_a, mtx_plain), thrd_success);
	CHECK_EQ(mtx_init(&mtx_b, mtx_plain), thrd_success);
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	dl_run_pair(left, right);
	CHECK_EQ(victims, 1);
	CHECK_EQ(completed, 1);
	CHECK_EQ(preload_reports(), 1);
	fprintf(stderr, "finished: %d thrd_error\n", victims);
	return 0;
}
