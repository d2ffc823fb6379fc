/* SPDX-License-Identifier: MIT */
/*
 * deadlock_spin_prompt.c - a contended lock is retried spin=N times before
 * its wait is recorded; with the largest N a deadlock is still reported
 * as it forms, for a mutex and for an rwlock: each thread holds one and
 * asks for the other's. An interval timer armed once both hold their
 * first lock ends the process with status 3 if the runtime has not
 * reported and exited (on_deadlock=exit) within 1 s.
 *
 * EXPECT options=on_deadlock=exit:spin=100000
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@w1,@m2 threads=left,right objects=lock_m,lock_rw
 * EXPECT stderr!~=too late
 */
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t lock_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t lock_rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t both_hold_one;

static void *left(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_m), 0);
	dl_barrier_wait(&both_hold_one);
	dl_prompt_arm();
	pthread_rwlock_wrlock(&lock_rw); /* @w1 */
	exit(1);
}

static void *right(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_rwlock_wrlock(&lock_rw), 0);
	dl_barrier_wait(&both_hold_one);
	pthread_mutex_lock(&lock_m); /* @m2 */
	exit(1);
}

int main(void)
{
	struct dl_thread l, r;

	dl_prompt_handler();
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	dl_spawn(&l, "left", left, NULL);
	dl_spawn(&r, "right", right, NULL);
	dl_join(&l);
	return 1;
}
