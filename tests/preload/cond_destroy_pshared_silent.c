/* SPDX-License-Identifier: MIT */
/*
 * cond_destroy_pshared_silent.c - a process-shared condition variable
 * and mutex in shared memory. Thread "sleeper" of this process waits on
 * the condvar; a child process takes the mutex, signals, and keeps the
 * mutex. The sleeper, woken, has left the condvar and waits for the
 * mutex. Main destroys the condvar then, legally (glibc's destroy
 * returns: no waiter is left on it), though this process never saw the
 * signal: a condvar shared with other processes is not judged by what
 * one process sees. Then the child lets go of the mutex.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <sys/mman.h>
#include <time.h>

#include "check.h"

struct shared {
	pthread_mutex_t m;
	pthread_cond_t c;
	int waiting, go;
};

static struct shared *sh;

static void *sleeper(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "sleeper");
	CHECK_EQ(pthread_mutex_lock(&sh->m), 0);
	sh->waiting = 1;
	while (!sh->go)
		CHECK_EQ(pthread_cond_wait(&sh->c, &sh->m), 0);
	CHECK_EQ(pthread_mutex_unlock(&sh->m), 0);
	return NULL;
}

int main(void)
{
	struct timespec ms = { 0, 1000000L };
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	int to_child[2], to_parent[2], status, i;
	pthread_t s;
	pid_t pid;
	char byte;

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(sh != MAP_FAILED);
	CHECK_EQ(pthread_mutexattr_init(&ma), 0);
	CHECK_EQ(pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED), 0);
	CHECK_EQ(pthread_mutex_init(&sh->m, &ma), 0);
	CHECK_EQ(pthread_condattr_init(&ca), 0);
	CHECK_EQ(pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED), 0);
	CHECK_EQ(pthread_cond_init(&sh->c, &ca), 0);
	CHECK_EQ(pipe(to_child), 0);
	CHECK_EQ(pipe(to_parent), 0);
	CHECK_EQ(pthread_create(&s, NULL, sleeper, NULL), 0);
	wait_set_under(&sh->m, &sh->waiting);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		/* The signal, with the mutex kept until main says so. */
		CHECK_EQ(pthread_mutex_lock(&sh->m), 0);
		sh->go = 1;
		CHECK_EQ(pthread_cond_signal(&sh->c), 0);
		CHECK_EQ(write(to_parent[1], "s", 1), 1);
		CHECK_EQ(read(to_child[0], &byte, 1), 1);
		CHECK_EQ(pthread_mutex_unlock(&sh->m), 0);
		_exit(0);
	}
	CHECK_EQ(read(to_parent[0], &byte, 1), 1);
	/* The sleeper, woken, leaves the condvar before it blocks on the
	 * mutex: a moment for it to get there. */
	for (i = 0; i < 50; i++)
		nanosleep(&ms, NULL);
	CHECK_EQ(pthread_cond_destroy(&sh->c), 0);
	CHECK_EQ(write(to_child[1], "u", 1), 1);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(pthread_join(s, NULL), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
