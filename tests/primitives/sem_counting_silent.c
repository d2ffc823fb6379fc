/* SPDX-License-Identifier: MIT */
/*
 * sem_counting_silent.c - a semaphore initialised to 3 used as a pool
 * (each thread posts back the unit it took), nested with a mutex in both
 * orders by two threads. Two threads never exhaust three units, so
 * neither ever waits for the pool: no deadlock, and a semaphore with
 * several units does not close a cycle. Nothing is reported.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <semaphore.h>

#include "prim.h"

static sem_t pool;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static long uses;

static void mutex_then_pool(void)
{
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(sem_wait(&pool), 0); /* m -> pool */
	uses++;
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(sem_post(&pool), 0);
}

static void pool_then_mutex(void)
{
	CHECK_EQ(sem_wait(&pool), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0); /* pool -> m */
	uses++;
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(sem_post(&pool), 0);
}

static void *loop(void *arg)
{
	int i;

	for (i = 0; i < 5000; i++) {
		if (arg)
			mutex_then_pool();
		else
			pool_then_mutex();
	}
	return NULL;
}

int main(void)
{
	pthread_t t1, t2;
	int v;

	CHECK_EQ(sem_init(&pool, 0, 3), 0);
	run_named("mutex_first", mutex_then_pool);
	run_named("pool_first", pool_then_mutex);
	CHECK_EQ(preload_reports(), 0);
	CHECK_EQ(pthread_create(&t1, NULL, loop, &pool), 0);
	CHECK_EQ(pthread_create(&t2, NULL, loop, NULL), 0);
	CHECK_EQ(pthread_join(t1, NULL), 0);
	CHECK_EQ(pthread_join(t2, NULL), 0);
	CHECK_EQ(uses, 2 + 2 * 5000);
	CHECK_EQ(sem_getvalue(&pool, &v), 0);
	CHECK_EQ(v, 3);
	CHECK_EQ(sem_destroy(&pool), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
