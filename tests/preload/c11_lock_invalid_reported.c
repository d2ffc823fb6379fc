/* SPDX-License-Identifier: MIT */
/*
 * c11_lock_invalid_reported.c - C11's mtx_lock and mtx_trylock of a mutex
 * destroyed before: glibc refuses both (thrd_error), as for
 * pthread_mutex_lock (lock_invalid_reported), and each is an
 * invalid-object error.
 *
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=invalid-object severity=error lines=@lock
 * EXPECT report kind=invalid-object severity=error lines=@try
 */
#include <threads.h>

#include "check.h"

int main(void)
{
	mtx_t gone;

	CHECK_EQ(mtx_init(&gone, mtx_plain), thrd_success);
	CHECK_EQ(mtx_lock(&gone), thrd_success);
	CHECK_EQ(mtx_unlock(&gone), thrd_success);
	mtx_destroy(&gone);
	CHECK_EQ(mtx_lock(&gone), thrd_error); /* @lock */
	CHECK_EQ(mtx_trylock(&gone), thrd_error); /* @try */
	return 0;
}
