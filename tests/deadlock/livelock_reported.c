/* SPDX-License-Identifier: MIT */
/*
 * livelock_reported.c - "alice" holds lock_a and tries lock_b; "bob"
 * holds lock_b and tries lock_a. Each that fails lets go of its own lock,
 * backs off 1 ms and tries again. Barriers keep them in lock step, so
 * every attempt fails for both: no thread blocks, yet none gets through,
 * a livelock (warning). The program gives up after 200 attempts and ends
 * with status 0.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=livelock severity=warning lines=@try threads=alice,bob
 * EXPECT stderr~=livelock
 */
#include <errno.h>
#include <pthread.h>

#include "dl.h"

#define ATTEMPTS 200

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t step;
static int successes;

struct polite {
	pthread_mutex_t *mine;
	pthread_mutex_t *other;
};

static void *polite_main(void *arg)
{
	struct polite *p = arg;
	int i, rc;

	for (i = 0; i < ATTEMPTS; i++) {
		CHECK_EQ(pthread_mutex_lock(p->mine), 0);
		dl_barrier_wait(&step); /* both hold their own lock */
		rc = pthread_mutex_trylock(p->other); /* @try */
		dl_barrier_wait(&step);		      /* both tried */
		if (rc == 0) {
			__atomic_fetch_add(&successes, 1, __ATOMIC_RELAXED);
			CHECK_EQ(pthread_mutex_unlock(p->other), 0);
			CHECK_EQ(pthread_mutex_unlock(p->mine), 0);
			break;
		}
		CHECK_EQ(rc, EBUSY);
		CHECK_EQ(pthread_mutex_unlock(p->mine), 0);
		dl_sleep_ms(1); /* back off, in step with the other */
	}
	return NULL;
}

int main(void)
{
	struct polite a = { &lock_a, &lock_b }, b = { &lock_b, &lock_a };
	struct dl_thread ta, tb;

	CHECK_EQ(pthread_barrier_init(&step, NULL, 2), 0);
	dl_spawn(&ta, "alice", polite_main, &a);
	dl_spawn(&tb, "bob", polite_main, &b);
	dl_join(&ta);
	dl_join(&tb);
	CHECK_EQ(successes, 0); /* nobody ever got through */
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
