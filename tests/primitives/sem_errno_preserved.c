/* SPDX-License-Identifier: MIT */
/*
 * sem_errno_preserved.c - semaphore failures come back exactly as glibc
 * 2.36 gives them, through errno, and successes leave errno alone: the
 * wrappers' own work (events, stacks, allocation) must not show.
 *
 * The expected values are POSIX's and glibc's: EINVAL for a value above
 * SEM_VALUE_MAX, EAGAIN for a trywait at 0, ETIMEDOUT, EINVAL for a bad
 * timeout or clock (checked by glibc before it looks at the count, so a
 * semaphore with units is not taken), EOVERFLOW for a post at
 * SEM_VALUE_MAX, EINTR for a wait interrupted by a handler, ENOENT and
 * EEXIST for sem_open/sem_unlink.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "prim.h"

#define CHECK_FAILS(call, err)                                               \
	do {                                                                 \
		errno = 0;                                                   \
		CHECK_EQ((call), -1);                                        \
		CHECK_EQ(errno, (err));                                      \
	} while (0)

/* A call that succeeds must leave errno as it was. */
#define CHECK_OK(call)                                                       \
	do {                                                                 \
		errno = EXDEV;                                               \
		CHECK_EQ((call), 0);                                         \
		CHECK_EQ(errno, EXDEV);                                      \
	} while (0)

static int value_of(sem_t *s)
{
	int v = -1;

	CHECK_OK(sem_getvalue(s, &v));
	return v;
}

static void on_signal(int sig)
{
	(void)sig;
}

static pthread_t interrupt_target;
static pthread_t interrupter;
static volatile int interrupt_stop;

/* Send SIGUSR1 to the target thread every 10 ms until told to stop. */
static void *interrupt_loop(void *arg)
{
	(void)arg;
	while (!interrupt_stop) {
		pthread_kill(interrupt_target, SIGUSR1);
		usleep(10000);
	}
	return NULL;
}

/* Interrupt the calling thread's blocking calls, without SA_RESTART. */
static void arm_interrupt(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;
	CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
	interrupt_target = pthread_self();
	interrupt_stop = 0;
	CHECK_EQ(pthread_create(&interrupter, NULL, interrupt_loop, NULL), 0);
}

static void disarm_interrupt(void)
{
	interrupt_stop = 1;
	CHECK_EQ(pthread_join(interrupter, NULL), 0);
}

static void unnamed(void)
{
	sem_t zero, one, full, bad;
	struct timespec ts;

	CHECK_FAILS(sem_init(&bad, 0, (unsigned)SEM_VALUE_MAX + 1u), EINVAL);
	CHECK_OK(sem_init(&zero, 0, 0));
	CHECK_OK(sem_init(&one, 0, 1));
	CHECK_OK(sem_init(&full, 0, SEM_VALUE_MAX));

	/* Nothing to take. */
	CHECK_FAILS(sem_trywait(&zero), EAGAIN);
	ts = deadline(10);
	CHECK_FAILS(sem_timedwait(&zero, &ts), ETIMEDOUT);
	ts = deadline_on(CLOCK_MONOTONIC, 10);
	CHECK_FAILS(sem_clockwait(&zero, CLOCK_MONOTONIC, &ts), ETIMEDOUT);
	ts.tv_sec = 0; /* long past */
	ts.tv_nsec = 0;
	CHECK_FAILS(sem_timedwait(&zero, &ts), ETIMEDOUT);
	CHECK_EQ(value_of(&zero), 0);

	/* Bad timeouts and clocks: EINVAL whether or not a unit is free,
	 * and the unit stays. */
	ts = deadline(1000);
	ts.tv_nsec = 1000000000L;
	CHECK_FAILS(sem_timedwait(&zero, &ts), EINVAL);
	CHECK_FAILS(sem_timedwait(&one, &ts), EINVAL);
	CHECK_EQ(value_of(&one), 1);
	ts.tv_nsec = -1;
	CHECK_FAILS(sem_clockwait(&one, CLOCK_MONOTONIC, &ts), EINVAL);
	CHECK_EQ(value_of(&one), 1);
	ts = deadline(1000);
	CHECK_FAILS(sem_clockwait(&one, CLOCK_PROCESS_CPUTIME_ID, &ts),
		    EINVAL);
	CHECK_FAILS(sem_clockwait(&zero, CLOCK_THREAD_CPUTIME_ID, &ts),
		    EINVAL);
	CHECK_EQ(value_of(&one), 1);

	/* Successes leave errno alone. */
	CHECK_OK(sem_trywait(&one));
	CHECK_OK(sem_post(&one));
	CHECK_OK(sem_wait(&one));
	CHECK_OK(sem_post(&one));
	ts = deadline(1000);
	CHECK_OK(sem_timedwait(&one, &ts));
	CHECK_OK(sem_post(&one));
	ts = deadline_on(CLOCK_MONOTONIC, 1000);
	CHECK_OK(sem_clockwait(&one, CLOCK_MONOTONIC, &ts));
	CHECK_OK(sem_post(&one));
	CHECK_EQ(value_of(&one), 1);

	/* The count cannot pass SEM_VALUE_MAX. */
	CHECK_EQ(value_of(&full), SEM_VALUE_MAX);
	CHECK_FAILS(sem_post(&full), EOVERFLOW);
	CHECK_EQ(value_of(&full), SEM_VALUE_MAX);
	CHECK_OK(sem_trywait(&full));
	CHECK_OK(sem_post(&full));

	/* A handler interrupts a wait: EINTR (no SA_RESTART). */
	arm_interrupt();
	CHECK_FAILS(sem_wait(&zero), EINTR);
	ts = deadline(5000);
	CHECK_FAILS(sem_timedwait(&zero, &ts), EINTR);
	disarm_interrupt();

	CHECK_OK(sem_destroy(&zero));
	CHECK_OK(sem_destroy(&one));
	CHECK_OK(sem_destroy(&full));
}

static void named(void)
{
	char name[64];
	sem_t *s, *again;

	snprintf(name, sizeof(name), "/coffman-errno-%d", (int)getpid());
	sem_unlink(name);
	errno = 0;
	CHECK(sem_open(name, 0) == SEM_FAILED);
	CHECK_EQ(errno, ENOENT);
	errno = 0;
	CHECK(sem_open(name, O_CREAT | O_EXCL, 0600,
		       (unsigned)SEM_VALUE_MAX + 1u) == SEM_FAILED);
	CHECK_EQ(errno, EINVAL);

	errno = EXDEV;
	s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	CHECK(s != SEM_FAILED);
	CHECK_EQ(errno, EXDEV);
	errno = 0;
	CHECK(sem_open(name, O_CREAT | O_EXCL, 0600, 1) == SEM_FAILED);
	CHECK_EQ(errno, EEXIST);
	again = sem_open(name, 0);
	CHECK(again == s); /* glibc maps a name once per process */
	CHECK_OK(sem_wait(s));
	CHECK_FAILS(sem_trywait(again), EAGAIN);
	CHECK_OK(sem_post(s));
	CHECK_OK(sem_close(again));
	CHECK_OK(sem_close(s));
	CHECK_OK(sem_unlink(name));
	CHECK_FAILS(sem_unlink(name), ENOENT);
}

int main(void)
{
	run_named("unnamed", unnamed);
	unnamed(); /* the main thread, too */
	named();
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
