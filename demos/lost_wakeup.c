/* SPDX-License-Identifier: MIT */
/*
 * lost_wakeup.c - a condition variable has no memory: a signal sent while
 * nobody is waiting is gone, and a waiter that waits without checking a
 * predicate first sleeps through the event it was waiting for.
 *
 *   lost_wakeup          "signaller" signals, then "waiter" waits (with no
 *                        predicate) using pthread_cond_timedwait: after 1 s
 *                        it gives up and says the wake-up was lost.
 *   lost_wakeup --hang   the same with pthread_cond_wait: the waiter sleeps
 *                        for ever, main waits for it for ever, and every
 *                        thread in the process is blocked.
 *   lost_wakeup --fixed  the signaller sets a flag under the mutex before
 *                        signalling, and the waiter waits only while the
 *                        flag is unset: it does not wait at all.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "demo.h"

#define WAIT_MS 1000 /* default mode: how long the waiter waits */

enum mode { LOST, HANG, FIXED };

static enum mode mode = LOST;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static bool done; /* the predicate, under 'lock'; only --fixed uses it */

/*
 * Forces the unlucky interleaving every time: the waiter starts waiting
 * only after the signal was sent, as if it had been descheduled just
 * before its wait.
 */
static sem_t signal_sent;

static void *signaller_main(void *arg)
{
	(void)arg;
	demo_name_self("signaller");
	CHECK(pthread_mutex_lock(&lock));
	if (mode == FIXED)
		done = true; /* the state change the signal announces */
	CHECK(pthread_cond_signal(&done_cond));
	CHECK(pthread_mutex_unlock(&lock));
	printf("  signaller: signalled (nobody was waiting yet)\n");
	CHECK_SYS(sem_post(&signal_sent));
	return NULL;
}

static void *waiter_main(void *arg)
{
	struct timespec deadline;
	int rc;

	(void)arg;
	demo_name_self("waiter");
	CHECK_SYS(sem_wait(&signal_sent));
	CHECK(pthread_mutex_lock(&lock));
	switch (mode) {
	case LOST:
		printf("  waiter: waiting up to %d ms, no predicate\n",
		       WAIT_MS);
		deadline = demo_deadline(WAIT_MS);
		rc = pthread_cond_timedwait(&done_cond, &lock, &deadline);
		if (rc == ETIMEDOUT)
			printf("  waiter: timed out - the wake-up was lost\n");
		else if (rc == 0)
			printf("  waiter: woken, but by nobody: a spurious "
			       "wake-up, another reason\n  to re-check a "
			       "predicate\n");
		else
			CHECK(rc);
		break;
	case HANG:
		printf("  waiter: waiting with pthread_cond_wait, no predicate "
		       "(Ctrl-C to stop)\n");
		CHECK(pthread_cond_wait(&done_cond, &lock));
		printf("  waiter: woken\n");
		break;
	case FIXED:
		printf("  waiter: checking the predicate first\n");
		while (!done)
			CHECK(pthread_cond_wait(&done_cond, &lock));
		printf("  waiter: done is already true - nothing to wait "
		       "for\n");
		break;
	}
	CHECK(pthread_mutex_unlock(&lock));
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t s, w;

	demo_line_buffered();
	if (argc == 2 && strcmp(argv[1], "--hang") == 0)
		mode = HANG;
	else if (argc == 2 && strcmp(argv[1], "--fixed") == 0)
		mode = FIXED;
	else if (argc != 1) {
		fprintf(stderr, "usage: lost_wakeup [--hang | --fixed]\n");
		return 2;
	}

	switch (mode) {
	case LOST:
		printf("lost_wakeup: pthread_cond_signal wakes only a thread "
		       "already waiting.\nHere the signal comes first and the "
		       "waiter, checking no predicate, waits\nanyway - with a "
		       "%d ms timeout, so this run ends.\n",
		       WAIT_MS);
		break;
	case HANG:
		printf("lost_wakeup --hang: the same, but with "
		       "pthread_cond_wait. The waiter will\nnever be woken, "
		       "and main waits for the waiter: every thread is "
		       "blocked.\n");
		break;
	case FIXED:
		printf("lost_wakeup --fixed: the signaller sets 'done' under "
		       "the mutex before it\nsignals; the waiter waits only "
		       "while !done, in a loop. The state, not\nthe signal, "
		       "carries the news.\n");
		break;
	}

	CHECK_SYS(sem_init(&signal_sent, 0, 0));
	CHECK(pthread_create(&w, NULL, waiter_main, NULL));
	CHECK(pthread_create(&s, NULL, signaller_main, NULL));
	CHECK(pthread_join(s, NULL));
	CHECK(pthread_join(w, NULL));
	CHECK_SYS(sem_destroy(&signal_sent));
	printf("Finished.%s\n",
	       mode == LOST ? " Use a predicate loop: lost_wakeup --fixed."
			    : "");
	return 0;
}
