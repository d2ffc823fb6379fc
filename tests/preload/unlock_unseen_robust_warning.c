/* SPDX-License-Identifier: MIT */
/*
 * unlock_unseen_robust_warning.c - a robust, process-shared mutex that
 * another process initialised (in shared memory; this program's exec'd
 * child never saw the init) is unlocked by a thread that does not hold
 * it. glibc refuses that with EPERM: a warning, and a valid mutex type
 * (robust) must not pass for memory that holds no mutex (EINVAL).
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=unlock-not-owned severity=warning lines=@unlock
 * EXPECT stderr~=fails with EPERM and unlocks nothing
 * EXPECT stderr!~=EINVAL
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static pthread_mutex_t *map(int fd)
{
	void *p = mmap(NULL, sizeof(pthread_mutex_t), PROT_READ | PROT_WRITE,
		       MAP_SHARED, fd, 0);

	CHECK(p != MAP_FAILED);
	return p;
}

int main(int argc, char **argv)
{
	pthread_mutexattr_t a;
	pthread_mutex_t *m;
	char arg[16];
	int fd, status;
	pid_t pid;

	if (argc > 2 && !strcmp(argv[1], "child")) {
		m = map(atoi(argv[2]));
		CHECK_EQ(pthread_mutex_unlock(m), EPERM); /* @unlock */
		return 0;
	}
	fd = memfd_create("robust", 0);
	CHECK(fd >= 0);
	CHECK_EQ(ftruncate(fd, sizeof(pthread_mutex_t)), 0);
	m = map(fd);
	CHECK_EQ(pthread_mutexattr_init(&a), 0);
	CHECK_EQ(pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED), 0);
	CHECK_EQ(pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST), 0);
	CHECK_EQ(pthread_mutex_init(m, &a), 0);
	snprintf(arg, sizeof(arg), "%d", fd);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		execl("/proc/self/exe", argv[0], "child", arg, (char *)NULL);
		_exit(99);
	}
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	return WEXITSTATUS(status);
}
