/* SPDX-License-Identifier: MIT */
/*
 * barrier_silent.c - four threads meet at a barrier 100 times, taking a
 * mutex between the meetings (never across one): every wait ends,
 * nothing is reported. A barrier is destroyed and re-initialised at the
 * same address halfway through (a new barrier).
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "prim.h"

#define THREADS 4
#define ROUNDS 100

static pthread_barrier_t barrier;
static pthread_barrier_t half;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int arrived[ROUNDS];
static int serial[ROUNDS];

static void *party(void *arg)
{
	int i, rc;

	(void)arg;
	for (i = 0; i < ROUNDS; i++) {
		CHECK_EQ(pthread_mutex_lock(&m), 0);
		arrived[i]++;
		CHECK_EQ(pthread_mutex_unlock(&m), 0);
		rc = pthread_barrier_wait(&barrier);
		CHECK(rc == 0 || rc == PTHREAD_BARRIER_SERIAL_THREAD);
		CHECK_EQ(pthread_mutex_lock(&m), 0);
		CHECK_EQ(arrived[i], THREADS); /* all came before any left */
		if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
			serial[i]++;
		CHECK_EQ(pthread_mutex_unlock(&m), 0);
		if (i == ROUNDS / 2) {
			/* Everyone is past round i once this returns. */
			rc = pthread_barrier_wait(&half);
			if (rc == PTHREAD_BARRIER_SERIAL_THREAD) {
				CHECK_EQ(pthread_barrier_destroy(&barrier), 0);
				CHECK_EQ(pthread_barrier_init(&barrier, NULL,
							      THREADS), 0);
			}
			pthread_barrier_wait(&half);
		}
	}
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	int i;

	CHECK_EQ(pthread_barrier_init(&barrier, NULL, THREADS), 0);
	CHECK_EQ(pthread_barrier_init(&half, NULL, THREADS), 0);
	for (i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, party, NULL), 0);
	for (i = 0; i < THREADS; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	for (i = 0; i < ROUNDS; i++)
		CHECK_EQ(serial[i], 1);
	CHECK_EQ(pthread_barrier_destroy(&barrier), 0);
	CHECK_EQ(pthread_barrier_destroy(&half), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
