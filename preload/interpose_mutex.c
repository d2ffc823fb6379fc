/* SPDX-License-Identifier: MIT */
/* interpose_mutex.c - pthread_mutex_* wrappers: calls become events. */
#include <errno.h>
#include <pthread.h>

#include "claims.h"
#include "engine_fast.h"
#include "glibc_mutex.h"
#include "real.h"
#include "runtime.h"

static int32_t mutex_owner(const pthread_mutex_t *m)
{
	return __atomic_load_n(&m->__data.__owner, __ATOMIC_RELAXED);
}

/*
 * A trylock of thread t found m taken: retry it up to rt_spin times,
 * ever longer pauses between tries (rt_spin_wait), a try only when the
 * lock word says free. Most critical sections are short, and recording
 * a wait (the wait-for graph's lock, a timestamp) costs more than a few
 * retries. Not when t holds m itself: that wait is for the engine to see
 * now.
 */
static int spin_trylock(struct eng_thread *t, pthread_mutex_t *m)
{
	int k, rc = EBUSY;

	if (mutex_owner(m) == t->tid)
		return EBUSY;
	for (k = 1; k <= rt_spin; k++) {
		rt_spin_wait(k);
		if (__atomic_load_n(&m->__data.__lock, __ATOMIC_RELAXED) == 0 &&
		    (rc = glibc_mutex_trylock(m, t->tid)) != EBUSY)
			break;
	}
	return rc;
}

static int acquired_ok(int rc)
{
	return rc == 0 || rc == EOWNERDEAD;
}

static int mutex_event(struct eng_thread *t, uint32_t op, uint32_t flags,
		       pthread_mutex_t *m, const void *pc)
{
	return rt_event_ex(t, op, KIND_MUTEX, MODE_EXCL,
			   flags | EVF_TYPE_KNOWN, m, rt_mutex_type(m),
			   op == OP_ACQUIRE || op == OP_DESTROY ? mutex_owner(m)
								 : 0,
			   pc);
}

/* A lock call glibc refused with EINVAL because m holds no initialised
 * mutex (never initialised, or destroyed): the engine reports it. */
static void lock_refused(struct eng_thread *t, int rc, uint32_t flags,
			 pthread_mutex_t *m, const void *pc)
{
	if (rc == EINVAL && (rt_mutex_type(m) & MTYPE_INVALID_BIT))
		mutex_event(t, OP_PROBE, flags, m, pc);
}

/*
 * A thread with claims (banker=warn|avoid): the Banker's check comes first
 * (with avoid it may wait there), and no fast path, so every acquisition
 * and release reaches the engine. flags: 0, EVF_TRY or EVF_TIMED (then
 * 'clocked' picks clocklock over timedlock). Leaves the runtime.
 */
static __attribute__((noinline)) int
banked_lock(struct eng_thread *t, pthread_mutex_t *m, uint32_t flags,
	    int clocked, clockid_t clk, const struct timespec *abstime,
	    const void *pc)
{
	int rc = claims_before(t, (uintptr_t)m, KIND_MUTEX, MODE_EXCL, flags,
			       (uintptr_t)pc, abstime,
			       clocked ? clk : CLOCK_REALTIME);

	if (rc) {
		rt_leave();
		return rc == -EBUSY ? EBUSY : ETIMEDOUT;
	}
	rc = glibc_mutex_trylock(m, t->tid);
	if (rc == EBUSY && (flags & EVF_TRY)) {
		mutex_event(t, OP_TRY_FAILED, EVF_TRY, m, pc);
	} else if (rc == EBUSY) {
		if (mutex_event(t, OP_ACQUIRE, flags, m, pc) == -EDEADLK) {
			claims_cancel(t);
			rt_leave();
			return EDEADLK;
		}
		rt_leave();
		if (!(flags & EVF_TIMED))
			rc = real.pthread_mutex_lock(m);
		else if (clocked)
			rc = real.pthread_mutex_clocklock(m, clk, abstime);
		else
			rc = real.pthread_mutex_timedlock(m, abstime);
		rt_busy = 1;
		if (rc == ETIMEDOUT)
			mutex_event(t, OP_TIMED_OUT, flags, m, pc);
	}
	if (acquired_ok(rc))
		mutex_event(t, OP_ACQUIRED, flags, m, pc);
	else
		claims_cancel_pending(t);
	lock_refused(t, rc, flags, m, pc);
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_mutex_init(pthread_mutex_t *m,
				      const pthread_mutexattr_t *attr)
{
	struct eng_thread *t;
	int rc = R(pthread_mutex_init)(m, attr);

	if (rc != 0 || !(t = rt_enter()))
		return rc;
	mutex_event(t, OP_INIT, 0, m, __builtin_return_address(0));
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_mutex_destroy(pthread_mutex_t *m)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		mutex_event(t, OP_DESTROY, 0, m, __builtin_return_address(0));
		rt_leave();
	}
	return R(pthread_mutex_destroy)(m);
}

