/* SPDX-License-Identifier: MIT */
/*
 * interpose_sem.c - POSIX semaphores, unnamed and named. A successful
 * decrement holds a unit until the same thread posts; the engine decides
 * from who posts whether the semaphore is a lock or a signal. Failures are
 * reported through errno, which the wrappers pass back untouched.
 */
#include <errno.h>
#include <fcntl.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "claims.h"
#include "engine_fast.h"
#include "real.h"
#include "runtime.h"

static void sem_event(struct eng_thread *t, uint32_t op, uint32_t flags,
		      sem_t *s, uint64_t arg, const void *pc)
{
	rt_event(t, op, KIND_SEM, MODE_EXCL, flags, s, arg, pc);
}

COFFMAN_EXPORT int sem_init(sem_t *s, int pshared, unsigned int value)
{
	struct eng_thread *t;
	int rc = R(sem_init)(s, pshared, value);
	int saved = errno;

	if (rc != 0 || !(t = rt_enter()))
		return rc;
	sem_event(t, OP_INIT, EVF_TYPE_KNOWN, s, value,
		  __builtin_return_address(0));
	rt_leave();
	errno = saved;
	return rc;
}

COFFMAN_EXPORT int sem_destroy(sem_t *s)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		int saved = errno;

		sem_event(t, OP_DESTROY, 0, s, 0, __builtin_return_address(0));
		rt_leave();
		errno = saved;
	}
	return R(sem_destroy)(s);
}

enum sem_call { SEM_PLAIN, SEM_TRY, SEM_TIMED, SEM_CLOCK };

static int sem_real(enum sem_call call, sem_t *s, clockid_t clk,
		    const struct timespec *ts)
{
	if (!real_ready)
		real_resolve();
	switch (call) {
	case SEM_PLAIN:
		return real.sem_wait(s);
	case SEM_TRY:
		return real.sem_trywait(s);
	case SEM_TIMED:
		return real.sem_timedwait(s, ts);
	default:
		return real.sem_clockwait(s, clk, ts);
	}
}

/*
 * A thread with claims (banker=warn|avoid): the Banker's check first (with
 * avoid it may wait there, or fail a try with EAGAIN), and no fast path,
 * so every unit taken and given back reaches the engine. Leaves the
 * runtime.
 */
static __attribute__((noinline)) int
sem_banked(struct eng_thread *t, enum sem_call call, sem_t *s, clockid_t clk,
	   const struct timespec *ts, const void *pc)
{
	uint32_t flags = (call == SEM_TIMED || call == SEM_CLOCK) ? EVF_TIMED
								  : 0;
	int rc, err;

	rc = claims_before(t, (uintptr_t)s, KIND_SEM, MODE_EXCL,
			   call == SEM_TRY ? EVF_TRY : flags, (uintptr_t)pc,
			   ts, call == SEM_CLOCK ? clk : CLOCK_REALTIME);
	if (rc) {
		rt_leave();
		errno = rc == -EBUSY ? EAGAIN : ETIMEDOUT;
		return -1;
	}
	rc = sem_real(SEM_TRY, s, 0, NULL);
	err = errno;
	if (rc != 0 && err == EAGAIN && call == SEM_TRY)
		sem_event(t, OP_TRY_FAILED, EVF_TRY, s, 0, pc);
	if (rc != 0 && err == EAGAIN && call != SEM_TRY) {
		if (rt_event(t, OP_ACQUIRE, KIND_SEM, MODE_EXCL, flags, s, 0,
			     pc) == -EDEADLK) {
			claims_cancel(t);
			rt_leave();
			errno = EINTR;
			return -1;
		}
		rt_leave();
		rc = sem_real(call, s, clk, ts);
		err = errno;
		rt_busy = 1;
		if (rc != 0 && err == ETIMEDOUT)
			sem_event(t, OP_TIMED_OUT, flags, s, 0, pc);
	}
	if (rc == 0)
		sem_event(t, OP_ACQUIRED, flags, s, 0, pc);
	else
		claims_cancel_pending(t);
	rt_leave();
	errno = err;
	return rc;
}

