/* SPDX-License-Identifier: MIT */
/*
 * check.h - assertions for test programs run under the preload. A failed
 * check prints the expression and both values and exits 1 (not 66, so it
 * is never mistaken for coffman's error status).
 */
#ifndef COFFMAN_TEST_CHECK_H
#define COFFMAN_TEST_CHECK_H

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "coffman.h"

#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		long long check_a_ = (long long)(a);                         \
		long long check_b_ = (long long)(b);                         \
		if (check_a_ != check_b_) {                                  \
			fprintf(stderr, "%s:%d: CHECK_EQ(%s, %s): %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, check_a_,         \
				check_b_);                                   \
			exit(1);                                             \
		}                                                            \
	} while (0)

#define CHECK(x) CHECK_EQ(!!(x), 1)

/* Reports so far; fails the test when the runtime is not loaded. */
static inline int preload_reports(void)
{
	int n = coffman_report_count();

	if (n < 0) {
		fprintf(stderr, "libcoffman.so is not loaded\n");
		exit(1);
	}
	return n;
}

/*
 * Run fn(arg) in a new thread and wait for it to end: threads run this way
 * never overlap, so an inverted order among them cannot really hang.
 */
static inline void *run_thread(void *(*fn)(void *), void *arg)
{
	pthread_t t;
	void *ret;

	CHECK_EQ(pthread_create(&t, NULL, fn, arg), 0);
	CHECK_EQ(pthread_join(t, &ret), 0);
	return ret;
}

/*
 * Fork a child that runs fn() and exits with status 0 (which the runtime
 * makes its exitcode, 66, if the child reported an error); returns the
 * child's exit status, -1 if it did not exit.
 */
static inline int run_child(void (*fn)(void))
{
	pid_t pid = fork();
	int status;

	CHECK(pid >= 0);
	if (pid == 0) {
		fn();
		exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * A thread d is making a report that ends in a wait for ever (a destroy
 * glibc makes wait): wait until the runtime has made n reports (5 s at
 * most), check them, then give d's own event a moment to reach the trace
 * (it is written once its report is out) before the caller's exit
 * writes the trace.
 */
static inline void wait_reports_then_settle(int n, int errors)
{
	struct timespec ms = { 0, 1000000L };
	int i;

	for (i = 0; i < 5000 && preload_reports() < n; i++)
		nanosleep(&ms, NULL);
	CHECK_EQ(preload_reports(), n);
	CHECK_EQ(coffman_error_count(), errors);
	for (i = 0; i < 200; i++)
		nanosleep(&ms, NULL);
}

/*
 * Wait (5 s at most) until *flag, read under m, is set: a thread that
 * sets it under m and then waits on a condvar with m is inside its wait
 * once m is free again.
 */
static inline void wait_set_under(pthread_mutex_t *m, const int *flag)
{
	struct timespec ms = { 0, 1000000L };
	int i, up = 0;

	for (i = 0; i < 5000 && !up; i++) {
		CHECK_EQ(pthread_mutex_lock(m), 0);
		up = *flag;
		CHECK_EQ(pthread_mutex_unlock(m), 0);
		nanosleep(&ms, NULL);
	}
	CHECK(up);
}

/*
 * True once thread tid sleeps in a futex wait on a word of the object at
 * obj (size bytes): inside the real wait, after the runtime saw it
 * begin. Read from /proc/self/task/TID/syscall.
 */
static inline int asleep_on(pid_t tid, const void *obj, size_t size)
{
	char path[64], buf[256];
	unsigned long nr, arg;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	ok = fgets(buf, sizeof(buf), f) &&
	     sscanf(buf, "%lu %lx", &nr, &arg) == 2 && nr == SYS_futex &&
	     arg >= (unsigned long)obj && arg < (unsigned long)obj + size;
	fclose(f);
	return ok;
}

#endif /* COFFMAN_TEST_CHECK_H */
