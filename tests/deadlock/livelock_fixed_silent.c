/* SPDX-License-Identifier: MIT */
/*
 * livelock_fixed_silent.c - livelock_reported's polite threads, fixed: the
 * back-off is random (so they stop retrying in step), and after a few
 * misses a thread stops being polite and takes both locks in the one
 * global order (lock_a, then lock_b), which cannot deadlock. Every meal
 * is eaten, no thread ever fails 20 tries in a row, nothing is reported.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "dl.h"

#define MEALS	   200
#define MAX_MISSES 8 /* then fall back to ordered locking */

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static long meals;

struct polite {
	pthread_mutex_t *mine;
	pthread_mutex_t *other;
	unsigned seed;
	int longest_streak;
};

static void take_both(struct polite *p)
{
	int misses = 0;

	for (;;) {
		CHECK_EQ(pthread_mutex_lock(p->mine), 0);
		if (pthread_mutex_trylock(p->other) == 0)
			break;
		CHECK_EQ(pthread_mutex_unlock(p->mine), 0);
		if (++misses > p->longest_streak)
			p->longest_streak = misses;
		if (misses == MAX_MISSES) {
			CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
			CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
			return;
		}
		/* 0..499 us: the two rarely retry at the same moment. */
		{
			struct timespec ts = {
				0, (long)(rand_r(&p->seed) % 500) * 1000L
			};

			nanosleep(&ts, NULL);
		}
	}
}

static void *polite_main(void *arg)
{
	struct polite *p = arg;
	int i;

	for (i = 0; i < MEALS; i++) {
		take_both(p);
		meals++;
		CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	}
	return NULL;
}

int main(void)
{
	struct polite a = { &lock_a, &lock_b, 1, 0 };
	struct polite b = { &lock_b, &lock_a, 2, 0 };
	struct dl_thread ta, tb;

	dl_spawn(&ta, "alice", polite_main, &a);
	dl_spawn(&tb, "bob", polite_main, &b);
	dl_join(&ta);
	dl_join(&tb);
	CHECK_EQ(meals, 2 * MEALS);
	CHECK(a.longest_streak < 20 && b.longest_streak < 20);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
