/* SPDX-License-Identifier: MIT */
/*
 * deadlock_not_repeated_as_all_blocked.c - "left" and "right" deadlock on
 * A and B while main joins them, and the runtime only reports (the
 * default on_deadlock=report): every thread stays blocked well past
 * watchdog_ms. The hang is reported once, as the deadlock it is, not a
 * second time as all-threads-blocked; SIGALRM's default action then ends
 * the program (exit status -14 as the harness sees it).
 *
 * EXPECT options=watchdog_ms=100
 * EXPECT exit=-14
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@a1,@b1,@b2,@a2 threads=left,right objects=lock_a,lock_b
 * EXPECT stderr!~=all-threads-blocked
 */
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both;

static void *left(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock_a); /* @a1 */
	pthread_barrier_wait(&both);
	pthread_mutex_lock(&lock_b); /* @b1 */
	return NULL;
}

static void *right(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock_b); /* @b2 */
	pthread_barrier_wait(&both);
	pthread_mutex_lock(&lock_a); /* @a2 */
	return NULL;
}

int main(void)
{
	dl_bound(1);
	pthread_barrier_init(&both, NULL, 2);
	dl_run_pair(left, right);
	return 0;
}
