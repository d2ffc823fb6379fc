/* SPDX-License-Identifier: MIT */
/*
 * dl.h - helpers for the tests of issue 4 (actual deadlocks, all threads
 * blocked, hold-and-wait, starvation, livelock), on top of
 * tests/preload/check.h: named threads, sleeps and deadlines.
 */
#ifndef COFFMAN_TEST_DL_H
#define COFFMAN_TEST_DL_H

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

struct dl_thread {
	pthread_t th;
	const char *name;
	void *(*fn)(void *);
	void *arg;
};

static inline void *dl_start(void *p)
{
	struct dl_thread *d = p;

	/* Named from inside: the runtime knows the thread by then. */
	CHECK_EQ(pthread_setname_np(pthread_self(), d->name), 0);
	return d->fn(d->arg);
}

/* Start fn(arg) in a new thread called name; d must outlive the thread. */
static inline void dl_spawn(struct dl_thread *d, const char *name,
			    void *(*fn)(void *), void *arg)
{
	d->name = name;
	d->fn = fn;
	d->arg = arg;
	CHECK_EQ(pthread_create(&d->th, NULL, dl_start, d), 0);
}

static inline void dl_join(struct dl_thread *d)
{
	CHECK_EQ(pthread_join(d->th, NULL), 0);
}

/* Threads "left" and "right", both joined. */
static inline void dl_run_pair(void *(*left)(void *), void *(*right)(void *))
{
	struct dl_thread l, r;

	dl_spawn(&l, "left", left, NULL);
	dl_spawn(&r, "right", right, NULL);
	dl_join(&l);
	dl_join(&r);
}

/* Threads "left" and "right" that must deadlock: the runtime ends the
 * process (or dl_bound() does) before left returns. main's result. */
static inline int dl_run_hung_pair(void *(*left)(void *),
				   void *(*right)(void *))
{
	struct dl_thread l, r;

	dl_spawn(&l, "left", left, NULL);
	dl_spawn(&r, "right", right, NULL);
	dl_join(&l);
	fprintf(stderr, "NOT REACHED: left returned\n");
	return 1;
}

/* nanosleep is no sync wait: a sleeping thread is not blocked. */
static inline void dl_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

static inline long long dl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* An absolute CLOCK_REALTIME time ms milliseconds from now. */
static inline struct timespec dl_deadline(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

/* pthread_barrier_wait's serial thread gets a non-zero success value. */
static inline void dl_barrier_wait(pthread_barrier_t *b)
{
	int rc = pthread_barrier_wait(b);

	if (rc != PTHREAD_BARRIER_SERIAL_THREAD)
		CHECK_EQ(rc, 0);
}

/* A test that ends in abort() must not leave a core file behind. */
static inline void dl_no_core(void)
{
	struct rlimit rl = { 0, 0 };

	CHECK_EQ(setrlimit(RLIMIT_CORE, &rl), 0);
}

/*
 * A program that really hangs relies on the runtime to end it; if the
 * runtime misses the hang, SIGALRM's default action kills it after
 * 'seconds' instead of the ctest timeout (the harness then reports the
 * signal as the exit status). No handler: a handler may post a semaphore,
 * so installing one would tell the runtime that a semaphore wait can
 * still end.
 */
static inline void dl_bound(unsigned seconds)
{
	CHECK(signal(SIGALRM, SIG_DFL) != SIG_ERR);
	alarm(seconds);
}

static inline void dl_too_late(int sig)
{
	static const char msg[] = "too late: no deadlock report within 1 s\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(4);
	_exit(3);
}

/*
 * For the tests that a deadlock is reported as it forms: call
 * dl_prompt_handler() at the start, dl_prompt_arm() just before the wait
 * that closes the cycle. Unless the runtime has reported and ended the
 * process (on_deadlock=exit) within a second, it ends with status 3 and
 * "too late" on stderr.
 */
static inline void dl_prompt_handler(void)
{
	CHECK(signal(SIGALRM, dl_too_late) != SIG_ERR);
}

static inline void dl_prompt_arm(void)
{
	struct itimerval one_second;

	memset(&one_second, 0, sizeof(one_second));
	one_second.it_value.tv_sec = 1;
	CHECK_EQ(setitimer(ITIMER_REAL, &one_second, NULL), 0);
}

#endif /* COFFMAN_TEST_DL_H */
