/* SPDX-License-Identifier: MIT */
/*
 * interpose_thread.c - thread lifetime: creation (number, parent, creation
 * site), names, exit, join, and the process-exit paths that skip
 * destructors (_exit, _Exit), which still get the exit-status rule.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "alloc.h"
#include "real.h"
#include "runtime.h"

struct start {
	void *(*fn)(void *);
	void *arg;
	struct eng_thread *t;
};

static void *trampoline(void *p)
{
	struct start s = *(struct start *)p;

	eng_free(p, sizeof(struct start));
	rt_thread_started(s.t);
	return s.fn(s.arg);
}

COFFMAN_EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr,
				  void *(*fn)(void *), void *arg)
{
	struct eng_thread *self = rt_enter();
	struct start *s;
	int rc;

	if (!self)
		return R(pthread_create)(th, attr, fn, arg);
	s = eng_alloc(sizeof(*s));
	if (s) {
		/* Numbered here, in creation order, not when it first runs. */
		s->t = engine_thread_new(0, self->num, rt_capture_stack());
		if (!s->t) {
			eng_free(s, sizeof(*s));
			s = NULL;
		}
	}
	rt_leave();
	if (!s)
		return real.pthread_create(th, attr, fn, arg);
	s->fn = fn;
	s->arg = arg;
	rc = real.pthread_create(th, attr, trampoline, s);
	if (rc != 0) {
		threads_exit(s->t);
		eng_free(s, sizeof(*s));
	}
	return rc;
}

COFFMAN_EXPORT int pthread_join(pthread_t th, void **ret)
{
	return R(pthread_join)(th, ret);
}

COFFMAN_EXPORT void pthread_exit(void *ret)
{
	rt_set_exit_stack();
	R(pthread_exit)(ret);
}

COFFMAN_EXPORT int pthread_setname_np(pthread_t th, const char *name)
{
	int rc = R(pthread_setname_np)(th, name);
	struct eng_thread *self, *target;

	if (rc != 0 || !(self = rt_enter()))
		return rc;
	target = th == pthread_self() ? self : threads_find_handle(th);
	if (target) {
		struct coffman_event ev = {
			.op = OP_NAME,
			.kind = KIND_THREAD,
			.addr = target->num,
			.str = name,
		};

		engine_event(self, &ev);
	}
	rt_leave();
	return rc;
}

COFFMAN_EXPORT void _exit(int status)
{
	R(_exit)(rt_exit_status(status));
}

COFFMAN_EXPORT void _Exit(int status)
{
	R(_Exit)(rt_exit_status(status));
}
