/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_signal_one_of_two_reported.c - two threads wait on one
 * condvar for a flag; "signaler" sets it and calls pthread_cond_signal
 * once, which wakes one of them. The other sleeps on, and main joins it:
 * a lost wake-up (broadcast was needed). After watchdog_ms every live
 * thread is blocked in an untimed wait: an all-threads-blocked error
 * naming the waiter left and main. Which waiter glibc wakes is its own
 * choice, so the one named is found at run time.
 *
 * EXPECT options=watchdog_ms=200:on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=all-threads-blocked severity=error lines=@wait,@join objects=ready
 * EXPECT stderr~=waits on condvar ready at
 * EXPECT stderr~="main" (tid
 * EXPECT stderr~=) joins thread T
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int flag, waiting, woken = -1;

static void *waiter(void *arg)
{
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	waiting++;
	while (!flag)
		CHECK_EQ(pthread_cond_wait(&ready, &lock), 0); /* @wait */
	woken = (int)(long)arg;
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	return NULL;
}

static void *signaler(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	flag = 1;
	CHECK_EQ(pthread_cond_signal(&ready), 0); /* one of two */
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	return NULL;
}

int main(void)
{
	struct dl_thread w[2], s;
	int n;

	dl_bound(5);
	CHECK_EQ(pthread_setname_np(pthread_self(), "main"), 0);
	dl_spawn(&w[0], "waiter-a", waiter, (void *)0L);
	dl_spawn(&w[1], "waiter-b", waiter, (void *)1L);
	do { /* both asleep on ready before the signal */
		dl_sleep_ms(5);
		CHECK_EQ(pthread_mutex_lock(&lock), 0);
		n = waiting;
		CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	} while (n < 2);
	dl_spawn(&s, "signaler", signaler, NULL);
	dl_join(&s);
	do { /* one of them woke */
		dl_sleep_ms(5);
		CHECK_EQ(pthread_mutex_lock(&lock), 0);
		n = woken;
		CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	} while (n < 0);
	dl_join(&w[n]);
	pthread_join(w[1 - n].th, NULL); /* @join */
	fprintf(stderr, "NOT REACHED: both woke\n");
	return 1;
}
