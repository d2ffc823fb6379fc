/* SPDX-License-Identifier: MIT */
/*
 * deadlock_sem_lock_reported.c - two binary semaphores used as locks (each
 * unit is posted back by the thread that took it) taken in opposite orders
 * by two threads that overlap: a real deadlock among the holders of lock-
 * like semaphores.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=sem_a,sem_b
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>
#include <semaphore.h>

#include "dl.h"

static sem_t sem_a;
static sem_t sem_b;
static pthread_barrier_t both_hold_one;

static void *first(void *arg)
{
	(void)arg;
	CHECK_EQ(sem_wait(&sem_a), 0); /* @a1 */
	dl_barrier_wait(&both_hold_one);
	sem_wait(&sem_b); /* @b1 */
	fprintf(stderr, "NOT REACHED: first got sem_b\n");
	exit(1);
}

static void *second(void *arg)
{
	(void)arg;
	CHECK_EQ(sem_wait(&sem_b), 0); /* @b2 */
	dl_barrier_wait(&both_hold_one);
	sem_wait(&sem_a); /* @a2 */
	fprintf(stderr, "NOT REACHED: second got sem_a\n");
	exit(1);
}

int main(void)
{
	struct dl_thread f, s;

	dl_bound(3);
	CHECK_EQ(sem_init(&sem_a, 0, 1), 0);
	CHECK_EQ(sem_init(&sem_b, 0, 1), 0);
	/* Used as a lock once, properly, so it is known to be one. */
	CHECK_EQ(sem_wait(&sem_a), 0);
	CHECK_EQ(sem_post(&sem_a), 0);
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	dl_spawn(&f, "first", first, NULL);
	dl_spawn(&s, "second", second, NULL);
	dl_join(&f);
	fprintf(stderr, "NOT REACHED: first returned\n");
	return 1;
}
