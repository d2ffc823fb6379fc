/* SPDX-License-Identifier: MIT */
/*
 * c11_cnd_silent.c - a C11 producer/consumer: mtx_t and cnd_t with
 * cnd_wait, cnd_timedwait (some of them timing out), cnd_signal and
 * cnd_broadcast, threads from thrd_create, one of them detached. Used
 * correctly: nothing is reported.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <threads.h>

#include "prim.h"

#define ITEMS 5000
#define SLOTS 4

static mtx_t m;
static cnd_t not_empty, not_full, finished;
static int buf[SLOTS], count, head, tail;
static long sum;
static int done_detached;

static int producer(void *arg)
{
	int i;

	(void)arg;
	for (i = 1; i <= ITEMS; i++) {
		CHECK_EQ(mtx_lock(&m), thrd_success);
		while (count == SLOTS)
			CHECK_EQ(cnd_wait(&not_full, &m), thrd_success);
		buf[tail] = i;
		tail = (tail + 1) % SLOTS;
		count++;
		CHECK_EQ(cnd_signal(&not_empty), thrd_success);
		CHECK_EQ(mtx_unlock(&m), thrd_success);
	}
	return 0;
}

static int consumer(void *arg)
{
	int i, rc;

	(void)arg;
	for (i = 0; i < ITEMS; i++) {
		CHECK_EQ(mtx_lock(&m), thrd_success);
		while (count == 0) {
			/* Short timeouts: some of these time out. */
			struct timespec ts = deadline(1);

			rc = cnd_timedwait(&not_empty, &m, &ts);
			CHECK(rc == thrd_success || rc == thrd_timedout);
		}
		sum += buf[head];
		head = (head + 1) % SLOTS;
		count--;
		CHECK_EQ(cnd_broadcast(&not_full), thrd_success);
		CHECK_EQ(mtx_unlock(&m), thrd_success);
	}
	return 0;
}

static int detached(void *arg)
{
	(void)arg;
	CHECK_EQ(mtx_lock(&m), thrd_success);
	done_detached = 1;
	CHECK_EQ(cnd_signal(&finished), thrd_success);
	CHECK_EQ(mtx_unlock(&m), thrd_success);
	return 0;
}

int main(void)
{
	thrd_t p, c, d;
	struct timespec ts;

	CHECK_EQ(mtx_init(&m, mtx_plain), thrd_success);
	CHECK_EQ(cnd_init(&not_empty), thrd_success);
	CHECK_EQ(cnd_init(&not_full), thrd_success);
	CHECK_EQ(cnd_init(&finished), thrd_success);
	CHECK_EQ(thrd_create(&c, consumer, NULL), thrd_success);
	CHECK_EQ(thrd_create(&p, producer, NULL), thrd_success);
	CHECK_EQ(thrd_join(p, NULL), thrd_success);
	CHECK_EQ(thrd_join(c, NULL), thrd_success);
	CHECK_EQ(sum, (long)ITEMS * (ITEMS + 1) / 2);

	CHECK_EQ(mtx_lock(&m), thrd_success);
	CHECK_EQ(thrd_create(&d, detached, NULL), thrd_success);
	CHECK_EQ(thrd_detach(d), thrd_success);
	while (!done_detached)
		CHECK_EQ(cnd_wait(&finished, &m), thrd_success);
	/* A wait that must time out. */
	ts = deadline(5);
	CHECK_EQ(cnd_timedwait(&finished, &m, &ts), thrd_timedout);
	CHECK_EQ(mtx_unlock(&m), thrd_success);

	cnd_destroy(&not_empty);
	cnd_destroy(&not_full);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
