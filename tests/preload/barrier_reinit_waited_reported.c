/* SPDX-License-Identifier: MIT */
/*
 * barrier_reinit_waited_reported.c - "early" waits at a barrier of two
 * parties, and main initialises the barrier again instead of arriving:
 * early waits for a round that is gone. Reported at the second init,
 * with both lines; main then ends the process.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=destroy-waited severity=error lines=@again,@arrive threads=main,early objects=gate
 * EXPECT stderr~=barrier initialised again while 1 thread waits at it
 */
#include "check.h"

static pthread_barrier_t gate;
static pid_t tid;


static void *early(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "early");
	__atomic_store_n(&tid, gettid(), __ATOMIC_RELEASE);
	pthread_barrier_wait(&gate); /* @arrive */
	return NULL;
}

int main(void)
{
	struct timespec ms = { 0, 1000000L };
	pthread_t e;
	int i;

	pthread_setname_np(pthread_self(), "main");
	CHECK_EQ(pthread_barrier_init(&gate, NULL, 2), 0);
	CHECK_EQ(pthread_create(&e, NULL, early, NULL), 0);
	/* early asleep inside the barrier's wait */
	for (i = 0; i < 5000; i++) {
		pid_t e1 = __atomic_load_n(&tid, __ATOMIC_ACQUIRE);

		if (e1 && asleep_on(e1, &gate, sizeof(gate)))
			break;
		nanosleep(&ms, NULL);
	}
	CHECK(i < 5000);
	CHECK_EQ(pthread_barrier_init(&gate, NULL, 2), 0); /* @again */
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(coffman_error_count(), 1);
	return 0; /* early still waits */
}
