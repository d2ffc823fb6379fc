/* SPDX-License-Identifier: MIT */
/*
 * demo.h - the few helpers every demo shares (checked calls, sleeping,
 * deadlines, thread names), so that each demo's own file shows its one idea.
 */
#ifndef COFFMAN_DEMO_H
#define COFFMAN_DEMO_H

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * CHECK(call) is for functions that return 0 or an errno value, as every
 * pthread_* function does. CHECK_SYS(call) is for functions that return -1
 * and set errno, as sem_* and clock_* do. On failure both print the call,
 * its file:line and the reason to stderr, and exit with status 1: a demo
 * that carried on after a failed lock call would teach the wrong lesson.
 */
#define CHECK(call) demo_check((call), #call, __FILE__, __LINE__)
#define CHECK_SYS(call) \
	demo_check((call) == -1 ? errno : 0, #call, __FILE__, __LINE__)

static inline void demo_check(int err, const char *what, const char *file,
			      int line)
{
	if (err == 0)
		return;
	fprintf(stderr, "%s:%d: %s: %s\n", file, line, what, strerror(err));
	exit(1);
}

/*
 * Make stdout line-buffered even into a pipe, so that the demo's lines and
 * coffman's reports (on stderr) come out in the order they happened, and a
 * --hang run killed by timeout(1) has already shown what it printed.
 */
static inline void demo_line_buffered(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/* Name the calling thread; coffman's reports show the name. */
static inline void demo_name_self(const char *name)
{
	CHECK(pthread_setname_np(pthread_self(), name));
}

/* pthread_barrier_wait returns a non-zero success value to one thread. */
static inline void demo_barrier_wait(pthread_barrier_t *b)
{
	int rc = pthread_barrier_wait(b);

	if (rc != PTHREAD_BARRIER_SERIAL_THREAD)
		CHECK(rc);
}

/* Sleep for 'us' microseconds, resuming after a signal. */
static inline void demo_sleep_us(long us)
{
	struct timespec ts = { us / 1000000, us % 1000000 * 1000 };

	while (nanosleep(&ts, &ts) == -1)
		if (errno != EINTR)
			CHECK(errno);
}

static inline void demo_sleep_ms(long ms)
{
	demo_sleep_us(ms * 1000);
}

/* Monotonic time in milliseconds, for measuring how long a wait took. */
static inline long long demo_now_ms(void)
{
	struct timespec ts;

	CHECK_SYS(clock_gettime(CLOCK_MONOTONIC, &ts));
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The absolute CLOCK_REALTIME time 'ms' milliseconds from now: the deadline
 * pthread_mutex_timedlock, pthread_cond_timedwait and friends expect.
 */
static inline struct timespec demo_deadline(long ms)
{
	struct timespec ts;

	CHECK_SYS(clock_gettime(CLOCK_REALTIME, &ts));
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += ms % 1000 * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	return ts;
}

#endif /* COFFMAN_DEMO_H */
