/* SPDX-License-Identifier: MIT */
/*
 * abba.c - the smallest deadlock: thread "left" takes lock A then lock B,
 * thread "right" takes B then A.
 *
 *   abba          The threads run one after the other, so nothing hangs.
 *                 The deadlock is still there, waiting for an unlucky
 *                 schedule: the lock-order graph has A->B and B->A, a cycle.
 *   abba --hang   The threads run together and meet at a barrier once each
 *                 holds its first lock. Each then waits for the lock the
 *                 other holds, for ever: a real deadlock, every time.
 *   abba --fixed  Both threads take A before B and run together many times.
 *                 One global order means no cycle, so no deadlock.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

#define FIXED_ROUNDS 100000 /* --fixed: lock/unlock rounds per thread */

enum mode { POTENTIAL, HANG, FIXED };

struct worker {
	const char *name;	 /* thread name, shown in coffman's reports */
	pthread_mutex_t *first;	 /* taken first ... */
	pthread_mutex_t *second; /* ... and this one while holding it */
	const char *first_name;	 /* "A" or "B", for printing */
	const char *second_name; /* likewise */
	int rounds;		 /* how many times to take both */
};

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

/* --hang only: no thread asks for its second lock before both hold one. */
static pthread_barrier_t both_hold_one;
static bool hang;

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	bool retried = false; /* refused once: no second barrier */
	int rc;

	demo_name_self(w->name);
	for (int i = 0; i < w->rounds; i++) {
		CHECK(pthread_mutex_lock(w->first));
		if (i == 0)
			printf("  %-5s holds %s, wants %s\n", w->name,
			       w->first_name, w->second_name);
		if (hang && !retried)
			demo_barrier_wait(&both_hold_one);
		rc = pthread_mutex_lock(w->second);
		if (rc == EDEADLK) {
			/* Only under coffman run --on_deadlock=recover: our
			 * request closed the cycle and was refused. Give back
			 * the first lock, let the other thread finish, retry. */
			printf("  %-5s was refused %s (EDEADLK): releasing %s "
			       "and trying again\n",
			       w->name, w->second_name, w->first_name);
			CHECK(pthread_mutex_unlock(w->first));
			retried = true;
			i--;
			continue;
		}
		CHECK(rc);
		if (i == 0)
			printf("  %-5s holds %s and %s\n", w->name,
			       w->first_name, w->second_name);
		CHECK(pthread_mutex_unlock(w->second));
		CHECK(pthread_mutex_unlock(w->first));
	}
	return NULL;
}

static void usage(void)
{
	fprintf(stderr, "usage: abba [--hang | --fixed]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct worker left = { "left", &lock_a, &lock_b, "A", "B", 1 };
	struct worker right = { "right", &lock_b, &lock_a, "B", "A", 1 };
	enum mode mode = POTENTIAL;
	pthread_t tl, tr;

	demo_line_buffered();
	if (argc > 2)
		usage();
	if (argc == 2 && strcmp(argv[1], "--hang") == 0)
		mode = HANG;
	else if (argc == 2 && strcmp(argv[1], "--fixed") == 0)
		mode = FIXED;
	else if (argc == 2)
		usage();

	switch (mode) {
	case POTENTIAL:
		printf("abba: \"left\" locks A then B; \"right\" locks B then A.\n"
		       "They run one after the other, so this run finishes, but "
		       "the order\ngraph now holds A->B and B->A: a cycle. Run "
		       "them at the same time\nand each can end up holding one "
		       "lock and waiting for the other.\n");
		CHECK(pthread_create(&tl, NULL, worker_main, &left));
		CHECK(pthread_join(tl, NULL));
		CHECK(pthread_create(&tr, NULL, worker_main, &right));
		CHECK(pthread_join(tr, NULL));
		printf("Finished, because the threads never overlapped. "
		       "coffman reports the\nlock-order inversion anyway: it "
		       "needs the orders, not the hang\n(try abba --hang).\n");
		break;
	case HANG:
		printf("abba --hang: \"left\" locks A then B, \"right\" locks B "
		       "then A, at the\nsame time; a barrier makes both take "
		       "their first lock before either\nasks for its second. "
		       "This process deadlocks now (Ctrl-C to stop it).\n");
		hang = true;
		CHECK(pthread_barrier_init(&both_hold_one, NULL, 2));
		CHECK(pthread_create(&tl, NULL, worker_main, &left));
		CHECK(pthread_create(&tr, NULL, worker_main, &right));
		CHECK(pthread_join(tl, NULL));
		CHECK(pthread_join(tr, NULL)); /* not reached */
		break;
	case FIXED:
		printf("abba --fixed: both threads lock A then B, together, "
		       "%d times each.\nEveryone takes the locks in one global "
		       "order, so no cycle can form.\n",
		       FIXED_ROUNDS);
		right.first = &lock_a;
		right.second = &lock_b;
		right.first_name = "A";
		right.second_name = "B";
		left.rounds = right.rounds = FIXED_ROUNDS;
		CHECK(pthread_create(&tl, NULL, worker_main, &left));
		CHECK(pthread_create(&tr, NULL, worker_main, &right));
		CHECK(pthread_join(tl, NULL));
		CHECK(pthread_join(tr, NULL));
		printf("Finished: a consistent order cannot deadlock.\n");
		break;
	}
	return 0;
}
