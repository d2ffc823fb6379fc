/* SPDX-License-Identifier: MIT */
/*
 * deadlock_known_nesting_reported.c - an ABBA deadlock between nestings
 * each thread has taken before: "left" takes lock_a then lock_b alone,
 * "right" then takes lock_b then lock_a alone (the inversion, reported),
 * and then both again at once, from the same lines, each holding its
 * first lock when it asks for the second. Those acquisitions start on the
 * fast path (the probe finds the nesting known); found taken, they go on
 * to record the wait, and the deadlock report shows each thread holding
 * its first lock only, and waiting for the second.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=left,right objects=lock_a,lock_b
 * EXPECT report kind=deadlock severity=error lines=@a1,@b1,@b2,@a2 threads=left,right objects=lock_a,lock_b
 * EXPECT stderr!~=waits for itself
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;
static volatile int left_learned, right_learned;

static void *left(void *arg)
{
	int round;

	(void)arg;
	for (round = 0; round < 2; round++) {
		if (round == 1)
			while (!right_learned)
				dl_sleep_ms(1);
		CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
		if (round == 1)
			dl_barrier_wait(&both_hold_one);
		CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
		left_learned = 1;
	}
	fprintf(stderr, "NOT REACHED: left took both twice\n");
	exit(1);
}

static void *right(void *arg)
{
	int round;

	(void)arg;
	while (!left_learned)
		dl_sleep_ms(1);
	for (round = 0; round < 2; round++) {
		CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
		if (round == 1)
			dl_barrier_wait(&both_hold_one);
		CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
		right_learned = 1;
	}
	fprintf(stderr, "NOT REACHED: right took both twice\n");
	exit(1);
}

int main(void)
{
	dl_bound(3);
	CHECK_EQ(preload_reports(), 0);
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	return dl_run_hung_pair(left, right);
}
