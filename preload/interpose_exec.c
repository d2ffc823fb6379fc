/* SPDX-License-Identifier: MIT */
/*
 * interpose_exec.c - the exec family: the image is about to be replaced,
 * so the trace is written out first. Nothing else changes; every call
 * returns what the real one returns. glibc's own variants call execve
 * internally, not through the PLT, so each name is wrapped.
 */
#include <errno.h>
#include <stdarg.h>
#include <unistd.h>

#include "alloc.h"
#include "real.h"
#include "runtime.h"
#include "trace_glue.h"

#define ARGV_ON_STACK 1024 /* execl* arguments kept on the stack */

static void before_exec(void)
{
	int saved = errno;

	rt_trace_leaving(TRACE_END_EXEC);
	errno = saved;
}

COFFMAN_EXPORT int execve(const char *path, char *const argv[],
			  char *const envp[])
{
	before_exec();
	return R(execve)(path, argv, envp);
}

COFFMAN_EXPORT int execv(const char *path, char *const argv[])
{
	before_exec();
	return R(execv)(path, argv);
}

COFFMAN_EXPORT int execvp(const char *file, char *const argv[])
{
	before_exec();
	return R(execvp)(file, argv);
}

COFFMAN_EXPORT int execvpe(const char *file, char *const argv[],
			   char *const envp[])
{
	before_exec();
	return R(execvpe)(file, argv, envp);
}

COFFMAN_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
	before_exec();
	return R(fexecve)(fd, argv, envp);
}

/*
 * The execl* variants, as glibc runs them: the arguments in an array, then
 * the v-variant. Few arguments fit on the stack; more get engine memory,
 * given back if the exec fails.
 */
enum exec_l { EXEC_L, EXEC_LP, EXEC_LE };

static int exec_list(enum exec_l how, const char *path, const char *arg,
		     va_list ap)
{
	char *on_stack[ARGV_ON_STACK], **argv = on_stack;
	char *const *envp = environ;
	size_t n = 1, i, bytes = 0;
	va_list count;
	int rc;

	va_copy(count, ap);
	while (va_arg(count, char *))
		n++;
	va_end(count);
	if (n + 1 > ARGV_ON_STACK) {
		bytes = (n + 1) * sizeof(char *);
		argv = eng_alloc(bytes);
		if (!argv) {
			errno = E2BIG;
			return -1;
		}
	}
	argv[0] = (char *)arg;
	for (i = 1; i <= n; i++)
		argv[i] = va_arg(ap, char *); /* argv[n] is the NULL */
	if (how == EXEC_LE)
		envp = va_arg(ap, char *const *);
	before_exec();
	if (how == EXEC_LP)
		rc = R(execvp)(path, argv);
	else
		rc = R(execve)(path, argv, envp);
	if (bytes) {
		int saved = errno;

		eng_free(argv, bytes);
		errno = saved;
	}
	return rc;
}

COFFMAN_EXPORT int execl(const char *path, const char *arg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, arg);
	rc = exec_list(EXEC_L, path, arg, ap);
	va_end(ap);
	return rc;
}

COFFMAN_EXPORT int execlp(const char *file, const char *arg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, arg);
	rc = exec_list(EXEC_LP, file, arg, ap);
	va_end(ap);
	return rc;
}

COFFMAN_EXPORT int execle(const char *path, const char *arg, ...)
{
	va_list ap;
	int rc;

	va_start(ap, arg);
	rc = exec_list(EXEC_LE, path, arg, ap);
	va_end(ap);
	return rc;
}
