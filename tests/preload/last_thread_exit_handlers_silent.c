/* SPDX-License-Identifier: MIT */
/*
 * last_thread_exit_handlers_silent.c - main ends with pthread_exit, and
 * the process exits when its last thread does: glibc runs the exit
 * handlers in that last thread, right away. Under the runtime, whose own
 * thread would otherwise outlive it, they must still run there: same
 * pthread_self(), same thread-local variables.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

static __thread int mine;
static pthread_t last_thread;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void at_exit(void)
{
	/* In the last thread, as it ended: not in some other thread. */
	if (!pthread_equal(pthread_self(), last_thread) || mine != 42)
		_exit(3);
}

static void *last(void *main_thread)
{
	CHECK_EQ(pthread_join((pthread_t)main_thread, NULL), 0);
	mine = 42;
	last_thread = pthread_self();
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;

	CHECK_EQ(atexit(at_exit), 0);
	CHECK_EQ(pthread_create(&t, NULL, last, (void *)pthread_self()), 0);
	pthread_exit(NULL);
}
