/* SPDX-License-Identifier: MIT */
/*
 * sem_creator_first_then_lock_reported.c - main creates a binary
 * semaphore and takes its unit at once (as CPython's thread "alive" lock
 * is taken), then posts it: from then on it is a lock like any other.
 * Two threads take it and a mutex in opposite orders: an inversion. (An
 * alive lock still held orders nothing; one let go must not stay so.)
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@s1,@m1,@m2,@s2 threads=first,second objects=sem,mutex
 */
#include <semaphore.h>

#include "prim.h"

static sem_t sem;
static pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;

static void sem_then_mutex(void)
{
	CHECK_EQ(sem_wait(&sem), 0);		  /* @s1 */
	CHECK_EQ(pthread_mutex_lock(&mutex), 0); /* @m1 */
	CHECK_EQ(pthread_mutex_unlock(&mutex), 0);
	CHECK_EQ(sem_post(&sem), 0);
}

static void mutex_then_sem(void)
{
	CHECK_EQ(pthread_mutex_lock(&mutex), 0); /* @m2 */
	CHECK_EQ(sem_wait(&sem), 0);		  /* @s2 */
	CHECK_EQ(sem_post(&sem), 0);
	CHECK_EQ(pthread_mutex_unlock(&mutex), 0);
}

int main(void)
{
	CHECK_EQ(sem_init(&sem, 0, 1), 0);
	CHECK_EQ(sem_wait(&sem), 0); /* its creator, at once */
	CHECK_EQ(sem_post(&sem), 0); /* and let go */
	run_named("first", sem_then_mutex);
	run_named("second", mutex_then_sem);
	CHECK_EQ(sem_destroy(&sem), 0);
	return 0;
}
