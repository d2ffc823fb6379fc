/* SPDX-License-Identifier: MIT */
/*
 * prompt_body.h - the two-lock deadlock the prompt tests share: "left"
 * takes the first lock, "right" the second; once both hold one, a timer
 * is armed (dl_prompt_arm) and each asks for the other's lock. The test
 * defines how each lock is taken: PROMPT_TAKE_FIRST() and
 * PROMPT_TAKE_SECOND(), calls that return 0 on success. Include it from
 * one source only per program; the harness reads the @markers here too.
 */
#ifndef COFFMAN_TEST_PROMPT_BODY_H
#define COFFMAN_TEST_PROMPT_BODY_H

#include <pthread.h>

#include "dl.h"

static pthread_barrier_t both_hold_one;

static void *left(void *arg)
{
	(void)arg;
	CHECK_EQ(PROMPT_TAKE_FIRST(), 0);
	dl_barrier_wait(&both_hold_one);
	dl_prompt_arm();
	PROMPT_TAKE_SECOND(); /* @left_waits */
	exit(1);
}

static void *right(void *arg)
{
	(void)arg;
	CHECK_EQ(PROMPT_TAKE_SECOND(), 0);
	dl_barrier_wait(&both_hold_one);
	PROMPT_TAKE_FIRST(); /* @right_waits */
	exit(1);
}

/* Run the two threads; returns only if the runtime missed the deadlock. */
static inline int prompt_run(void)
{
	struct dl_thread l, r;

	dl_prompt_handler();
	CHECK_EQ(pthread_barrier_init(&both_hold_one, NULL, 2), 0);
	dl_spawn(&l, "left", left, NULL);
	dl_spawn(&r, "right", right, NULL);
	dl_join(&l);
	return 1;
}

#endif /* COFFMAN_TEST_PROMPT_BODY_H */
