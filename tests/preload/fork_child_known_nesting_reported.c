/* SPDX-License-Identifier: MIT */
/*
 * fork_child_known_nesting_reported.c - main takes A then B, forks, and
 * in the child takes A then B again from the same call sites, then a
 * child thread takes B then A: an inversion in the child. The child
 * starts its order graph afresh, so main's nesting from before the fork
 * must count again as new there, though main's held stack still holds
 * the entries it pushed for it.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=child objects=lock_a,lock_b
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void a_then_b(void)
{
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
}

static void *b_then_a(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "child");
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

int main(void)
{
	pid_t pid;
	int status;

	a_then_b();
	a_then_b();
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		a_then_b();
		run_thread(b_then_a, NULL);
		CHECK_EQ(preload_reports(), 1);
		exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 66);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
