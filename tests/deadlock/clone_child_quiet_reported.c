/* SPDX-License-Identifier: MIT */
/*
 * clone_child_quiet_reported.c - main makes 100 children with clone()
 * (no CLONE_VM: a copy of its memory, but none of the fork handlers)
 * while thread "churn" keeps the runtime's shared structures busy with
 * new locks and nestings. Each child takes c then d, then d then c, and
 * exits (exit() or _exit()): its copy of the runtime may hold a lock
 * churn had when it was made, so the runtime keeps quiet in it: no
 * report, no exit summary, no hang. Then main takes a then b, and b then
 * a: the one report, a warning, is main's.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=warning lines=@a1,@b1,@b2,@a2 threads=main objects=a,b
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "dl.h"

#define CHILDREN 100
#define CHURN_LOCKS 64
#define CHILD_STACK (64 * 1024)

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t c = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t d = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t churn_locks[CHURN_LOCKS];
static int stop;

/* New mutexes, each nested under outer once: every round is new to the
 * engine (objects, order graph, stacks), never the fast path. */
static void *churn(void *arg)
{
	int i;

	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "churn"), 0);
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		for (i = 0; i < CHURN_LOCKS; i++) {
			CHECK_EQ(pthread_mutex_init(&churn_locks[i], NULL), 0);
			CHECK_EQ(pthread_mutex_lock(&outer), 0);
			CHECK_EQ(pthread_mutex_lock(&churn_locks[i]), 0);
			CHECK_EQ(pthread_mutex_unlock(&churn_locks[i]), 0);
			CHECK_EQ(pthread_mutex_unlock(&outer), 0);
			CHECK_EQ(pthread_mutex_destroy(&churn_locks[i]), 0);
		}
	}
	return NULL;
}

static int child(void *arg)
{
	long n = (long)arg;

	pthread_mutex_lock(&c);
	pthread_mutex_lock(&d);
	pthread_mutex_unlock(&d);
	pthread_mutex_unlock(&c);
	pthread_mutex_lock(&d);
	pthread_mutex_lock(&c);
	pthread_mutex_unlock(&c);
	pthread_mutex_unlock(&d);
	if (n & 1)
		_exit(0);
	exit(0);
}

/* Wait for child pid at most 10 s; a child still running then hung. */
static void reap(pid_t pid)
{
	struct timespec ms = { 0, 1000000L };
	int status, i;

	for (i = 0; i < 10000; i++) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		CHECK(r >= 0);
		if (r == pid) {
			CHECK(WIFEXITED(status));
			CHECK_EQ(WEXITSTATUS(status), 0);
			return;
		}
		nanosleep(&ms, NULL);
	}
	kill(pid, SIGKILL);
	fprintf(stderr, "FAIL: clone child %d hung\n", (int)pid);
	exit(1);
}

int main(void)
{
	char *stack = malloc(CHILD_STACK);
	pthread_t t;
	long i;

	dl_bound(9);
	CHECK(stack != NULL);
	CHECK_EQ(pthread_setname_np(pthread_self(), "main"), 0);
	CHECK_EQ(pthread_create(&t, NULL, churn, NULL), 0);
	for (i = 0; i < CHILDREN; i++) {
		pid_t pid = clone(child, stack + CHILD_STACK, SIGCHLD,
				  (void *)i);

		CHECK(pid > 0);
		reap(pid);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	CHECK_EQ(pthread_join(t, NULL), 0);
	pthread_mutex_lock(&a); /* @a1 */
	pthread_mutex_lock(&b); /* @b1 */
	pthread_mutex_unlock(&b);
	pthread_mutex_unlock(&a);
	pthread_mutex_lock(&b); /* @b2 */
	pthread_mutex_lock(&a); /* @a2 */
	pthread_mutex_unlock(&a);
	pthread_mutex_unlock(&b);
	free(stack);
	return 0;
}
