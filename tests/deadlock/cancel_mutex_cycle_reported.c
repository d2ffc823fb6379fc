/* SPDX-License-Identifier: MIT */
/*
 * cancel_mutex_cycle_reported.c - "worker" holds lock_a and waits for
 * lock_b, which main holds; main cancels the worker and then waits for
 * lock_a. A mutex wait is no cancellation point: the cancel stays
 * pending, nothing ends either wait. A deadlock, as without the cancel.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@a1,@b1,@b2,@a2 threads=worker objects=lock_a,lock_b
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold;

static void *worker(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	dl_barrier_wait(&both_hold);
	pthread_mutex_lock(&lock_b); /* @b1 */
	fprintf(stderr, "NOT REACHED: worker got lock_b\n");
	exit(1);
}

int main(void)
{
	struct dl_thread w;

	dl_bound(5);
	CHECK_EQ(pthread_barrier_init(&both_hold, NULL, 2), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	dl_spawn(&w, "worker", worker, NULL);
	dl_barrier_wait(&both_hold);
	dl_sleep_ms(50); /* the worker waits for lock_b */
	CHECK_EQ(pthread_cancel(w.th), 0);
	pthread_mutex_lock(&lock_a); /* @a2 */
	fprintf(stderr, "NOT REACHED: main got lock_a\n");
	return 1;
}
