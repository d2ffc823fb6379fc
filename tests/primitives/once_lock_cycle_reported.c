/* SPDX-License-Identifier: MIT */
/*
 * once_lock_cycle_reported.c - the init routine of a once takes mutex m
 * (once -> m), and another thread calls pthread_once while holding m and
 * waits there for the routine to finish (m -> once). Had the waiter
 * taken m before the routine did, neither could go on: a lock-order
 * inversion through the once.
 *
 * Made deterministic and non-hanging: the routine locks and unlocks m
 * first, then lets the waiter go; the waiter takes m and calls
 * pthread_once; the routine returns only once the waiter sleeps in
 * pthread_once (its /proc state is 'S'), so the waiter really waited.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@first,@in_init,@hold_m,@wait_once threads=initializer,waiter objects=once,m
 * EXPECT stderr~=lock-order-inversion
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "prim.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static sem_t go, waiting;
static volatile pid_t waiter_tid;

/* Is thread tid asleep (state S)? */
static int sleeping(pid_t tid)
{
	char path[64], buf[256], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')'); /* the state follows the command name */
	return p && p[1] == ' ' && p[2] == 'S';
}

static void init_routine(void)
{
	int i;

	CHECK_EQ(pthread_mutex_lock(&m), 0); /* @in_init */
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(sem_post(&go), 0);
	CHECK_EQ(sem_wait(&waiting), 0);
	/* The waiter calls pthread_once right after posting 'waiting'. */
	for (i = 0; i < 5000 && !sleeping(waiter_tid); i++)
		usleep(1000);
	usleep(20000);
}

static void initializer(void)
{
	CHECK_EQ(pthread_once(&once, init_routine), 0); /* @first */
}

static void *initializer_thread(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "initializer"), 0);
	initializer();
	return NULL;
}

static void waiter(void)
{
	waiter_tid = gettid();
	CHECK_EQ(sem_wait(&go), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0); /* @hold_m */
	CHECK_EQ(sem_post(&waiting), 0);
	CHECK_EQ(pthread_once(&once, init_routine), 0); /* @wait_once */
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
}

static void *waiter_thread(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "waiter"), 0);
	waiter();
	return NULL;
}

int main(void)
{
	pthread_t a, b;

	CHECK_EQ(sem_init(&go, 0, 0), 0);
	CHECK_EQ(sem_init(&waiting, 0, 0), 0);
	CHECK_EQ(pthread_create(&b, NULL, waiter_thread, NULL), 0);
	CHECK_EQ(pthread_create(&a, NULL, initializer_thread, NULL), 0);
	CHECK_EQ(pthread_join(a, NULL), 0);
	CHECK_EQ(pthread_join(b, NULL), 0);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
