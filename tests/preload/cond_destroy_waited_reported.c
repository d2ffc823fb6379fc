/* SPDX-License-Identifier: MIT */
/*
 * cond_destroy_waited_reported.c - "sleeper" waits on a condition
 * variable for a flag that is never set, and "destroyer" destroys the
 * condition variable: nothing woke the sleeper, and glibc's
 * pthread_cond_destroy waits until every waiter has left, so the
 * destroyer hangs with it. Reported at the destroy, with both lines;
 * main then ends the process.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=destroy-waited severity=error lines=@destroy,@sleep threads=destroyer,sleeper objects=cv
 * EXPECT stderr~=condition variable destroyed while 1 thread sleeps on it
 */
#include "check.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int waiting, never;

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "sleeper");
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	waiting = 1;
	while (!never)
		pthread_cond_wait(&cv, &m); /* @sleep */
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	return NULL;
}

static void *destroyer(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "destroyer");
	pthread_cond_destroy(&cv); /* @destroy */
	fprintf(stderr, "the destroy returned\n");
	return NULL;
}

int main(void)
{
	pthread_t s, d;

	CHECK_EQ(pthread_create(&s, NULL, sleeper, NULL), 0);
	/* m is free again once the sleeper is inside its wait. */
	wait_set_under(&m, &waiting);
	CHECK_EQ(pthread_create(&d, NULL, destroyer, NULL), 0);
	wait_reports_then_settle(1, 1);
	return 0; /* both threads still asleep */
}