/*
 * A decrement by thread t, in the runtime (its cancellation test done),
 * whatever the fast paths of sem_wait and sem_trywait below leave: left
 * out of line, so that those save few registers. Leaves the runtime.
 *
 * A successful sem_trywait counts as an acquisition that could have
 * blocked: CPython's Lock.acquire() is a trywait first and a wait only
 * when that fails, so most of its blocking acquisitions look like tries.
 */
static __attribute__((noinline)) int
sem_down_entered(struct eng_thread *t, enum sem_call call, sem_t *s,
		 clockid_t clk, const struct timespec *ts, const void *pc)
{
	uint32_t flags = (call == SEM_TIMED || call == SEM_CLOCK) ? EVF_TIMED
								  : 0;
	struct fast_acq f = { NULL, 0, 0, 0, 0, false };
	bool fast = false;
	int rc, err;

	if (UNLIKELY(t->bk_on))
		return sem_banked(t, call, s, clk, ts, pc);
	/* A new acquisition by a wait has its stack walked before the
	 * attempt (not a try's: CPython polls with them). */
	if (call != SEM_TRY) {
		fast = engine_fast_probe(t, (uintptr_t)s, KIND_SEM, MODE_EXCL,
					 0, (uintptr_t)pc, &f);
		if (!fast)
			rt_pre_acquire(t, KIND_SEM, MODE_EXCL, 0, s, pc);
	}
	rc = sem_real(SEM_TRY, s, 0, NULL);
	if (LIKELY(rc == 0)) {
		/* errno as it was: a success leaves it alone */
		if (fast)
			engine_fast_commit(t, (uintptr_t)s, KIND_SEM,
					   MODE_EXCL, 0, (uintptr_t)pc, &f);
		else if (!engine_fast_acquired(t, (uintptr_t)s, KIND_SEM,
					       MODE_EXCL, 0, (uintptr_t)pc)) {
			err = errno;
			sem_event(t, OP_ACQUIRED, flags, s, 0, pc);
			errno = err;
		}
		rt_leave();
		return 0;
	}
	err = errno;
	if (err == EAGAIN && flags &&
	    rt_deadline_passed(call == SEM_CLOCK ? clk : CLOCK_REALTIME, ts)) {
		/* It cannot wait: a try, that took a unit or failed. */
		rc = sem_real(call, s, clk, ts);
		err = errno;
		if (rc == 0)
			sem_event(t, OP_ACQUIRED, EVF_TRY, s, 0, pc);
		else if (err == ETIMEDOUT)
			sem_event(t, OP_TRY_FAILED, EVF_TRY, s, 0, pc);
		rt_leave();
		errno = err;
		return rc;
	}
	if (rc != 0 && err == EAGAIN && call == SEM_TRY &&
	    !engine_fast_sem_try_failed(t, (uintptr_t)s, (uintptr_t)pc))
		sem_event(t, OP_TRY_FAILED, EVF_TRY, s, 0, pc);
	if (rc != 0 && err == EAGAIN && call != SEM_TRY) {
		if (rt_event(t, OP_ACQUIRE, KIND_SEM, MODE_EXCL, flags, s, 0,
			     pc) == -EDEADLK) {
			/* sem_wait cannot fail with EDEADLK: EINTR is the
			 * error a caller already retries or gives up on. */
			rt_leave();
			errno = EINTR;
			return -1;
		}
		rt_leave();
		rc = sem_real(call, s, clk, ts);
		err = errno;
		rt_busy = 1;
		if (rc != 0 && err == ETIMEDOUT)
			sem_event(t, OP_TIMED_OUT, flags, s, 0, pc);
	}
	if (rc == 0 && !engine_fast_acquired(t, (uintptr_t)s, KIND_SEM,
					     MODE_EXCL, 0, (uintptr_t)pc))
		sem_event(t, OP_ACQUIRED, flags, s, 0, pc);
	rt_leave();
	errno = err;
	return rc;
}

