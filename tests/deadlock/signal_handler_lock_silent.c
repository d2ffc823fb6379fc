/* SPDX-License-Identifier: MIT */
/*
 * signal_handler_lock_silent.c - a signal handler that takes one of the
 * program's mutexes (profilers' handlers do, and ThreadSanitizer's
 * signal_in_mutex_lock test): SIGPROF comes every 100 us of CPU time to
 * main, which spends its time in the runtime's slow paths (a new mutex
 * each round: a new object and a new nesting), while "holder" (which
 * blocks SIGPROF) keeps the handler's mutex around slow paths of its own.
 * The runtime holds locks of its own in those paths; a handler that ran
 * there would wait for holder, which would wait for that lock: a deadlock
 * the program without the runtime cannot have. Those signals wait until
 * the runtime lets go of its locks. The program ends, silent.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <signal.h>
#include <sys/time.h>

#include "dl.h"

static pthread_mutex_t handler_mutex = PTHREAD_MUTEX_INITIALIZER;
static volatile long handled;
static volatile int stop;

static void on_prof(int sig)
{
	(void)sig;
	pthread_mutex_lock(&handler_mutex);
	handled++;
	pthread_mutex_unlock(&handler_mutex);
}

/* A mutex new to the runtime, in a nesting new to it. */
static void churn(pthread_mutex_t *outer)
{
	pthread_mutex_t m;

	CHECK_EQ(pthread_mutex_init(&m, NULL), 0);
	if (outer)
		CHECK_EQ(pthread_mutex_lock(outer), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	if (outer)
		CHECK_EQ(pthread_mutex_unlock(outer), 0);
	CHECK_EQ(pthread_mutex_destroy(&m), 0);
}

static void *holder(void *arg)
{
	sigset_t prof;

	(void)arg;
	sigemptyset(&prof);
	sigaddset(&prof, SIGPROF);
	CHECK_EQ(pthread_sigmask(SIG_BLOCK, &prof, NULL), 0);
	while (!stop) {
		CHECK_EQ(pthread_mutex_lock(&handler_mutex), 0);
		churn(NULL);
		CHECK_EQ(pthread_mutex_unlock(&handler_mutex), 0);
	}
	return NULL;
}

int main(void)
{
	struct itimerval often = { { 0, 100 }, { 0, 100 } }, off;
	static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
	struct sigaction sa;
	struct dl_thread h;
	long long end;

	dl_bound(8);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_prof;
	sa.sa_flags = SA_RESTART;
	CHECK_EQ(sigaction(SIGPROF, &sa, NULL), 0);
	dl_spawn(&h, "holder", holder, NULL);
	CHECK_EQ(setitimer(ITIMER_PROF, &often, NULL), 0);
	for (end = dl_now_ms() + 1500; dl_now_ms() < end;)
		churn(&outer);
	memset(&off, 0, sizeof(off));
	CHECK_EQ(setitimer(ITIMER_PROF, &off, NULL), 0);
	stop = 1;
	dl_join(&h);
	CHECK(handled > 0);
	return 0;
}
