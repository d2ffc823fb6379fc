/* SPDX-License-Identifier: MIT */
/*
 * fork_child_reports.c - the parent locks in one order only; its forked
 * child makes an inversion of its own. The child's report is counted in
 * the child (its exit(0) becomes 66), not in the parent (exit 0), and the
 * shared JSON file holds exactly that one report.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=child1,child2 objects=lock_a,lock_b
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;

static void *a_then_b(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "child1");
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "child2");
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return NULL;
}

static void *parent_work(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "parent");
	CHECK_EQ(pthread_mutex_lock(&lock_c), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_c), 0);
	return NULL;
}

int main(void)
{
	pid_t pid;
	int status;

	run_thread(parent_work, NULL);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_EQ(preload_reports(), 0);
		run_thread(a_then_b, NULL);
		run_thread(b_then_a, NULL);
		CHECK_EQ(preload_reports(), 1);
		exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 66);
	CHECK_EQ(preload_reports(), 0);
	/* The parent's own consistent locking after the fork is still fine. */
	run_thread(parent_work, NULL);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
