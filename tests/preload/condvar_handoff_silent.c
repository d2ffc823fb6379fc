/* SPDX-License-Identifier: MIT */
/*
 * condvar_handoff_silent.c - a bounded buffer: two producers and two
 * consumers hand items over through queue_lock and two condition
 * variables. Every thread takes its locks in one order, outer_lock ->
 * queue_lock -> stats_lock, including the re-acquisition inside
 * pthread_cond_wait (consumers wait holding outer_lock, which producers
 * never need). No cycle: no report, exit 0.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "check.h"

#define ITEMS 2000 /* per producer */
#define SLOTS 4

static pthread_mutex_t outer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;

static int queue[SLOTS], head, count;	/* under queue_lock */
static int consumed;			/* under queue_lock */
static long produced_sum, consumed_sum; /* under stats_lock */
static int rounds;			/* under outer_lock */

static void *producer(void *arg)
{
	int base = *(int *)arg, i;

	pthread_setname_np(pthread_self(), "producer");
	for (i = 1; i <= ITEMS; i++) {
		CHECK_EQ(pthread_mutex_lock(&queue_lock), 0);
		while (count == SLOTS)
			CHECK_EQ(pthread_cond_wait(&not_full, &queue_lock), 0);
		queue[(head + count++) % SLOTS] = base + i;
		CHECK_EQ(pthread_mutex_lock(&stats_lock), 0);
		produced_sum += base + i;
		CHECK_EQ(pthread_mutex_unlock(&stats_lock), 0);
		CHECK_EQ(pthread_cond_signal(&not_empty), 0);
		CHECK_EQ(pthread_mutex_unlock(&queue_lock), 0);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	int done = 0;

	(void)arg;
	pthread_setname_np(pthread_self(), "consumer");
	while (!done) {
		CHECK_EQ(pthread_mutex_lock(&outer_lock), 0);
		rounds++;
		CHECK_EQ(pthread_mutex_lock(&queue_lock), 0);
		while (count == 0 && consumed < 2 * ITEMS)
			CHECK_EQ(pthread_cond_wait(&not_empty, &queue_lock), 0);
		if (count > 0) {
			int item = queue[head];

			head = (head + 1) % SLOTS;
			count--;
			consumed++;
			CHECK_EQ(pthread_mutex_lock(&stats_lock), 0);
			consumed_sum += item;
			CHECK_EQ(pthread_mutex_unlock(&stats_lock), 0);
			CHECK_EQ(pthread_cond_signal(&not_full), 0);
		}
		if (consumed == 2 * ITEMS) {
			done = 1;
			CHECK_EQ(pthread_cond_broadcast(&not_empty), 0);
		}
		CHECK_EQ(pthread_mutex_unlock(&queue_lock), 0);
		CHECK_EQ(pthread_mutex_unlock(&outer_lock), 0);
	}
	return NULL;
}

int main(void)
{
	static int bases[2] = { 0, 100000 };
	pthread_t p[2], c[2];
	int i;

	for (i = 0; i < 2; i++) {
		CHECK_EQ(pthread_create(&c[i], NULL, consumer, NULL), 0);
		CHECK_EQ(pthread_create(&p[i], NULL, producer, &bases[i]), 0);
	}
	for (i = 0; i < 2; i++) {
		CHECK_EQ(pthread_join(p[i], NULL), 0);
		CHECK_EQ(pthread_join(c[i], NULL), 0);
	}
	CHECK_EQ(consumed, 2 * ITEMS);
	CHECK_EQ(consumed_sum, produced_sum);
	CHECK(rounds >= 2 * ITEMS);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
