/* SPDX-License-Identifier: MIT */
/*
 * sem_signal_handler_post.c - sem_post is async-signal-safe, so it must
 * stay safe under the runtime: a SIGALRM handler posts semaphores every
 * 100 us while the main thread runs 200000 rounds of sem_trywait/sem_post
 * on the same semaphore (and on another that the handler also posts),
 * so handlers land inside the wrappers and the engine. The program must
 * not hang or crash, and the counts must add up. Posts from the handler
 * come from a thread that holds no unit: signals, no report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>

#include "prim.h"

#define ROUNDS 200000

static sem_t shared_sem; /* posted by the handler and by main */
static sem_t ticks;      /* posted by the handler only */
static volatile sig_atomic_t handled;

static void on_alarm(int sig)
{
	int saved = errno;

	(void)sig;
	if (sem_post(&shared_sem) != 0 || sem_post(&ticks) != 0)
		_exit(3);
	handled++;
	errno = saved;
}

int main(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 100 }, { 0, 100 } };
	long taken = 0, drained = 0;
	int i, v;

	CHECK_EQ(sem_init(&shared_sem, 0, 1), 0);
	CHECK_EQ(sem_init(&ticks, 0, 0), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	CHECK_EQ(sigaction(SIGALRM, &sa, NULL), 0);
	CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);

	for (i = 0; i < ROUNDS; i++) {
		if (sem_trywait(&shared_sem) == 0) {
			taken++;
			CHECK_EQ(sem_post(&shared_sem), 0);
		} else {
			CHECK_EQ(errno, EAGAIN);
		}
		while (sem_trywait(&ticks) == 0)
			drained++;
		CHECK_EQ(errno, EAGAIN);
	}

	it.it_value.tv_usec = 0;
	it.it_interval.tv_usec = 0;
	CHECK_EQ(setitimer(ITIMER_REAL, &it, NULL), 0);
	CHECK(signal(SIGALRM, SIG_IGN) != SIG_ERR);

	while (sem_trywait(&ticks) == 0)
		drained++;
	CHECK_EQ(drained, handled);
	CHECK(handled > 0);
	/* One unit of its own plus one per handler run. */
	CHECK_EQ(sem_getvalue(&shared_sem, &v), 0);
	CHECK_EQ(v, 1 + handled);
	CHECK_EQ(taken, ROUNDS);
	fprintf(stderr, "%ld handler runs\n", (long)handled);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
