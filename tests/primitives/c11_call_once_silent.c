/* SPDX-License-Identifier: MIT */
/*
 * c11_call_once_silent.c - eight C11 threads race on one call_once whose
 * routine takes a mutex (once -> m); later every thread takes m and calls
 * call_once again, which is done by then and cannot wait. The routine
 * runs exactly once; nothing is reported.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <threads.h>

#include "prim.h"

#define THREADS 8

static once_flag once = ONCE_FLAG_INIT;
static mtx_t m;
static int runs;
static int started;

static void init_routine(void)
{
	struct timespec pause = { 0, 5000000 };

	CHECK_EQ(mtx_lock(&m), thrd_success);
	runs++;
	CHECK_EQ(mtx_unlock(&m), thrd_success);
	thrd_sleep(&pause, NULL); /* let the others pile up on the once */
}

static int racer(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&started, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&started, __ATOMIC_SEQ_CST) < THREADS)
		thrd_yield();
	call_once(&once, init_routine);
	CHECK_EQ(mtx_lock(&m), thrd_success);
	CHECK_EQ(runs, 1);
	call_once(&once, init_routine); /* done: returns at once */
	CHECK_EQ(mtx_unlock(&m), thrd_success);
	return 0;
}

int main(void)
{
	thrd_t t[THREADS];
	int i;

	CHECK_EQ(mtx_init(&m, mtx_plain), thrd_success);
	for (i = 0; i < THREADS; i++)
		CHECK_EQ(thrd_create(&t[i], racer, NULL), thrd_success);
	for (i = 0; i < THREADS; i++)
		CHECK_EQ(thrd_join(t[i], NULL), thrd_success);
	CHECK_EQ(runs, 1);
	mtx_destroy(&m);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
