/* SPDX-License-Identifier: MIT */
/*
 * single_thread_cycle_warning.c - one thread takes A then B, and later B
 * then A. Alone it cannot deadlock with itself, but any second thread
 * running the same code could: a warning, and the exit status stays 0.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=warning lines=@a1,@b1,@b2,@a2 threads=lonely objects=lock_a,lock_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void a_then_b(void)
{
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
}

static void b_then_a(void)
{
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
}

static void *lonely(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "lonely");
	a_then_b();
	CHECK_EQ(preload_reports(), 0);
	b_then_a();
	CHECK_EQ(preload_reports(), 1);
	a_then_b();
	b_then_a();
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(coffman_error_count(), 0);
	return NULL;
}

int main(void)
{
	run_thread(lonely, NULL);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
