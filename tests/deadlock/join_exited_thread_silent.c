/* SPDX-License-Identifier: MIT */
/*
 * join_exited_thread_silent.c - main joins a worker; the worker exits.
 * From then on the join is over, even while main has not yet returned
 * from pthread_join: a join of a thread that has exited is no wait, and
 * "every live thread is blocked" is false. Main is made late on purpose:
 * just before it exits, the worker sends main a signal whose handler
 * sleeps 300 ms, inside the join, while the watchdog keeps ticking.
 * (Without the handler the window is a scheduling delay: a busy machine
 * that runs main late after its joined thread exited.)
 *
 * EXPECT options=watchdog_ms=50
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <signal.h>
#include <string.h>

#include "dl.h"

#define WORKER_MS  100 /* longer than watchdog_ms: main's join is long */
#define HANDLER_MS 300 /* main's delay after the worker exited */

static pthread_t main_thread;
static volatile sig_atomic_t handled;

static void late(int sig)
{
	(void)sig;
	dl_sleep_ms(HANDLER_MS); /* nanosleep: async-signal-safe */
	handled = 1;
}

static void *worker(void *arg)
{
	(void)arg;
	dl_sleep_ms(WORKER_MS); /* main is in pthread_join by now */
	CHECK_EQ(pthread_kill(main_thread, SIGUSR1), 0);
	return NULL;
}

int main(void)
{
	struct sigaction sa;
	struct dl_thread w;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = late;
	sa.sa_flags = SA_RESTART;
	sigemptyset(&sa.sa_mask);
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	main_thread = pthread_self();
	dl_spawn(&w, "worker", worker, NULL);
	dl_join(&w);
	CHECK_EQ(handled, 1);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