/*
 * sem_wait, sem_timedwait and sem_clockwait are cancellation points that
 * act on a pending cancel whether or not they would block (glibc tests at
 * their start). The runtime may take the unit with a trywait instead,
 * which is none: they test first, as glibc does.
 */
static int sem_down(enum sem_call call, sem_t *s, clockid_t clk,
		    const struct timespec *ts, const void *pc)
{
	struct eng_thread *t;

	if (rt_bad_abstime(call == SEM_CLOCK ? clk : CLOCK_REALTIME, ts))
		return sem_real(call, s, clk, ts);
	pthread_testcancel();
	t = rt_enter();
	if (!t)
		return sem_real(call, s, clk, ts);
	return sem_down_entered(t, call, s, clk, ts, pc);
}

/* The fast path: a unit taken at once in a nesting the thread knows. */
COFFMAN_EXPORT int sem_wait(sem_t *s)
{
	const void *pc = __builtin_return_address(0);
	struct eng_thread *t;
	struct fast_acq f;

	pthread_testcancel();
	t = rt_enter();
	if (UNLIKELY(!t))
		return sem_real(SEM_PLAIN, s, 0, NULL);
	if (UNLIKELY(t->bk_on) ||
	    !engine_fast_probe(t, (uintptr_t)s, KIND_SEM, MODE_EXCL, 0,
			       (uintptr_t)pc, &f) ||
	    sem_real(SEM_TRY, s, 0, NULL) != 0)
		return sem_down_entered(t, SEM_PLAIN, s, 0, NULL, pc);
	engine_fast_commit(t, (uintptr_t)s, KIND_SEM, MODE_EXCL, 0,
			   (uintptr_t)pc, &f);
	rt_leave();
	return 0;
}

/* sem_trywait's outcomes past its fast paths; leaves the runtime. */
static __attribute__((noinline)) int
sem_try_rest(struct eng_thread *t, sem_t *s, const void *pc, int rc)
{
	int err = errno;

	if (rc == 0)
		sem_event(t, OP_ACQUIRED, 0, s, 0, pc);
	else if (err == EAGAIN)
		sem_event(t, OP_TRY_FAILED, EVF_TRY, s, 0, pc);
	rt_leave();
	errno = err;
	return rc;
}

/* A unit taken in a known nesting, or a failed try on a semaphore the
 * thread knows, inline; CPython's locks are all trywaits first. */
COFFMAN_EXPORT int sem_trywait(sem_t *s)
{
	const void *pc = __builtin_return_address(0);
	struct eng_thread *t = rt_enter();
	int rc;

	if (UNLIKELY(!t))
		return sem_real(SEM_TRY, s, 0, NULL);
	if (UNLIKELY(t->bk_on))
		return sem_banked(t, SEM_TRY, s, 0, NULL, pc);
	rc = sem_real(SEM_TRY, s, 0, NULL);
	if (LIKELY(rc == 0) ? engine_fast_acquired(t, (uintptr_t)s, KIND_SEM,
						   MODE_EXCL, 0, (uintptr_t)pc)
			    : errno == EAGAIN &&
				      engine_fast_sem_try_failed(
					      t, (uintptr_t)s, (uintptr_t)pc)) {
		rt_leave();
		return rc; /* errno as the real call left it */
	}
	return sem_try_rest(t, s, pc, rc);
}

COFFMAN_EXPORT int sem_timedwait(sem_t *s, const struct timespec *ts)
{
	return sem_down(SEM_TIMED, s, 0, ts, __builtin_return_address(0));
}

