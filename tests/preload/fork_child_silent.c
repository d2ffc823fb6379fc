/* SPDX-License-Identifier: MIT */
/*
 * fork_child_silent.c - fork while another thread holds a lock and keeps
 * locking. The child (one thread, the busy lock inherited locked) locks
 * and unlocks its own mutexes, starts a thread, and exits 0: no report in
 * the child (not for the vanished thread either), none in the parent, no
 * hang in the runtime's own locks.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t busy_inner = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int stop, holding; /* atomic */

static void *busy(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "busy");
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
		CHECK_EQ(pthread_mutex_lock(&busy_lock), 0);
		CHECK_EQ(pthread_mutex_lock(&busy_inner), 0);
		__atomic_store_n(&holding, 1, __ATOMIC_RELEASE);
		CHECK_EQ(pthread_mutex_unlock(&busy_inner), 0);
		CHECK_EQ(pthread_mutex_unlock(&busy_lock), 0);
	}
	return NULL;
}

static void *a_then_b(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	return NULL;
}

static int child(void)
{
	pthread_mutex_t own_a, own_b;
	int i;

	CHECK_EQ(pthread_mutex_init(&own_a, NULL), 0);
	CHECK_EQ(pthread_mutex_init(&own_b, NULL), 0);
	for (i = 0; i < 100; i++) {
		CHECK_EQ(pthread_mutex_lock(&own_a), 0);
		CHECK_EQ(pthread_mutex_lock(&own_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&own_b), 0);
		CHECK_EQ(pthread_mutex_unlock(&own_a), 0);
	}
	a_then_b(NULL);
	run_thread(a_then_b, NULL);
	CHECK_EQ(pthread_mutex_destroy(&own_a), 0);
	CHECK_EQ(pthread_mutex_destroy(&own_b), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}

int main(void)
{
	pthread_t t;
	pid_t pid;
	int status, i;

	CHECK_EQ(pthread_create(&t, NULL, busy, NULL), 0);
	while (!__atomic_load_n(&holding, __ATOMIC_ACQUIRE))
		sched_yield();
	for (i = 0; i < 5; i++) {
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0)
			exit(child());
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		CHECK(WIFEXITED(status));
		CHECK_EQ(WEXITSTATUS(status), 0);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	CHECK_EQ(pthread_join(t, NULL), 0);
	run_thread(a_then_b, NULL);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
