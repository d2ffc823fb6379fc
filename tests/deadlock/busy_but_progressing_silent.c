/* SPDX-License-Identifier: MIT */
/*
 * busy_but_progressing_silent.c - a slow producer and two consumers: the
 * consumers wait on a condition variable (no timeout) far longer than
 * watchdog_ms, and main is blocked in pthread_join the whole time, but the
 * producer is only sleeping (nanosleep is no sync wait) between items and
 * always comes back: never are all threads blocked, so nothing is reported.
 *
 * EXPECT options=watchdog_ms=200
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <stdbool.h>

#include "dl.h"

#define ITEMS	 6
#define PAUSE_MS 300 /* between items: longer than watchdog_ms */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int queued;    /* items made, not yet taken */
static int consumed;  /* items taken */
static bool finished; /* the producer made its last item */

static void *producer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < ITEMS; i++) {
		dl_sleep_ms(PAUSE_MS);
		CHECK_EQ(pthread_mutex_lock(&lock), 0);
		queued++;
		CHECK_EQ(pthread_cond_signal(&changed), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	}
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	finished = true;
	CHECK_EQ(pthread_cond_broadcast(&changed), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	return NULL;
}

static void *consumer(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	for (;;) {
		while (!queued && !finished)
			CHECK_EQ(pthread_cond_wait(&changed, &lock), 0);
		if (!queued)
			break;
		queued--;
		consumed++;
	}
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	return NULL;
}

int main(void)
{
	struct dl_thread p, c1, c2;

	dl_spawn(&c1, "consumer-1", consumer, NULL);
	dl_spawn(&c2, "consumer-2", consumer, NULL);
	dl_spawn(&p, "producer", producer, NULL);
	dl_join(&p);
	dl_join(&c1);
	dl_join(&c2);
	CHECK_EQ(consumed, ITEMS);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
