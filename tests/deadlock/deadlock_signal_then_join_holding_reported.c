/* SPDX-License-Identifier: MIT */
/*
 * deadlock_signal_then_join_holding_reported.c - main takes the mutex,
 * sets the flag, signals the condvar and joins the waiter while still
 * holding the mutex. The waiter wakes inside pthread_cond_wait and must
 * take the mutex again before it can return: it waits for main, main
 * waits for it. A deadlock the moment main joins, naming both lines.
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

int main(void)
{
	struct dl_thread w;
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
	flag = 1;
	CHECK_EQ(pthread_cond_signal(&ready), 0);
	pthread_join(w.th, NULL); /* @join */
	fprintf(stderr, "NOT REACHED: joined\n");
	return 1;
}
