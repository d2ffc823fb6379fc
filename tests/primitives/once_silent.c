/* SPDX-License-Identifier: MIT */
/*
 * once_silent.c - sixteen threads race on one pthread_once; its routine
 * takes a mutex and sleeps a little, so the others really wait on the
 * once. Afterwards each thread calls pthread_once again while holding the
 * mutex: the once is done, so that cannot wait (no reverse order). The
 * routine runs once, and nothing is reported.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include "prim.h"

#define THREADS 16

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int runs;
static int started;

static void init_routine(void)
{
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	runs++;
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	usleep(5000);
}

static void *racer(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < THREADS)
		sched_yield();
	CHECK_EQ(pthread_once(&once, init_routine), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(runs, 1);
	CHECK_EQ(pthread_once(&once, init_routine), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	int i;

	for (i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, racer, NULL), 0);
	for (i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(runs, 1);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
