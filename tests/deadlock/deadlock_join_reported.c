/* SPDX-License-Identifier: MIT */
/*
 * deadlock_join_reported.c - "joiner" holds state_lock and joins
 * "worker"; the worker needs state_lock to finish. joiner -> worker (the
 * join) -> joiner (the mutex owner): a cycle through a join.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@hold,@join,@need threads=joiner,worker objects=state_lock
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t lock_taken;

static void *worker(void *arg)
{
	(void)arg;
	dl_barrier_wait(&lock_taken);
	pthread_mutex_lock(&state_lock); /* @need */
	fprintf(stderr, "NOT REACHED: worker got state_lock\n");
	exit(1);
}

static void *joiner(void *arg)
{
	struct dl_thread w;

	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0); /* @hold */
	dl_spawn(&w, "worker", worker, NULL);
	dl_barrier_wait(&lock_taken);
	pthread_join(w.th, NULL); /* @join */
	fprintf(stderr, "NOT REACHED: the join returned\n");
	exit(1);
}

int main(void)
{
	struct dl_thread j;

	dl_bound(3);
	CHECK_EQ(pthread_barrier_init(&lock_taken, NULL, 2), 0);
	dl_spawn(&j, "joiner", joiner, NULL);
	dl_join(&j);
	fprintf(stderr, "NOT REACHED: joiner returned\n");
	return 1;
}
