/* SPDX-License-Identifier: MIT */
/*
 * livelock.c - two polite threads that never deadlock and never get
 * anywhere either: each holds one lock, tries the other, finds it taken,
 * backs off, and retries - in lock step with the other, for ever.
 *
 *   livelock          "left" holds A and tries B; "right" holds B and tries
 *                     A. After a miss each undoes its half-done work, lets
 *                     go and retries on the next 20 ms tick of a shared
 *                     clock, so they keep colliding. Bounded to 50 attempts
 *                     (one second).
 *   livelock --fixed  after a miss each waits a *random* time instead: the
 *                     symmetry breaks, and one of them soon gets both.
 *
 * Neither thread ever blocks while holding a lock (the second lock is only
 * tried), so there is no deadlock, and coffman finds no lock-order cycle.
 * What is wrong is that nobody makes progress while everybody is busy.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "demo.h"

#define ATTEMPTS       50    /* per thread, then it gives up */
#define TICK_US	       20000 /* default: retry on the next tick */
#define MAX_BACKOFF_US 40000 /* --fixed: longest random pause instead */

/*
 * How long a thread holds its own lock before trying the other, and again
 * after a miss. The threads collide whenever they start an attempt less
 * than this apart, so it is generous: scheduling jitter on a busy machine
 * should not break the lock step.
 */
#define WORK_US 8000

struct worker {
	const char *name;	/* "left" or "right" */
	pthread_mutex_t *own;	/* locked first */
	pthread_mutex_t *other; /* only ever tried */
	unsigned seed;		/* --fixed: rand_r() state */
	int failures;		/* attempts that found 'other' taken */
	int got_both;		/* attempt number that succeeded, 0 if none */
};

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static bool randomised;
static struct timespec start; /* CLOCK_MONOTONIC time of tick 0 */

/* Sleep until tick 'k' of the clock both threads share. */
static void sleep_until_tick(int k)
{
	long long ns = start.tv_nsec + (long long)k * TICK_US * 1000;
	struct timespec at = {
		.tv_sec = start.tv_sec + (time_t)(ns / 1000000000),
		.tv_nsec = (long)(ns % 1000000000),
	};
	int rc;

	while ((rc = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at,
				     NULL)) == EINTR)
		;
	CHECK(rc);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	demo_name_self(w->name);
	sleep_until_tick(0);
	for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
		int rc;

		CHECK(pthread_mutex_lock(w->own));
		demo_sleep_us(WORK_US); /* half the job, done under 'own' */
		rc = pthread_mutex_trylock(w->other);
		if (rc == 0) {
			w->got_both = attempt;
			CHECK(pthread_mutex_unlock(w->other));
			CHECK(pthread_mutex_unlock(w->own));
			return NULL;
		}
		if (rc != EBUSY)
			CHECK(rc);
		/*
		 * Undo the half-done job, then be polite: let go, so the
		 * other thread can have the lock. Both do this at once, so
		 * each lets go only after the other has already tried.
		 */
		demo_sleep_us(WORK_US);
		CHECK(pthread_mutex_unlock(w->own));
		w->failures++;
		if (randomised)
			demo_sleep_us(rand_r(&w->seed) % MAX_BACKOFF_US);
		else
			sleep_until_tick(attempt);
	}
	return NULL;
}

static void report(const struct worker *w)
{
	if (w->got_both)
		printf("  %-5s got both locks on attempt %d, after %d "
		       "failure%s\n",
		       w->name, w->got_both, w->failures,
		       w->failures == 1 ? "" : "s");
	else
		printf("  %-5s gave up: %d attempts, %d failures, no "
		       "progress\n",
		       w->name, ATTEMPTS, w->failures);
}

int main(int argc, char **argv)
{
	struct worker left = { "left", &lock_a, &lock_b, 1, 0, 0 };
	struct worker right = { "right", &lock_b, &lock_a, 2, 0, 0 };
	long long began;
	pthread_t tl, tr;

	demo_line_buffered();
	if (argc == 2 && strcmp(argv[1], "--fixed") == 0) {
		randomised = true;
	} else if (argc != 1) {
		fprintf(stderr, "usage: livelock [--fixed]\n");
		return 2;
	}

	if (randomised)
		printf("livelock --fixed: as before, but after a miss each "
		       "thread waits a random\ntime (under %d ms). The two "
		       "soon drift apart and one gets both locks.\n",
		       MAX_BACKOFF_US / 1000);
	else
		printf("livelock: \"left\" holds A and tries B, \"right\" holds "
		       "B and tries A. On a\nmiss each lets go and retries on "
		       "the next %d ms tick - the same tick as\nthe other, so "
		       "they collide again and again (at most %d attempts).\n",
		       TICK_US / 1000, ATTEMPTS);

	/* Tick 0 a little in the future, so both threads start on it. */
	CHECK_SYS(clock_gettime(CLOCK_MONOTONIC, &start));
	start.tv_nsec += 10 * 1000000;
	if (start.tv_nsec >= 1000000000) {
		start.tv_sec++;
		start.tv_nsec -= 1000000000;
	}
	began = demo_now_ms();
	CHECK(pthread_create(&tl, NULL, worker_main, &left));
	CHECK(pthread_create(&tr, NULL, worker_main, &right));
	CHECK(pthread_join(tl, NULL));
	CHECK(pthread_join(tr, NULL));

	report(&left);
	report(&right);
	if (!left.got_both && !right.got_both)
		printf("Livelock: %lld ms of work, %d failed attempts, nothing "
		       "done. Try --fixed.\n",
		       demo_now_ms() - began, left.failures + right.failures);
	else if (!randomised)
		printf("Scheduling jitter broke the lock step this time; "
		       "random back-off\nbreaks it on purpose (--fixed).\n");
	else
		printf("Random back-off broke the symmetry in %lld ms.\n",
		       demo_now_ms() - began);
	return 0;
}
