/* SPDX-License-Identifier: MIT */
/*
 * deadlock_sem_pool_reported.c - a pool of two buffers (a counting
 * semaphore of 2) and two threads that each take one buffer, then want a
 * second while holding the first. The pool is empty and nobody will give
 * a buffer back: the two are deadlocked on the pool, though no single
 * owner can be named. Main joins them. The runtime must end this with an
 * error: every unit is held by a blocked thread that waits for another
 * unit (a knot), which the runtime reports as a deadlock the moment the
 * second worker blocks, before "every thread blocked" would apply.
 *
 * EXPECT options=watchdog_ms=200:on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@first,@second threads=worker-1,worker-2 objects=pool
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>
#include <semaphore.h>

#include "dl.h"

static sem_t pool;
static pthread_barrier_t each_has_one;

static void *worker(void *arg)
{
	(void)arg;
	CHECK_EQ(sem_wait(&pool), 0); /* @first */
	dl_barrier_wait(&each_has_one);
	sem_wait(&pool); /* @second */
	fprintf(stderr, "NOT REACHED: got a second buffer\n");
	exit(1);
}

int main(void)
{
	struct dl_thread w1, w2;

	dl_bound(3);
	CHECK_EQ(sem_init(&pool, 0, 2), 0);
	CHECK_EQ(pthread_barrier_init(&each_has_one, NULL, 2), 0);
	dl_spawn(&w1, "worker-1", worker, NULL);
	dl_spawn(&w2, "worker-2", worker, NULL);
	dl_join(&w1);
	fprintf(stderr, "NOT REACHED: worker-1 returned\n");
	return 1;
}
