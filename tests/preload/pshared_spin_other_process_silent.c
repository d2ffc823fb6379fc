/* SPDX-License-Identifier: MIT */
/*
 * pshared_spin_other_process_silent.c - a process-shared spinlock in
 * shared memory, taken by the parent, is unlocked by its child process;
 * the parent then takes it again, which succeeds. glibc keeps no pshared
 * flag in a spinlock, so the runtime notes it at pthread_spin_init: the
 * parent's second lock is no self-deadlock.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

int main(void)
{
	pthread_spinlock_t *s = mmap(NULL, sizeof(*s), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	CHECK(s != MAP_FAILED);
	CHECK_EQ(pthread_spin_init(s, PTHREAD_PROCESS_SHARED), 0);
	CHECK_EQ(pthread_spin_lock(s), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_EQ(pthread_spin_unlock(s), 0);
		_exit(0);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(pthread_spin_lock(s), 0); /* the child let it go */
	CHECK_EQ(pthread_spin_unlock(s), 0);
	CHECK_EQ(pthread_spin_destroy(s), 0);
	return 0;
}
