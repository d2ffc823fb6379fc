/* SPDX-License-Identifier: MIT */
/*
 * foreign_child_status_reported.c - main makes an error (it destroys a
 * mutex it holds), so its own exit status becomes 66. Then two children
 * made without fork(): one with vfork() that ends with _exit(7), and
 * one with the fork system call that ends with exit(5) (exit handlers
 * run there, the runtime's included). Neither is the process the
 * runtime's state belongs to: each keeps its own exit status, and writes
 * no summary.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=destroy-locked severity=error lines=@locked,@destroyed threads=main objects=doomed
 */
#include <sys/syscall.h>

#include "check.h"

static pthread_mutex_t doomed = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	int status;
	pid_t pid;

	pthread_setname_np(pthread_self(), "main");
	CHECK_EQ(pthread_mutex_lock(&doomed), 0); /* @locked */
	pthread_mutex_destroy(&doomed);		  /* @destroyed */
	CHECK_EQ(coffman_error_count(), 1);

	pid = vfork();
	CHECK(pid >= 0);
	if (pid == 0)
		_exit(7);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 7);

	fflush(NULL);
	pid = (pid_t)syscall(SYS_fork);
	CHECK(pid >= 0);
	if (pid == 0)
		exit(5);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 5);

	CHECK_EQ(pthread_mutex_unlock(&doomed), 0);
	return 0;
}
