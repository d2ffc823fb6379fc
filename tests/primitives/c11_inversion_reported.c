/* SPDX-License-Identifier: MIT */
/*
 * c11_inversion_reported.c - C11 <threads.h>: glibc's mtx_* and thrd_*
 * do not go through the pthread_* entry points, and the runtime
 * interposes them too. Two mtx_t taken in opposite orders by two threads
 * made with thrd_create (run one after the other, joined with thrd_join)
 * are reported. C11 threads have no names: lines and objects are checked.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 objects=mtx_a,mtx_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <threads.h>

#include "check.h"

static mtx_t mtx_a;
static mtx_t mtx_b;

static int a_then_b(void *arg)
{
	(void)arg;
	CHECK_EQ(mtx_lock(&mtx_a), thrd_success); /* @a1 */
	CHECK_EQ(mtx_lock(&mtx_b), thrd_success); /* @b1 */
	CHECK_EQ(mtx_unlock(&mtx_b), thrd_success);
	CHECK_EQ(mtx_unlock(&mtx_a), thrd_success);
	return 7;
}

static int b_then_a(void *arg)
{
	(void)arg;
	CHECK_EQ(mtx_lock(&mtx_b), thrd_success); /* @b2 */
	CHECK_EQ(mtx_lock(&mtx_a), thrd_success); /* @a2 */
	CHECK_EQ(mtx_unlock(&mtx_a), thrd_success);
	CHECK_EQ(mtx_unlock(&mtx_b), thrd_success);
	return 8;
}

static void run_c11(thrd_start_t fn, int expect)
{
	thrd_t t;
	int res = 0;

	CHECK_EQ(thrd_create(&t, fn, NULL), thrd_success);
	CHECK_EQ(thrd_join(t, &res), thrd_success);
	CHECK_EQ(res, expect);
}

int main(void)
{
	CHECK_EQ(mtx_init(&mtx_a, mtx_plain), thrd_success);
	CHECK_EQ(mtx_init(&mtx_b, mtx_plain), thrd_success);
	run_c11(a_then_b, 7);
	CHECK_EQ(preload_reports(), 0);
	run_c11(b_then_a, 8);
	CHECK_EQ(preload_reports(), 1);
	mtx_destroy(&mtx_a);
	mtx_destroy(&mtx_b);
	return 0;
}
