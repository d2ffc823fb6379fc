/* SPDX-License-Identifier: MIT */
/*
 * c11_recursive_silent.c - an mtx_recursive mutex re-locked by its owner
 * (mtx_lock, mtx_trylock, mtx_timedlock) is fine, as is a recursive
 * timed one; nested inside them another mutex is always taken in the
 * same order. The holds are counted: after the last unlock the thread
 * holds nothing when it ends. Nothing is reported.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <threads.h>

#include "prim.h"

static mtx_t rec;
static mtx_t rec_timed;
static mtx_t inner;

static int relock(void *arg)
{
	struct timespec ts;
	int i;

	(void)arg;
	for (i = 0; i < 100; i++) {
		CHECK_EQ(mtx_lock(&rec), thrd_success);
		CHECK_EQ(mtx_lock(&rec), thrd_success);
		CHECK_EQ(mtx_trylock(&rec), thrd_success);
		CHECK_EQ(mtx_lock(&inner), thrd_success);
		CHECK_EQ(mtx_unlock(&inner), thrd_success);
		CHECK_EQ(mtx_unlock(&rec), thrd_success);
		CHECK_EQ(mtx_unlock(&rec), thrd_success);
		CHECK_EQ(mtx_lock(&inner), thrd_success);
		CHECK_EQ(mtx_unlock(&inner), thrd_success);
		CHECK_EQ(mtx_unlock(&rec), thrd_success);

		ts = deadline(1000);
		CHECK_EQ(mtx_timedlock(&rec_timed, &ts), thrd_success);
		CHECK_EQ(mtx_timedlock(&rec_timed, &ts), thrd_success);
		CHECK_EQ(mtx_lock(&rec_timed), thrd_success);
		CHECK_EQ(mtx_lock(&inner), thrd_success);
		CHECK_EQ(mtx_unlock(&inner), thrd_success);
		CHECK_EQ(mtx_unlock(&rec_timed), thrd_success);
		CHECK_EQ(mtx_unlock(&rec_timed), thrd_success);
		CHECK_EQ(mtx_unlock(&rec_timed), thrd_success);
	}
	return 0;
}

int main(void)
{
	thrd_t t[3];
	int i;

	CHECK_EQ(mtx_init(&rec, mtx_plain | mtx_recursive), thrd_success);
	CHECK_EQ(mtx_init(&rec_timed, mtx_timed | mtx_recursive),
		 thrd_success);
	CHECK_EQ(mtx_init(&inner, mtx_plain), thrd_success);
	for (i = 0; i < 3; i++)
		CHECK_EQ(thrd_create(&t[i], relock, NULL), thrd_success);
	for (i = 0; i < 3; i++)
		CHECK_EQ(thrd_join(t[i], NULL), thrd_success);
	relock(NULL);
	mtx_destroy(&rec);
	mtx_destroy(&rec_timed);
	mtx_destroy(&inner);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
