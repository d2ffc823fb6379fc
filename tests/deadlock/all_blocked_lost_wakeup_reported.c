/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_lost_wakeup_reported.c - a lost wake-up: main signals
 * wakeup before anyone waits, then "waiter" waits with no predicate and
 * main joins it. No lock cycle, but nothing left running can wake either
 * thread: after watchdog_ms every live thread is blocked in an untimed
 * wait, an all-threads-blocked error naming both and where each waits.
 *
 * EXPECT options=watchdog_ms=200:on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=all-threads-blocked severity=error lines=@wait,@join threads=main,waiter objects=wakeup
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wakeup = PTHREAD_COND_INITIALIZER;

static void *waiter(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	pthread_cond_wait(&wakeup, &lock); /* @wait */
	fprintf(stderr, "NOT REACHED: woken\n");
	exit(1);
}

int main(void)
{
	struct dl_thread w;

	dl_bound(3);
	CHECK_EQ(pthread_setname_np(pthread_self(), "main"), 0);
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	CHECK_EQ(pthread_cond_signal(&wakeup), 0); /* nobody waits yet */
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	dl_spawn(&w, "waiter", waiter, NULL);
	pthread_join(w.th, NULL); /* @join */
	fprintf(stderr, "NOT REACHED: waiter returned\n");
	return 1;
}
