/* SPDX-License-Identifier: MIT */
/*
 * interpose_seccomp.c - prctl(PR_SET_SECCOMP) and syscall(SYS_seccomp):
 * before the program confines itself with seccomp, the trace writer stops
 * relying on membarrier(2), which the program's filter may not allow (a
 * filter that kills on it would kill the program at its next flush).
 */
#include <linux/seccomp.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "real.h"
#include "runtime.h"
#include "trace_write.h"

COFFMAN_EXPORT int prctl(int option, ...)
{
	unsigned long a[4];
	va_list ap;
	int i;

	va_start(ap, option);
	for (i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	if (option == PR_SET_SECCOMP)
		trace_barriers_off();
	return R(prctl)(option, a[0], a[1], a[2], a[3]);
}

/* glibc's syscall() passes six arguments on, whatever the call: so do we. */
COFFMAN_EXPORT long syscall(long number, ...)
{
	long a[6];
	va_list ap;
	int i;

	va_start(ap, number);
	for (i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (number == SYS_seccomp)
		trace_barriers_off();
	return R(syscall)(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}
