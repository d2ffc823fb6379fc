/* SPDX-License-Identifier: MIT */
/*
 * timed_retry_deadlock_reported.c - "left" holds lock_a and retries a
 * 400 ms pthread_mutex_timedlock of lock_b until it gets it, never
 * letting go of lock_a; "right" holds lock_b and waits for lock_a. When
 * the cycle forms it is a warning (a timeout may end it); when the timed
 * wait runs out and is retried with lock_a still held, the same cycle
 * forms again and no timeout will end it: an error, and on_deadlock=exit
 * ends the hang.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=deadlock severity=warning lines=@a1,@b1,@b2,@a2 threads=left,right objects=lock_a,lock_b
 * EXPECT report kind=deadlock severity=error lines=@a1,@b1,@b2,@a2 threads=left,right objects=lock_a,lock_b
 * EXPECT stderr~=retried without letting go
 * EXPECT stderr!~=NOT REACHED
 */
#include <errno.h>
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

static void *left(void *arg)
{
	struct timespec ts;
	int rc;

	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	dl_barrier_wait(&both_hold);
	do {
		ts = dl_deadline(400);
		rc = pthread_mutex_timedlock(&lock_b, &ts); /* @b1 */
	} while (rc == ETIMEDOUT);
	fprintf(stderr, "NOT REACHED: left got lock_b\n");
	exit(1);
}

static void *right(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	dl_barrier_wait(&both_hold);
	pthread_mutex_lock(&lock_a); /* @a2 */
	fprintf(stderr, "NOT REACHED: right got lock_a\n");
	exit(1);
}

int main(void)
{
	dl_bound(5);
	CHECK_EQ(pthread_barrier_init(&both_hold, NULL, 2), 0);
	return dl_run_hung_pair(left, right);
}
