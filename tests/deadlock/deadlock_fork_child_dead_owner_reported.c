/* SPDX-License-Identifier: MIT */
/*
 * deadlock_fork_child_dead_owner_reported.c - "holder" has state_lock
 * when the main thread forks. In the child only the forking thread lives,
 * so nobody will ever unlock state_lock there: the child's lock is a
 * deadlock with an exited owner (reported in the child, which exits 66),
 * while the parent, where the holder lets go, stays silent.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@taken,@child_wait threads=holder,main objects=state_lock
 * EXPECT stderr~=why it hangs
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dl.h"

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t taken, forked;

static void *hold(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0); /* @taken */
	pthread_barrier_wait(&taken);
	pthread_barrier_wait(&forked);
	CHECK_EQ(pthread_mutex_unlock(&state_lock), 0);
	return NULL;
}

int main(void)
{
	struct dl_thread h;
	int status;
	pid_t pid;

	dl_bound(5);
	pthread_setname_np(pthread_self(), "main");
	pthread_barrier_init(&taken, NULL, 2);
	pthread_barrier_init(&forked, NULL, 2);
	dl_spawn(&h, "holder", hold, NULL);
	pthread_barrier_wait(&taken);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		pthread_mutex_lock(&state_lock); /* @child_wait */
		fprintf(stderr, "NOT REACHED: the child got state_lock\n");
		_exit(1);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 66);
	pthread_barrier_wait(&forked);
	dl_join(&h);
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&state_lock), 0);
	return 0;
}
