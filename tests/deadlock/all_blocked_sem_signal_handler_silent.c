/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_sem_signal_handler_silent.c - the only thread waits on a
 * semaphore that a SIGALRM handler posts (sem_post is async-signal-safe:
 * the classic way to wake a thread from a handler). For longer than the
 * watchdog's threshold every thread is blocked, but a signal can still
 * end the wait: no report.
 *
 * EXPECT options=watchdog_ms=100:on_deadlock=exit
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "dl.h"

static sem_t wake;

static void on_alarm(int sig)
{
	(void)sig;
	sem_post(&wake);
}

int main(void)
{
	struct itimerval it;
	struct sigaction sa;

	dl_bound(5);
	CHECK_EQ(sem_init(&wake, 0, 0), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
#ifndef SAME_STRUCT
	CHECK_EQ(sigaction(SIGALRM, &sa, NULL), 0);
#else
	/* one struct for the new action and the old one (SIG_DFL) */
	CHECK_EQ(sigaction(SIGALRM, &sa, &sa), 0);
	CHECK(sa.sa_handler == SIG_DFL);
#endif
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 400 * 1000;
	CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	while (sem_wait(&wake) != 0)
		CHECK_EQ(errno, EINTR);
	return 0;
}
