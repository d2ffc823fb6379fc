/* SPDX-License-Identifier: MIT */
/*
 * interpose_thread.c - thread lifetime: creation (number, parent, creation
 * site), names, exit, join, and the process-exit paths that skip
 * destructors (_exit, _Exit), which still get the exit-status rule.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include "alloc.h"
#include "real.h"
#include "runtime.h"
#include "trace_glue.h"

struct start {
	void *(*fn)(void *);  /* pthread start routine, or NULL */
	int (*c11_fn)(void *); /* thrd_create start routine, or NULL */
	void *arg;
	struct eng_thread *t;
};

/* The engine's number of the thread behind a handle, 0 if unknown. */
static uint64_t thread_num(pthread_t th)
{
	struct eng_thread *t = threads_find_handle((uint64_t)th);

	return t ? t->num : 0;
}

static void *trampoline(void *p)
{
	struct start s = *(struct start *)p;

	eng_free(p, sizeof(struct start));
	if (s.t)
		s.t->start_pc = (uintptr_t)s.fn + 1;
	rt_thread_started(s.t);
	return s.fn(s.arg);
}

static int c11_trampoline(void *p)
{
	struct start s = *(struct start *)p;

	eng_free(p, sizeof(struct start));
	if (s.t)
		s.t->start_pc = (uintptr_t)s.c11_fn + 1;
	rt_thread_started(s.t);
	return s.c11_fn(s.arg);
}

/* The record for a thread about to be created (numbered in creation
 * order, not when it first runs); NULL to create it untracked. */
static struct start *start_new(struct eng_thread *self)
{
	struct start *s = eng_alloc(sizeof(*s));

	rt_start_watchdog();

	if (s) {
		s->t = engine_thread_new(0, self->num, rt_capture_stack());
		if (!s->t) {
			eng_free(s, sizeof(*s));
			s = NULL;
		}
	}
	return s;
}

/*
 * The creator's own event for a thread it created (num): thread_start, so
 * that every call reaches the engine and a trace shows who made whom.
 */
static void created(uint32_t num, const void *pc)
{
	struct eng_thread *self = rt_enter();

	if (!self)
		return;
	rt_event(self, OP_THREAD_START, KIND_THREAD, MODE_EXCL, 0,
		 (const void *)(uintptr_t)num, 0, pc);
	rt_leave();
}

COFFMAN_EXPORT int thrd_create(thrd_t *th, thrd_start_t fn, void *arg)
{
	struct eng_thread *self = rt_enter(), *nt;
	struct start *s;
	uint32_t num;
	int rc;

	if (!self)
		return R(thrd_create)(th, fn, arg);
	s = start_new(self);
	rt_leave();
	if (!s)
		return real.thrd_create(th, fn, arg);
	s->fn = NULL;
	s->c11_fn = fn;
	s->arg = arg;
	nt = s->t; /* s is the new thread's once it runs */
	num = nt->num;
	rc = real.thrd_create(th, c11_trampoline, s);
	if (rc != thrd_success) {
		threads_exit(nt);
		eng_free(s, sizeof(*s));
	} else {
		threads_set_handle(nt, (uint64_t)*th);
		created(num, __builtin_return_address(0));
		rt_wait_started(nt);
	}
	return rc;
}

COFFMAN_EXPORT int thrd_join(thrd_t th, int *res)
{
	const void *pc = __builtin_return_address(0);
	struct eng_thread *t = rt_enter();
	uint64_t target;
	int rc;

	if (!t)
		return R(thrd_join)(th, res);
	target = thread_num((pthread_t)th);
	rt_event(t, OP_WAIT, KIND_THREAD, MODE_EXCL, 0,
		 (const void *)(uintptr_t)target, 0, pc);
	rt_leave();
	rc = real.thrd_join(th, res);
	rt_busy = 1;
	rt_event(t, OP_WOKEN, KIND_THREAD, MODE_EXCL, 0,
		 (const void *)(uintptr_t)target, 0, pc);
	rt_event(t, OP_JOIN, KIND_THREAD, MODE_EXCL, 0,
		 (const void *)(uintptr_t)target, (uint64_t)rc, pc);
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int thrd_detach(thrd_t th)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		rt_event(t, OP_PROBE, KIND_THREAD, MODE_EXCL, 0,
			 (const void *)(uintptr_t)thread_num((pthread_t)th),
			 0, __builtin_return_address(0));
		rt_leave();
	}
	return R(thrd_detach)(th);
}

COFFMAN_EXPORT void thrd_exit(int res)
{
	rt_set_exit_stack();
	R(thrd_exit)(res);
}

COFFMAN_EXPORT int pthread_create(pthread_t *th, const pthread_attr_t *attr,
				  void *(*fn)(void *), void *arg)
{
	struct eng_thread *self = rt_enter(), *nt;
	struct start *s;
	uint32_t num;
	int rc;

	if (!self)
		return R(pthread_create)(th, attr, fn, arg);
	s = start_new(self);
	rt_leave();
	if (!s)
		return real.pthread_create(th, attr, fn, arg);
	s->c11_fn = NULL;
	s->fn = fn;
	s->arg = arg;
	nt = s->t; /* s is the new thread's once it runs */
	num = nt->num;
	rc = real.pthread_create(th, attr, trampoline, s);
	if (rc != 0) {
		threads_exit(nt);
		eng_free(s, sizeof(*s));
	} else {
		/* Now, not when it first runs: a join may come first. */
		threads_set_handle(nt, (uint64_t)*th);
		created(num, __builtin_return_address(0));
		rt_wait_started(nt);
	}
	return rc;
}

