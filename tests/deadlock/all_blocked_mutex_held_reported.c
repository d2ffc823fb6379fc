/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_mutex_held_reported.c - the twin of
 * all_blocked_woken_starved_silent: "taker" holds the mutex and waits on
 * a semaphore that nobody posts, "late" waits for the mutex, and main
 * joins late. late's mutex is held by a blocked thread, not free: every
 * thread is blocked for good, an all-threads-blocked error.
 *
 * taker holds m while it waits: hold_wait_ms is far longer than the
 * watchdog's check may take on a loaded machine, so that the one report
 * is the error.
 *
 * EXPECT options=watchdog_ms=200:on_deadlock=exit:hold_wait_ms=30000
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=all-threads-blocked severity=error lines=@down,@need,@join threads=main,taker,late objects=never,m
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>
#include <semaphore.h>

#include "dl.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static sem_t never, taken;

static void *taker(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(sem_post(&taken), 0);
	sem_wait(&never); /* @down */
	fprintf(stderr, "NOT REACHED: never was posted\n");
	exit(1);
}

static void *late(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&m); /* @need */
	fprintf(stderr, "NOT REACHED: late got the mutex\n");
	exit(1);
}

int main(void)
{
	struct dl_thread t, l;

	dl_bound(3);
	CHECK_EQ(pthread_setname_np(pthread_self(), "main"), 0);
	CHECK_EQ(sem_init(&never, 0, 0), 0);
	CHECK_EQ(sem_init(&taken, 0, 0), 0);
	dl_spawn(&t, "taker", taker, NULL);
	CHECK_EQ(sem_wait(&taken), 0);
	dl_spawn(&l, "late", late, NULL);
	pthread_join(l.th, NULL); /* @join */
	fprintf(stderr, "NOT REACHED: late returned\n");
	return 1;
}
