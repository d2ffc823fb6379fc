/* SPDX-License-Identifier: MIT */
/*
 * deadlock_recover_sem.c - deadlock_recover with two binary semaphores
 * used as locks. sem_wait cannot fail with EDEADLK, so under
 * on_deadlock=recover the request that closes the cycle fails with -1 and
 * errno EINTR, which callers already handle; the victim posts back its
 * first unit and the other thread completes.
 *
 * EXPECT options=on_deadlock=recover
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@b1,@a2 threads=first,second objects=sem_a,sem_b
 * EXPECT stderr~=finished: 1 EINTR
 * EXPECT stderr!~=NOT REACHED
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>

#include "dl.h"

static sem_t sem_a;
static sem_t sem_b;
static pthread_barrier_t both_hold_one;
static int victims;   /* waits that failed with EINTR */
static int completed; /* threads that got both units */

static void finish(int rc, int err, sem_t *first, sem_t *second)
{
	if (rc == -1) {
		CHECK_EQ(err, EINTR);
		__atomic_fetch_add(&victims, 1, __ATOMIC_RELAXED);
	} else {
		CHECK_EQ(rc, 0);
		__atomic_fetch_add(&completed, 1, __ATOMIC_RELAXED);
		CHECK_EQ(sem_post(second), 0);
	}
	CHECK_EQ(sem_post(first), 0);
}

static void *first(void *arg)
{
	int rc;

	(void)arg;
	CHECK_EQ(sem_wait(&sem_a), 0);
	dl_barrier_wait(&both_hold_one);
	rc = sem_wait(&sem_b); /* @b1 */
	finish(rc, errno, &sem_a, &sem_b);
	return NULL;
}

static void *second(void *arg)
{
	int rc;

	(void)arg;
	CHECK_EQ(sem_wait(&sem_b), 0);
	dl_barrier_wait(&both_hold_one);
	rc = sem_wait(&sem_a); /* @a2 */
	finish(rc, errno, &sem_b, &sem_a);
	return NULL;
}

int main(void)
{
	struct dl_thread f, s;

	dl_bound(3);
	CHECK_EQ(sem_init(&sem_a, 0, 1), 0);
	CHECK_EQ(sem_init(&sem_b, 0, 1), 0);
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	dl_spawn(&f, "first", first, NULL);
	dl_spawn(&s, "second", second, NULL);
	dl_join(&f);
	dl_join(&s);
	CHECK_EQ(victims, 1);
	CHECK_EQ(completed, 1);
	CHECK_EQ(preload_reports(), 1);
	fprintf(stderr, "finished: %d EINTR\n", victims);
	return 0;
}
