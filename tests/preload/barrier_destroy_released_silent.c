/* SPDX-License-Identifier: MIT */
/*
 * barrier_destroy_released_silent.c - 300 rounds of a barrier of four
 * parties, made, passed once and destroyed at once by the party that
 * glibc makes the serial thread, most often while the other three,
 * released, have not run yet: glibc's destroy waits for them to leave,
 * and they leave. A round complete frees its waiters, whether they have
 * run or not. No report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include "check.h"

#define PARTIES 4
#define ROUNDS 300

static pthread_barrier_t gates[ROUNDS];
static pthread_barrier_t start;

static void *party(void *arg)
{
	int i, rc;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		/* All four at gates[i] only once it is made: each round
		 * starts at the long-lived barrier. */
		rc = pthread_barrier_wait(&start);
		CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			CHECK_EQ(pthread_barrier_init(&gates[i], NULL,
						      PARTIES),
				 0);
		rc = pthread_barrier_wait(&start);
		CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
		rc = pthread_barrier_wait(&gates[i]);
		CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			CHECK_EQ(pthread_barrier_destroy(&gates[i]), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t t[PARTIES];
	int i;

	CHECK_EQ(pthread_barrier_init(&start, NULL, PARTIES), 0);
	for (i = 0; i < PARTIES; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, party, NULL), 0);
	for (i = 0; i < PARTIES; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(pthread_barrier_destroy(&start), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
