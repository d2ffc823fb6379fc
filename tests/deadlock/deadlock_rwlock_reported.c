/* SPDX-License-Identifier: MIT */
/*
 * deadlock_rwlock_reported.c - a cycle through an rwlock's readers:
 * "reader" holds table for reading and wants state_lock; "writer" holds
 * state_lock and wants table for writing, which waits for every reader to
 * leave. writer -> reader (a read holder) -> writer (the mutex owner).
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@rd,@mx,@wr,@lk threads=reader,writer objects=table,state_lock
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "dl.h"

static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold_one;

static void *reader(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_rwlock_rdlock(&table), 0); /* @rd */
	dl_barrier_wait(&both_hold_one);
	pthread_mutex_lock(&state_lock); /* @lk */
	fprintf(stderr, "NOT REACHED: reader got state_lock\n");
	exit(1);
}

static void *writer(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0); /* @mx */
	dl_barrier_wait(&both_hold_one);
	pthread_rwlock_wrlock(&table); /* @wr */
	fprintf(stderr, "NOT REACHED: writer got table\n");
	exit(1);
}

int main(void)
{
	struct dl_thread r, w;

	dl_bound(3);
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	dl_spawn(&r, "reader", reader, NULL);
	dl_spawn(&w, "writer", writer, NULL);
	dl_join(&r);
	fprintf(stderr, "NOT REACHED: reader returned\n");
	return 1;
}
