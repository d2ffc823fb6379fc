/* SPDX-License-Identifier: MIT */
/*
 * deadlock_signal_wakes_into_cycle_reported.c - main holds the mutex and
 * joins "waiter", asleep on a condvar; only then does "signaler" signal
 * it. The woken waiter must take the mutex again, which main holds while
 * it waits for the waiter: the signal closes the cycle, and the deadlock
 * is reported then, not at the join (nothing was wrong yet).
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@wait,@lock,@join threads=main,waiter objects=lock
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int flag, waiting;

static void *waiter(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	waiting = 1;
	while (!flag)
		CHECK_EQ(pthread_cond_wait(&ready, &lock), 0); /* @wait */
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	return NULL;
}

static void *signaler(void *arg)
{
	(void)arg;
	dl_sleep_ms(100); /* main joins first */
	flag = 1; /* no lock: main holds it for good */
	CHECK_EQ(pthread_cond_signal(&ready), 0);
	return NULL;
}

int main(void)
{
	struct dl_thread w, s;
	int n;

	dl_bound(5);
	CHECK_EQ(pthread_setname_np(pthread_self(), "main"), 0);
	dl_spawn(&w, "waiter", waiter, NULL);
	do { /* the waiter asleep on ready */
		dl_sleep_ms(5);
		CHECK_EQ(pthread_mutex_lock(&lock), 0);
		n = waiting;
		CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	} while (!n);
	CHECK_EQ(pthread_mutex_lock(&lock), 0); /* @lock */
	dl_spawn(&s, "signaler", signaler, NULL);
	pthread_join(w.th, NULL); /* @join */
	fprintf(stderr, "NOT REACHED: joined\n");
	return 1;
}
