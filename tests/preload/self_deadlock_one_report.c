/* SPDX-License-Identifier: MIT */
/*
 * self_deadlock_one_report.c - the main thread locks a default mutex it
 * holds: it waits for itself, and is the only thread. The self-deadlock
 * is reported once, when it forms; the watchdog's all-threads-blocked and
 * hold-and-wait checks do not report the same hang again. on_deadlock=
 * report, so the program really hangs: alarm() ends it, its handler
 * calling _exit (the report makes the status 66).
 *
 * EXPECT options=watchdog_ms=100:hold_wait_ms=100
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=self-deadlock severity=error lines=@first,@again threads=main objects=lock
 */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "check.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void ring(int sig)
{
	(void)sig;
	_exit(0);
}

int main(void)
{
	pthread_setname_np(pthread_self(), "main");
	signal(SIGALRM, ring);
	alarm(1);
	CHECK_EQ(pthread_mutex_lock(&lock), 0); /* @first */
	pthread_mutex_lock(&lock);		/* @again */
	return 0;
}
