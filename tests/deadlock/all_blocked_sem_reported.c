/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_sem_reported.c - "consumer" waits on a semaphore that
 * nobody posts (the producer was never started), and main joins it: every
 * thread is blocked, an all-threads-blocked error. A handler for a fault
 * (SIGSEGV), and one for SIGUSR1 taken away again, cannot post it: they
 * change nothing.
 *
 * EXPECT options=watchdog_ms=200:on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=all-threads-blocked severity=error lines=@down,@join threads=main,consumer objects=items
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>

#include "dl.h"

static sem_t items;

static void on_signal(int sig)
{
	(void)sig;
}

static void *consumer(void *arg)
{
	(void)arg;
	sem_wait(&items); /* @down */
	fprintf(stderr, "NOT REACHED: got an item\n");
	exit(1);
}

int main(void)
{
	struct dl_thread c;

	dl_bound(3);
	CHECK_EQ(pthread_setname_np(pthread_self(), "main"), 0);
	CHECK_EQ(sem_init(&items, 0, 0), 0);
	CHECK(signal(SIGSEGV, on_signal) != SIG_ERR);
	CHECK(signal(SIGUSR1, on_signal) != SIG_ERR);
	CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
	dl_spawn(&c, "consumer", consumer, NULL);
	pthread_join(c.th, NULL); /* @join */
	fprintf(stderr, "NOT REACHED: consumer returned\n");
	return 1;
}
