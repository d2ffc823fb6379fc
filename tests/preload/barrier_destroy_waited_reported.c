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
#include "check.h"

static pthread_barrier_t gate;
static pid_t tids[2];


static void *early(void *arg)
{
	const char *name = arg;

	pthread_setname_np(pthread_self(), name);
	__atomic_store_n(&tids[name[5] - '1'], gettid(), __ATOMIC_RELEASE);
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
	/* Both asleep inside the barrier's wait. */
	for (i = 0; i < 5000; i++) {
		pid_t a1 = __atomic_load_n(&tids[0], __ATOMIC_ACQUIRE);
		pid_t a2 = __atomic_load_n(&tids[1], __ATOMIC_ACQUIRE);

		if (a1 && a2 && asleep_on(a1, &gate, sizeof(gate)) &&
		    asleep_on(a2, &gate, sizeof(gate)))
			break;
		nanosleep(&ms, NULL);
	}
	CHECK(i < 5000);
	CHECK_EQ(pthread_create(&d, NULL, destroyer, NULL), 0);
	wait_reports_then_settle(1, 1);
	return 0; /* the three still asleep */
}