COFFMAN_EXPORT int sem_clockwait(sem_t *s, clockid_t clk,
				 const struct timespec *ts)
{
	return sem_down(SEM_CLOCK, s, clk, ts, __builtin_return_address(0));
}

/* sem_post past its fast path; leaves the runtime. */
static __attribute__((noinline)) int sem_post_slow(struct eng_thread *t,
						   sem_t *s, const void *pc)
{
	int saved = errno;

	sem_event(t, OP_RELEASE, 0, s, 0, pc);
	errno = saved;
	rt_leave();
	return real.sem_post(s);
}

static __attribute__((noinline)) int
sem_post_traced(struct eng_thread *t, uint32_t kind, sem_t *s,
		const void *pc)
{
	return rt_traced_release(t, kind, s, pc, real.sem_post(s));
}

/* sem_post is async-signal-safe: from a handler interrupting the runtime
 * the guard makes it a plain post. */
COFFMAN_EXPORT int sem_post(sem_t *s)
{
	struct eng_thread *t = rt_enter();
	uint32_t kind;

	if (UNLIKELY(!t))
		return R(sem_post)(s);
	if (UNLIKELY(t->bk_on) || !engine_fast_pop(t, (uintptr_t)s, &kind))
		return sem_post_slow(t, s, __builtin_return_address(0));
	engine_fast_sem_let_go(t); /* the entry just popped */
	if (UNLIKELY(trace_enabled))
		return sem_post_traced(t, kind, s,
				       __builtin_return_address(0));
	rt_leave();
	return real.sem_post(s);
}

COFFMAN_EXPORT int sem_getvalue(sem_t *s, int *value)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		int saved = errno;

		sem_event(t, OP_PROBE, 0, s, 0, __builtin_return_address(0));
		rt_leave();
		errno = saved;
	}
	return R(sem_getvalue)(s, value);
}

COFFMAN_EXPORT sem_t *sem_open(const char *name, int oflag, ...)
{
	struct eng_thread *t;
	unsigned int value = 0;
	mode_t mode = 0;
	sem_t *s;
	int saved;

	if (oflag & O_CREAT) {
		va_list ap;

		va_start(ap, oflag);
		mode = (mode_t)va_arg(ap, unsigned int);
		value = va_arg(ap, unsigned int);
		va_end(ap);
		s = R(sem_open)(name, oflag, mode, value);
	} else {
		s = R(sem_open)(name, oflag);
	}
	if (s == SEM_FAILED || !(t = rt_enter()))
		return s;
	saved = errno;
	/* Only O_EXCL guarantees a new semaphore: opening an existing name
	 * again returns the same mapping, which keeps its identity. */
	if ((oflag & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		sem_event(t, OP_INIT, EVF_TYPE_KNOWN, s, value,
			  __builtin_return_address(0));
	else
		sem_event(t, OP_PROBE, 0, s, 0, __builtin_return_address(0));
	/* Claims files name semaphores "sem:/name". */
	if (UNLIKELY(claims_want_sem_names()) && strlen(name) < 60) {
		char spec[64];

		snprintf(spec, sizeof(spec), "sem:%s", name);
		claims_bind_name((uintptr_t)s, spec,
				 (oflag & O_CREAT) ? value : 0);
	}
	rt_leave();
	errno = saved;
	return s;
}

COFFMAN_EXPORT int sem_close(sem_t *s)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		int saved = errno;

		rt_event(t, OP_RETIRE_RANGE, KIND_SEM, 0, 0, s, sizeof(sem_t),
			 __builtin_return_address(0));
		rt_leave();
		errno = saved;
	}
	return R(sem_close)(s);
}

COFFMAN_EXPORT int sem_unlink(const char *name)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		int saved = errno;

		rt_event(t, OP_PROBE, KIND_SEM, 0, 0, NULL, 0,
			 __builtin_return_address(0));
		rt_leave();
		errno = saved;
	}
	return R(sem_unlink)(name);
}
