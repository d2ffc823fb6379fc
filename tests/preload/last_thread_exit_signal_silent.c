/* SPDX-License-Identifier: MIT */
/*
 * last_thread_exit_signal_silent.c - main ends with pthread_exit, and the
 * process exits when its last thread does. The runtime's own thread keeps
 * the process alive and exits it in the last thread's place; an exit
 * handler that sends the process a signal must have it delivered there
 * and then, as without the runtime (it was held pending, blocked by the
 * runtime thread's mask, and lost at exit).
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

static void on_usr1(int sig)
{
	(void)sig;
	_exit(0); /* delivered: the expected end */
}

static void at_exit(void)
{
	CHECK(signal(SIGUSR1, on_usr1) != SIG_ERR);
	kill(getpid(), SIGUSR1);
	_exit(3); /* still pending: not delivered as it would have been */
}

static void *last(void *main_thread)
{
	CHECK_EQ(pthread_join((pthread_t)main_thread, NULL), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;

	CHECK_EQ(atexit(at_exit), 0);
	CHECK_EQ(pthread_create(&t, NULL, last, (void *)pthread_self()), 0);
	pthread_exit(NULL);
}
