/* SPDX-License-Identifier: MIT */
/*
 * deadlock_join_unstarted_reported.c - deadlock_join_reported without the
 * barrier: "joiner" holds state_lock, creates "worker" and joins it before
 * the new thread has run a single instruction. The join must still be
 * known as a wait for that thread, so that the worker blocking on
 * state_lock closes the cycle.
 *
 * "Before" is made certain where the test may use SCHED_FIFO (root, or an
 * RLIMIT_RTPRIO): the joiner runs at real-time priority on one CPU and the
 * worker, created SCHED_OTHER on that CPU, cannot run until the joiner
 * sleeps in pthread_join. Elsewhere the shared CPU alone makes it likely.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@hold,@join,@need threads=joiner,worker objects=state_lock
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>
#include <sched.h>

#include "dl.h"

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t watchdog_started;

static void *worker(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "worker"), 0);
	pthread_mutex_lock(&state_lock); /* @need */
	fprintf(stderr, "NOT REACHED: worker got state_lock\n");
	exit(1);
}

/* Keep the calling thread (and threads it creates) on one CPU. */
static void pin_to_one_cpu(void)
{
	cpu_set_t set, one;
	int cpu;

	CHECK_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
	for (cpu = 0; cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &set); cpu++)
		;
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	CHECK_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
}

static void *joiner(void *arg)
{
	struct sched_param rt = { 1 }, normal = { 0 };
	pthread_attr_t attr;
	pthread_t w;

	(void)arg;
	/* A first block, so that the runtime's watchdog thread is made now,
	 * at normal priority, not inherited from a real-time joiner. */
	dl_barrier_wait(&watchdog_started);
	pin_to_one_cpu();
	CHECK_EQ(pthread_attr_init(&attr), 0);
	if (pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt) == 0) {
		CHECK_EQ(pthread_attr_setinheritsched(&attr,
						      PTHREAD_EXPLICIT_SCHED),
			 0);
		CHECK_EQ(pthread_attr_setschedpolicy(&attr, SCHED_OTHER), 0);
		CHECK_EQ(pthread_attr_setschedparam(&attr, &normal), 0);
	}
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0); /* @hold */
	CHECK_EQ(pthread_create(&w, &attr, worker, NULL), 0);
	pthread_join(w, NULL); /* @join */
	fprintf(stderr, "NOT REACHED: the join returned\n");
	exit(1);
}

int main(void)
{
	struct dl_thread j;

	CHECK_EQ(pthread_barrier_init(&watchdog_started, NULL, 2), 0);
	dl_spawn(&j, "joiner", joiner, NULL);
	dl_barrier_wait(&watchdog_started);
	/* Not joined: main must not be a third blocked thread, which would
	 * let all-threads-blocked stand in for the missed cycle. */
	dl_sleep_ms(3000);
	fprintf(stderr, "NOT REACHED: no deadlock report in 3 s\n");
	return 1;
}
