/* SPDX-License-Identifier: MIT */
/*
 * interpose_clone.c - clone(): a child process made without fork(), so
 * without the fork handlers that leave the runtime's state whole in a
 * child (runtime.c: fork_prepare takes every lock of the runtime first).
 * Its copy of that state may hold a lock another thread of the parent had
 * at the moment it was made, a thread it does not have: the first use of
 * the lock in the child, its exit's summary for one, would wait for ever.
 * So in such a child the runtime goes quiet: every wrapper passes
 * straight through, and its exit writes nothing. A child that shares the
 * parent's memory (CLONE_VM) is left alone: what it would change is the
 * parent's.
 */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>

#include "real.h"
#include "runtime.h"

struct clone_start {
	int (*fn)(void *);
	void *arg;
};

/* The child's first code, on its own copy of memory: the wrapper's frame,
 * *s included, was copied as it stood. */
static int clone_child(void *p)
{
	const struct clone_start *s = p;

	rt_quiet();
	return s->fn(s->arg);
}

COFFMAN_EXPORT int clone(int (*fn)(void *), void *stack, int flags,
			 void *arg, ...)
{
	struct clone_start s = { fn, arg };
	pid_t *ptid = NULL, *ctid = NULL;
	void *tls = NULL;
	va_list ap;

	/* The optional arguments, read as glibc's clone(2) reads them: those
	 * the flags use. */
	va_start(ap, arg);
	if (flags & (CLONE_PARENT_SETTID | CLONE_SETTLS |
		     CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PIDFD)) {
		ptid = va_arg(ap, pid_t *);
		tls = va_arg(ap, void *);
		ctid = va_arg(ap, pid_t *);
	}
	va_end(ap);
	if ((flags & CLONE_VM) || !fn)
		return R(clone)(fn, stack, flags, arg, ptid, tls, ctid);
	return R(clone)(clone_child, stack, flags, &s, ptid, tls, ctid);
}