/*
 * pthread_mutex_lock past its fast path: banker checks, a lock or a
 * nesting new to the engine, or a lock found taken. fast and f: what
 * engine_fast_probe() said (its entry is not on the held stack); rc: the
 * result of the first trylock, or -1 if there was none. Leaves the
 * runtime.
 */
static __attribute__((noinline)) int
mutex_lock_rest(struct eng_thread *t, pthread_mutex_t *m, const void *pc,
		bool fast, const struct fast_acq *f, int rc)
{
	if (UNLIKELY(t->bk_on))
		return banked_lock(t, m, 0, 0, 0, NULL, pc);
	if (rc < 0) {
		rt_pre_acquire(t, KIND_MUTEX, MODE_EXCL, 0, m, pc);
		rc = glibc_mutex_trylock(m, t->tid);
	}
	if (UNLIKELY(rc == EBUSY))
		rc = spin_trylock(t, m);
	if (rc == 0 && fast) {
		engine_fast_commit(t, (uintptr_t)m, KIND_MUTEX, MODE_EXCL, 0,
				   (uintptr_t)pc, f);
		rt_leave();
		return 0;
	}
	if (rc == EBUSY) {
		/* on_deadlock=recover: this request closed a cycle. */
		if (mutex_event(t, OP_ACQUIRE, 0, m, pc) == -EDEADLK) {
			rt_leave();
			return EDEADLK;
		}
		rt_leave();
		rc = real.pthread_mutex_lock(m);
		rt_busy = 1;
	}
	if (acquired_ok(rc))
		mutex_event(t, OP_ACQUIRED, 0, m, pc);
	lock_refused(t, rc, 0, m, pc);
	rt_leave();
	return rc;
}

/*
 * The fast attempt first: an uncontended lock in a nesting the engine
 * knows costs a probe of the thread's caches, one trylock, and the entry
 * pushed on the held stack. Only when the trylock fails do we record the
 * intent to block, which is where a self-deadlock is caught before it
 * hangs. Everything else is out of line, so that this path saves few
 * registers. plain: m is one of the types whose trylock is done here
 * (glibc_mutex_plain); then nothing on this path is a call, and what the
 * probe found stays in registers for the commit. (Pushing the entry
 * before the trylock shortens the program's critical section, but its
 * stores must then drain before the trylock's locked instruction: about
 * 1 ns more on every uncontended lock, for about as much less on the
 * contended nested workload.)
 */
static inline __attribute__((always_inline)) int
mutex_lock_fast(struct eng_thread *t, pthread_mutex_t *m, const void *pc,
		bool plain)
{
	struct fast_acq f;
	int rc;

	if (!engine_fast_probe(t, (uintptr_t)m, KIND_MUTEX, MODE_EXCL, 0,
			       (uintptr_t)pc, &f))
		return mutex_lock_rest(t, m, pc, false, NULL, -1);
	rc = plain ? glibc_mutex_plain_trylock(m, t->tid)
		   : real.pthread_mutex_trylock(m);
	if (UNLIKELY(rc != 0)) {
		/* A copy: f's own address is taken nowhere, so that it
		 * can live in registers. */
		struct fast_acq g = f;

		return mutex_lock_rest(t, m, pc, true, &g, rc);
	}
	engine_fast_commit(t, (uintptr_t)m, KIND_MUTEX, MODE_EXCL, 0,
			   (uintptr_t)pc, &f);
	rt_leave();
	return 0;
}

/* The fast attempt on a type glibc locks itself (recursive,
 * error-checking, robust, ...). */
static __attribute__((noinline)) int
mutex_lock_other(struct eng_thread *t, pthread_mutex_t *m, const void *pc)
{
	return mutex_lock_fast(t, m, pc, false);
}

COFFMAN_EXPORT int pthread_mutex_lock(pthread_mutex_t *m)
{
	const void *pc = __builtin_return_address(0);
	struct eng_thread *t = rt_enter();

	if (UNLIKELY(!t))
		return R(pthread_mutex_lock)(m);
	if (UNLIKELY(t->bk_on))
		return mutex_lock_rest(t, m, pc, false, NULL, -1);
	if (UNLIKELY(!glibc_mutex_plain(m)))
		return mutex_lock_other(t, m, pc);
	return mutex_lock_fast(t, m, pc, true);
}

COFFMAN_EXPORT int pthread_mutex_trylock(pthread_mutex_t *m)
{
	const void *pc = __builtin_return_address(0);
	struct eng_thread *t = rt_enter();
	int rc;

	if (!t)
		return R(pthread_mutex_trylock)(m);
	if (UNLIKELY(t->bk_on))
		return banked_lock(t, m, EVF_TRY, 0, 0, NULL, pc);
	rc = glibc_mutex_trylock(m, t->tid);
	if (rc == 0 && engine_fast_acquired(t, (uintptr_t)m, KIND_MUTEX,
					    MODE_EXCL, EVF_TRY, (uintptr_t)pc))
		;
	else if (acquired_ok(rc))
		mutex_event(t, OP_ACQUIRED, EVF_TRY, m, pc);
	else if (rc == EBUSY)
		mutex_event(t, OP_TRY_FAILED, EVF_TRY, m, pc);
	lock_refused(t, rc, EVF_TRY, m, pc);
	rt_leave();
	return rc;
}