enum join_call { JOIN_PLAIN, JOIN_TRY, JOIN_TIMED, JOIN_CLOCK };

static int join_real(enum join_call call, pthread_t th, void **ret,
		     clockid_t clk, const struct timespec *ts)
{
	if (!real_ready)
		real_resolve();
	switch (call) {
	case JOIN_PLAIN:
		return real.pthread_join(th, ret);
	case JOIN_TRY:
		return real.pthread_tryjoin_np(th, ret);
	case JOIN_TIMED:
		return real.pthread_timedjoin_np(th, ret, ts);
	default:
		return real.pthread_clockjoin_np(th, ret, clk, ts);
	}
}

/* A join waits for the joined thread: recorded as a wait on it. */
static int join_common(enum join_call call, pthread_t th, void **ret,
		       clockid_t clk, const struct timespec *ts,
		       const void *pc)
{
	struct eng_thread *t = rt_enter();
	uint32_t flags = (call == JOIN_TIMED || call == JOIN_CLOCK) ? EVF_TIMED
								    : 0;
	uint64_t target;
	int rc;

	if (!t)
		return join_real(call, th, ret, clk, ts);
	target = thread_num(th);
	if (call != JOIN_TRY)
		rt_event(t, OP_WAIT, KIND_THREAD, MODE_EXCL, flags,
			 (const void *)(uintptr_t)target, 0, pc);
	rt_leave();
	rc = join_real(call, th, ret, clk, ts);
	rt_busy = 1;
	if (call != JOIN_TRY)
		rt_event(t, OP_WOKEN, KIND_THREAD, MODE_EXCL, flags,
			 (const void *)(uintptr_t)target, 0, pc);
	rt_event(t, OP_JOIN, KIND_THREAD, MODE_EXCL,
		 (call == JOIN_TRY ? EVF_TRY : 0) | flags,
		 (const void *)(uintptr_t)target, (uint64_t)rc, pc);
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_join(pthread_t th, void **ret)
{
	return join_common(JOIN_PLAIN, th, ret, 0, NULL,
			   __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_tryjoin_np(pthread_t th, void **ret)
{
	return join_common(JOIN_TRY, th, ret, 0, NULL,
			   __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_timedjoin_np(pthread_t th, void **ret,
					const struct timespec *ts)
{
	return join_common(JOIN_TIMED, th, ret, 0, ts,
			   __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_clockjoin_np(pthread_t th, void **ret,
					clockid_t clk,
					const struct timespec *ts)
{
	return join_common(JOIN_CLOCK, th, ret, clk, ts,
			   __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_detach(pthread_t th)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		rt_event(t, OP_PROBE, KIND_THREAD, MODE_EXCL, 0,
			 (const void *)(uintptr_t)thread_num(th), 0,
			 __builtin_return_address(0));
		rt_leave();
	}
	return R(pthread_detach)(th);
}

/*
 * A cancel ends the target's wait at a cancellation point (a join, a
 * condvar or semaphore wait): such a wait is in no deadlock. Seen only
 * once glibc has accepted it. A target whose cancel type is asynchronous
 * is cancelled wherever it waits, in a mutex too (not async-cancel-safe
 * by POSIX, but glibc does it): the event's arg says so (1).
 */
COFFMAN_EXPORT int pthread_cancel(pthread_t th)
{
	struct eng_thread *t = rt_enter(), *u;
	uint64_t target = 0, async = 0;
	int rc;

	/* Its number first: cancelled, it may be gone at once. */
	if (t) {
		u = threads_find_handle((uint64_t)th);
		if (u) {
			target = u->num;
			async = __atomic_load_n(&u->cancel_async,
						__ATOMIC_RELAXED);
		}
		rt_leave();
	}
	rc = R(pthread_cancel)(th);
	if (rc != 0 || !target || !(t = rt_enter()))
		return rc;
	rt_event(t, OP_CANCEL, KIND_THREAD, MODE_EXCL, 0,
		 (const void *)(uintptr_t)target, async,
		 __builtin_return_address(0));
	rt_leave();
	return rc;
}

/* Only noted, for pthread_cancel above: no event of its own. */
COFFMAN_EXPORT int pthread_setcanceltype(int type, int *oldtype)
{
	struct eng_thread *t = rt_thread;
	uint8_t was = t ? t->cancel_async : 0;
	int rc;

	/* Asynchronous before glibc's: a cancel sent meanwhile sees it. */
	if (t && type == PTHREAD_CANCEL_ASYNCHRONOUS)
		__atomic_store_n(&t->cancel_async, 1, __ATOMIC_RELAXED);
	rc = R(pthread_setcanceltype)(type, oldtype);
	if (t)
		__atomic_store_n(&t->cancel_async,
				 rc == 0 ? type == PTHREAD_CANCEL_ASYNCHRONOUS
					 : was,
				 __ATOMIC_RELAXED);
	return rc;
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
	if (target)
		rt_event_name(self, target->num, name);
	rt_leave();
	return rc;
}

COFFMAN_EXPORT void _exit(int status)
{
	rt_trace_leaving(TRACE_END_EXIT);
	R(_exit)(rt_exit_status(status));
}

COFFMAN_EXPORT void _Exit(int status)
{
	rt_trace_leaving(TRACE_END_EXIT);
	R(_Exit)(rt_exit_status(status));
}
