/* SPDX-License-Identifier: MIT */
/*
 * async_cancel_mutex_wait_silent.c - a thread whose cancel type is
 * asynchronous waits for a mutex main holds; main cancels it and joins
 * it. glibc acts on an asynchronous cancel wherever the thread is, in a
 * mutex wait too (not async-cancel-safe by POSIX, but it works), so the
 * join returns: no deadlock, although for a while main waits for the
 * thread and the thread, as far as the runtime saw, for main's mutex
 * (its cleanup handler takes 200 ms to end it).
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <pthread.h>
#include <time.h>

#include "check.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t b;

static void slow_cleanup(void *arg)
{
	struct timespec t = { 0, 200 * 1000000L };

	(void)arg;
	nanosleep(&t, NULL);
}

static void *waiter(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL), 0);
	pthread_cleanup_push(slow_cleanup, NULL);
	pthread_barrier_wait(&b);
	pthread_mutex_lock(&m); /* cancelled here */
	pthread_cleanup_pop(0);
	return NULL;
}

int main(void)
{
	struct timespec t = { 0, 100 * 1000000L };
	pthread_t th;
	void *res;

	CHECK_EQ(pthread_barrier_init(&b, NULL, 2), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_create(&th, NULL, waiter, NULL), 0);
	pthread_barrier_wait(&b);
	nanosleep(&t, NULL); /* the thread waits for m by now */
	CHECK_EQ(pthread_cancel(th), 0);
	CHECK_EQ(pthread_join(th, &res), 0);
	CHECK(res == PTHREAD_CANCELED);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_barrier_destroy(&b), 0);
	return 0;
}