static int timed_lock(pthread_mutex_t *m, int clocked, clockid_t clk,
		      const struct timespec *abstime, const void *pc)
{
	struct eng_thread *t;
	struct fast_acq f = { NULL, 0, 0, 0, 0, false };
	int rc;

	/* glibc refuses any other clock (EINVAL) before it tries the lock;
	 * the timeout it checks only when it blocks, as we do. */
	if (clocked && clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC)
		return R(pthread_mutex_clocklock)(m, clk, abstime);
	t = rt_enter();
	if (!t)
		return clocked ? R(pthread_mutex_clocklock)(m, clk, abstime)
			       : R(pthread_mutex_timedlock)(m, abstime);
	if (UNLIKELY(t->bk_on))
		return banked_lock(t, m, EVF_TIMED, clocked, clk, abstime, pc);
	if (!engine_fast_probe(t, (uintptr_t)m, KIND_MUTEX, MODE_EXCL, 0,
			       (uintptr_t)pc, &f))
		rt_pre_acquire(t, KIND_MUTEX, MODE_EXCL, 0, m, pc);
	rc = glibc_mutex_trylock(m, t->tid);
	if (rc == EBUSY)
		rc = spin_trylock(t, m);
	if (rc == EBUSY && rt_deadline_passed(clocked ? clk : CLOCK_REALTIME,
					      abstime)) {
		/* It cannot wait: a try, that took the lock or failed. */
		rc = clocked ? real.pthread_mutex_clocklock(m, clk, abstime)
			     : real.pthread_mutex_timedlock(m, abstime);
		if (acquired_ok(rc))
			mutex_event(t, OP_ACQUIRED, EVF_TRY, m, pc);
		else if (rc == ETIMEDOUT)
			mutex_event(t, OP_TRY_FAILED, EVF_TRY, m, pc);
		rt_leave();
		return rc;
	}
	if (rc == EBUSY) {
		if (mutex_event(t, OP_ACQUIRE, EVF_TIMED, m, pc) == -EDEADLK) {
			rt_leave();
			return EDEADLK;
		}
		rt_leave();
		rc = clocked ? real.pthread_mutex_clocklock(m, clk, abstime)
			     : real.pthread_mutex_timedlock(m, abstime);
		rt_busy = 1;
		if (rc == ETIMEDOUT)
			mutex_event(t, OP_TIMED_OUT, EVF_TIMED, m, pc);
	}
	if (acquired_ok(rc))
		mutex_event(t, OP_ACQUIRED, EVF_TIMED, m, pc);
	lock_refused(t, rc, EVF_TIMED, m, pc);
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m,
					   const struct timespec *abstime)
{
	return timed_lock(m, 0, CLOCK_REALTIME, abstime,
			  __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t clk,
					   const struct timespec *abstime)
{
	return timed_lock(m, 1, clk, abstime, __builtin_return_address(0));
}

/* pthread_mutex_unlock of a lock the fast path does not pop. */
static __attribute__((noinline)) int mutex_unlock_slow(struct eng_thread *t,
						       pthread_mutex_t *m,
						       const void *pc)
{
	/* Before the real unlock: afterwards the owner is gone. */
	rt_event_ex(t, OP_RELEASE, KIND_MUTEX, MODE_EXCL, EVF_TYPE_KNOWN, m,
		    rt_mutex_type(m), mutex_owner(m), pc);
	rt_leave();
	return real.pthread_mutex_unlock(m);
}

/* A fast-path release, traced, after which the thread drains its
 * pending trace events: out of line, so that the others keep nothing
 * across their call. */
static __attribute__((noinline)) int mutex_unlock_drain(struct eng_thread *t,
							pthread_mutex_t *m)
{
	int rc = glibc_mutex_unlock(m);

	trace_drain(t);
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_mutex_unlock(pthread_mutex_t *m)
{
	struct eng_thread *t = rt_enter();
	uint32_t kind;

	if (UNLIKELY(!t))
		return R(pthread_mutex_unlock)(m);
	if (UNLIKELY(t->bk_on) || !engine_fast_pop(t, (uintptr_t)m, &kind))
		return mutex_unlock_slow(t, m, __builtin_return_address(0));
	if (UNLIKELY(trace_enabled)) {
		/* Recorded before the real unlock, so that the program's
		 * critical section gets no longer than its stores. */
		if (UNLIKELY(trace_pop(t, kind, (uintptr_t)m,
				       (uintptr_t)__builtin_return_address(0))))
			return mutex_unlock_drain(t, m);
	}
	rt_leave();
	return glibc_mutex_unlock(m);
}
