/* SPDX-License-Identifier: MIT */
/*
 * deadlock_abba_prompt.c - the ABBA deadlock of deadlock_abba_reported is
 * reported when it forms, not after some timeout: the thread that closes
 * the cycle checks before it blocks. An interval timer armed once both
 * threads hold their first lock ends the process with status 3 if the
 * runtime has not reported and exited (on_deadlock=exit) within 1 s.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@b1,@a2 threads=left,right objects=lock_a,lock_b
 * EXPECT stderr!~=too late
 */
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;

static void *left(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
	dl_barrier_wait(&both_hold_one);
	dl_prompt_arm();
	pthread_mutex_lock(&lock_b); /* @b1 */
	exit(1);
}

static void *right(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
	dl_barrier_wait(&both_hold_one);
	pthread_mutex_lock(&lock_a); /* @a2 */
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
