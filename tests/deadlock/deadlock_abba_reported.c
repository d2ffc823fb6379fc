/* SPDX-License-Identifier: MIT */
/*
 * deadlock_abba_reported.c - a real ABBA deadlock: "left" holds lock_a,
 * "right" holds lock_b, a barrier makes sure both hold their first lock,
 * then each asks for the other's. The thread that closes the cycle sees it
 * before it blocks: one deadlock report naming both threads, both locks,
 * where each was taken and where each thread waits; on_deadlock=exit then
 * ends the hung process with 66.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@a1,@b1,@b2,@a2 threads=left,right objects=lock_a,lock_b
 * EXPECT stderr~=circular wait
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
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	dl_barrier_wait(&both_hold_one);
	pthread_mutex_lock(&lock_b); /* @b1 */
	fprintf(stderr, "NOT REACHED: left got lock_b\n");
	exit(1);
}

static void *right(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	dl_barrier_wait(&both_hold_one);
	pthread_mutex_lock(&lock_a); /* @a2 */
	fprintf(stderr, "NOT REACHED: right got lock_a\n");
	exit(1);
}

int main(void)
{
	dl_bound(3);
	CHECK_EQ(preload_reports(), 0);
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	return dl_run_hung_pair(left, right);
}
