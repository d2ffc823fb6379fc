/* SPDX-License-Identifier: MIT */
/*
 * barrier_destroy_waited_reported.c - a barrier of three parties: two
 * threads wait at it, and "destroyer" destroys it while the third party
 * never comes. glibc's pthread_barrier_destroy waits until the waiters
 * leave, so the destroyer hangs with them. Reported at the destroy, with
 * the lines of both waits; main then ends the process.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=destroy-waited severity=error lines=@destroy,@arrive threads=destroyer,early1,early2 objects=gate
 * EXPECT stderr~=barrier destroyed while 2 threads wait at it
 */
#include <time.h>

#include "check.h"

static pthread_barrier_t gate;
static int arrived;

static void *early(void *arg)
{
	pthread_setname_np(pthread_self(), (const char *)arg);
	__atomic_add_fetch(&arrived, 1, __ATOMIC_RELAXED);
	pthread_barrier_wait(&gate); /* @arrive */
	return NULL;
}

static void *destroyer(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "destroyer");
	pthread_barrier_destroy(&gate); /* @destroy */
	fprintf(stderr, "the destroy returned\n");
	return NULL;
}

int main(void)
{
	struct timespec ms = { 0, 1000000L };
	pthread_t a, b, d;
	int i;

	CHECK_EQ(pthread_barrier_init(&gate, NULL, 3), 0);
	CHECK_EQ(pthread_create(&a, NULL, early, "early1"), 0);
	CHECK_EQ(pthread_create(&b, NULL, early, "early2"), 0);
	for (i = 0; i < 5000 && __atomic_load_n(&arrived, __ATOMIC_RELAXED) < 2;
	     i++)
		nanosleep(&ms, NULL);
	/* Both inside the wait: a moment more than their arrival. */
	for (i = 0; i < 100; i++)
		nanosleep(&ms, NULL);
	CHECK_EQ(pthread_create(&d, NULL, destroyer, NULL), 0);
	for (i = 0; i < 5000 && preload_reports() < 1; i++)
		nanosleep(&ms, NULL);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(coffman_error_count(), 1);
	/* The destroy's own event goes to the trace once its report is
	 * out: let it get there before the exit writes the trace. */
	for (i = 0; i < 200; i++)
		nanosleep(&ms, NULL);
	return 0; /* the three still asleep */
}
