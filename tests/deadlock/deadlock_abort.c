/* SPDX-License-Identifier: MIT */
/*
 * deadlock_abort.c - the ABBA deadlock under on_deadlock=abort: the report
 * is written, then the process dies of SIGABRT (for a core file, though
 * this test turns cores off). Python reports death by signal 6 as -6.
 *
 * EXPECT options=on_deadlock=abort
 * EXPECT exit=-6
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@b1,@a2 threads=left,right objects=lock_a,lock_b
 * EXPECT stderr!~=NOT REACHED
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
	pthread_mutex_lock(&lock_b); /* @b1 */
	fprintf(stderr, "NOT REACHED: left got lock_b\n");
	exit(1);
}

static void *right(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
	dl_barrier_wait(&both_hold_one);
	pthread_mutex_lock(&lock_a); /* @a2 */
	fprintf(stderr, "NOT REACHED: right got lock_a\n");
	exit(1);
}

int main(void)
{
	dl_bound(3);
	dl_no_core();
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	return dl_run_hung_pair(left, right);
}
