/* SPDX-License-Identifier: MIT */
/*
 * interpose_c11.c - C11 <threads.h> mutexes and condition variables.
 * glibc implements them on its internal pthread functions, so the
 * pthread_* wrappers never see them: they get their own. An mtx_t has the
 * layout of a pthread_mutex_t, which is where its type and owner are read.
 */
#include <errno.h>
#include <pthread.h>
#include <threads.h>

#include "real.h"
#include "runtime.h"

static const pthread_mutex_t *as_pthread(const mtx_t *m)
{
	return (const pthread_mutex_t *)(const void *)m;
}

static void mtx_event(struct eng_thread *t, uint32_t op, uint32_t flags,
		      mtx_t *m, const void *pc)
{
	rt_event_ex(t, op, KIND_MUTEX, MODE_EXCL, flags | EVF_TYPE_KNOWN, m,
		 rt_mutex_type(as_pthread(m)),
		 op == OP_DESTROY ? as_pthread(m)->__data.__owner : 0,
		 pc);
}

COFFMAN_EXPORT int mtx_init(mtx_t *m, int type)
{
	struct eng_thread *t;
	int rc = R(mtx_init)(m, type);

	if (rc != thrd_success || !(t = rt_enter()))
		return rc;
	mtx_event(t, OP_INIT, 0, m, __builtin_return_address(0));
	rt_leave();
	return rc;
}

COFFMAN_EXPORT void mtx_destroy(mtx_t *m)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		mtx_event(t, OP_DESTROY, 0, m, __builtin_return_address(0));
		rt_leave();
	}
	R(mtx_destroy)(m);
}

/* A lock glibc refused because m holds no initialised mutex (never
 * initialised, or destroyed): the engine reports it. */
static void mtx_refused(struct eng_thread *t, int rc, uint32_t flags,
			mtx_t *m, const void *pc)
{
	if (rc == thrd_error &&
	    (rt_mutex_type(as_pthread(m)) & MTYPE_INVALID_BIT))
		mtx_event(t, OP_PROBE, flags, m, pc);
}

static int mtx_acquire(mtx_t *m, const struct timespec *ts, const void *pc)
{
	struct eng_thread *t = rt_enter();
	uint32_t flags = ts ? EVF_TIMED : 0;
	int rc;

	if (!t)
		return ts ? R(mtx_timedlock)(m, ts) : R(mtx_lock)(m);
	rc = real.mtx_trylock(m);
	if (rc == thrd_busy) {
		if (rt_event_ex(t, OP_ACQUIRE, KIND_MUTEX, MODE_EXCL,
				flags | EVF_TYPE_KNOWN, m,
				rt_mutex_type(as_pthread(m)),
				as_pthread(m)->__data.__owner,
				pc) == -EDEADLK) {
			rt_leave();
			return thrd_error;
		}
		rt_leave();
		rc = ts ? real.mtx_timedlock(m, ts) : real.mtx_lock(m);
		rt_busy = 1;
		if (rc == thrd_timedout)
			mtx_event(t, OP_TIMED_OUT, flags, m, pc);
	}
	if (rc == thrd_success)
		mtx_event(t, OP_ACQUIRED, flags, m, pc);
	mtx_refused(t, rc, flags, m, pc);
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int mtx_lock(mtx_t *m)
{
	return mtx_acquire(m, NULL, __builtin_return_address(0));
}

COFFMAN_EXPORT int mtx_timedlock(mtx_t *restrict m,
				 const struct timespec *restrict ts)
{
	return mtx_acquire(m, ts, __builtin_return_address(0));
}

COFFMAN_EXPORT int mtx_trylock(mtx_t *m)
{
	struct eng_thread *t = rt_enter();
	int rc;

	if (!t)
		return R(mtx_trylock)(m);
	rc = real.mtx_trylock(m);
	if (rc == thrd_success)
		mtx_event(t, OP_ACQUIRED, EVF_TRY, m,
			  __builtin_return_address(0));
	else if (rc == thrd_busy)
		mtx_event(t, OP_TRY_FAILED, EVF_TRY, m,
			  __builtin_return_address(0));
	mtx_refused(t, rc, EVF_TRY, m, __builtin_return_address(0));
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int mtx_unlock(mtx_t *m)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		rt_event_owner(t, OP_RELEASE, KIND_MUTEX, 0, m,
			       __atomic_load_n(&as_pthread(m)->__data.__owner,
					       __ATOMIC_RELAXED),
			       __builtin_return_address(0));
		rt_leave();
	}
	return R(mtx_unlock)(m);
}

struct cnd_ctx {
	struct eng_thread *t;
	mtx_t *m;
	const void *pc;
	uint32_t flags;
};

static void cnd_reacquired(struct cnd_ctx *w)
{
	rt_busy = 1;
	mtx_event(w->t, OP_ACQUIRED, w->flags | EVF_CONDWAIT, w->m, w->pc);
	rt_busy = 0;
}

static void cnd_cancelled(void *arg)
{
	struct cnd_ctx *w = arg;

	if (w->t)
		cnd_reacquired(w);
}

/* As pthread_cond_wait: releases the mutex, re-takes it unseen. */
static int cnd_common(cnd_t *c, mtx_t *m, const struct timespec *ts,
		      const void *pc)
{
	struct cnd_ctx w = { NULL, m, pc, ts ? EVF_TIMED : 0 };
	int rc;

	w.t = rt_enter();
	if (w.t) {
		rt_event_owner(w.t, OP_RELEASE, KIND_MUTEX, EVF_CONDWAIT, m,
			       __atomic_load_n(&as_pthread(m)->__data.__owner,
					       __ATOMIC_RELAXED),
			       pc);
		rt_event(w.t, OP_WAIT, KIND_COND, MODE_EXCL, w.flags, c, 0, pc);
		rt_leave();
	}
	if (!real_ready)
		real_resolve();
	pthread_cleanup_push(cnd_cancelled, &w);
	rc = ts ? real.cnd_timedwait(c, m, ts) : real.cnd_wait(c, m);
	pthread_cleanup_pop(0);
	if (w.t && rc != thrd_error)
		cnd_reacquired(&w);
	return rc;
}

COFFMAN_EXPORT int cnd_wait(cnd_t *c, mtx_t *m)
{
	return cnd_common(c, m, NULL, __builtin_return_address(0));
}

COFFMAN_EXPORT int cnd_timedwait(cnd_t *restrict c, mtx_t *restrict m,
				 const struct timespec *restrict ts)
{
	return cnd_common(c, m, ts, __builtin_return_address(0));
}

/* As pthread_cond_signal: a woken waiter is no longer asleep. */
static int cnd_wake(cnd_t *c, int broadcast, const void *pc)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		rt_event(t, OP_SIGNAL, KIND_COND, MODE_EXCL, 0, c,
			 (uint64_t)broadcast, pc);
		rt_leave();
	}
	if (!real_ready)
		real_resolve();
	return broadcast ? real.cnd_broadcast(c) : real.cnd_signal(c);
}

COFFMAN_EXPORT int cnd_signal(cnd_t *c)
{
	return cnd_wake(c, 0, __builtin_return_address(0));
}

COFFMAN_EXPORT int cnd_broadcast(cnd_t *c)
{
	return cnd_wake(c, 1, __builtin_return_address(0));
}
