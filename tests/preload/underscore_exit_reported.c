/* SPDX-License-Identifier: MIT */
/*
 * underscore_exit_reported.c - a program that makes an inversion and ends
 * with _exit(0) (or _Exit(0) with the argument "Exit") skips atexit and
 * destructors, yet its exit status still becomes 66 and the report is in
 * the JSON file.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=lock_a,lock_b
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *a_then_b(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "first");
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "second");
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

int main(int argc, char **argv)
{
	run_thread(a_then_b, NULL);
	run_thread(b_then_a, NULL);
	CHECK_EQ(preload_reports(), 1);
	if (argc > 1 && strcmp(argv[1], "Exit") == 0)
		_Exit(0);
	_exit(0);
}
