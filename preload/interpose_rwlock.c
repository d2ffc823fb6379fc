/* SPDX-License-Identifier: MIT */
/*
 * interpose_rwlock.c - pthread_rwlock_*: read holds are shared, write holds
 * exclusive; the lock's kind (reader- or writer-preferring) is read from
 * the object, since it decides whether two readers can block each other.
 */
#include <errno.h>
#include <pthread.h>

#include "claims.h"
#include "engine_fast.h"
#include "real.h"
#include "runtime.h"

static uint32_t rw_kind(const pthread_rwlock_t *rw)
{
	return rw->__data.__flags;
}

/*
 * Who holds it, as the engine's release check wants it: the writer's tid,
 * 0 when nobody holds it, -1 when readers do (we cannot tell which).
 */
static int32_t rw_owner(const pthread_rwlock_t *rw)
{
	unsigned readers = __atomic_load_n(&rw->__data.__readers,
					   __ATOMIC_RELAXED);
	int writer = __atomic_load_n(&rw->__data.__cur_writer,
				     __ATOMIC_RELAXED);

	if (writer)
		return writer;
	/* glibc: reader count above bit 3, bit 1 = write-locked. */
	if ((readers >> 3) || (readers & 2))
		return -1;
	return 0;
}

static void rw_event(struct eng_thread *t, uint32_t op, uint32_t mode,
		     uint32_t flags, pthread_rwlock_t *rw, const void *pc)
{
	rt_event(t, op, KIND_RWLOCK, mode, flags | EVF_TYPE_KNOWN, rw,
		 rw_kind(rw), pc);
}

COFFMAN_EXPORT int pthread_rwlock_init(pthread_rwlock_t *rw,
				       const pthread_rwlockattr_t *attr)
{
	struct eng_thread *t;
	int rc = R(pthread_rwlock_init)(rw, attr);

	if (rc != 0 || !(t = rt_enter()))
		return rc;
	rw_event(t, OP_INIT, MODE_EXCL, 0, rw, __builtin_return_address(0));
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *rw)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		rt_event_ex(t, OP_DESTROY, KIND_RWLOCK, MODE_EXCL,
			    EVF_TYPE_KNOWN, rw, rw_kind(rw), rw_owner(rw),
			    __builtin_return_address(0));
		rt_leave();
	}
	return R(pthread_rwlock_destroy)(rw);
}

enum rw_call { RW_PLAIN, RW_TRY, RW_TIMED, RW_CLOCK };

static int rw_real(uint32_t mode, enum rw_call call, pthread_rwlock_t *rw,
		   clockid_t clk, const struct timespec *ts)
{
	if (!real_ready)
		real_resolve();
	if (mode == MODE_SHARED) {
		switch (call) {
		case RW_PLAIN:
			return real.pthread_rwlock_rdlock(rw);
		case RW_TRY:
			return real.pthread_rwlock_tryrdlock(rw);
		case RW_TIMED:
			return real.pthread_rwlock_timedrdlock(rw, ts);
		default:
			return real.pthread_rwlock_clockrdlock(rw, clk, ts);
		}
	}
	switch (call) {
	case RW_PLAIN:
		return real.pthread_rwlock_wrlock(rw);
	case RW_TRY:
		return real.pthread_rwlock_trywrlock(rw);
	case RW_TIMED:
		return real.pthread_rwlock_timedwrlock(rw, ts);
	default:
		return real.pthread_rwlock_clockwrlock(rw, clk, ts);
	}
}

/*
 * A thread with claims (banker=warn|avoid): the Banker's check before the
 * lock; with avoid it may wait there. Returns 0 to go on, else the error
 * the call returns (a try that may not be granted now, a timeout).
 */
static __attribute__((noinline)) int
rw_banked(struct eng_thread *t, uint32_t mode, enum rw_call call,
	  pthread_rwlock_t *rw, clockid_t clk, const struct timespec *ts,
	  const void *pc)
{
	uint32_t flags = call == RW_TRY				 ? EVF_TRY
			 : call == RW_TIMED || call == RW_CLOCK ? EVF_TIMED
								: 0;
	int rc = claims_before(t, (uintptr_t)rw, KIND_RWLOCK, mode, flags,
			       (uintptr_t)pc, ts,
			       call == RW_CLOCK ? clk : CLOCK_REALTIME);

	return rc == -EBUSY ? EBUSY : rc == -ETIMEDOUT ? ETIMEDOUT : 0;
}

/*
 * Try first; record the intent to block only when that fails. Thread t
 * is in the runtime; leaves it. Out of line: rdlock and wrlock take
 * their fast path first (rw_lock_plain).
 */
static __attribute__((noinline)) int
rw_lock_entered(struct eng_thread *t, uint32_t mode, enum rw_call call,
		pthread_rwlock_t *rw, clockid_t clk, const struct timespec *ts,
		const void *pc)
{
	uint32_t flags = (call == RW_TIMED || call == RW_CLOCK) ? EVF_TIMED : 0;
	struct fast_acq f = { NULL, 0, 0, 0, 0, false };
	bool fast = false;
	int rc;

	if (UNLIKELY(t->bk_on) &&
	    (rc = rw_banked(t, mode, call, rw, clk, ts, pc)) != 0) {
		rt_leave();
		return rc;
	}
	/* A nesting this thread knows takes the thread-local fast path (not
	 * for timed calls, nor with claims, which see every acquisition);
	 * a new one has its stack walked before the attempt (not a try's). */
	if (call != RW_TRY) {
		fast = !flags && !t->bk_on &&
		       engine_fast_probe(t, (uintptr_t)rw, KIND_RWLOCK, mode, 0,
					 (uintptr_t)pc, &f);
		if (!fast)
			rt_pre_acquire(t, KIND_RWLOCK, mode, 0, rw, pc);
	}
	rc = rw_real(mode, RW_TRY, rw, 0, NULL);
	/* Contended: retry a while before recording the wait (a try of
	 * glibc's only reads the lock while it cannot be had). EDEADLK,
	 * the thread's own write lock, is for the engine to see now. */
	if (UNLIKELY(rc == EBUSY) && call != RW_TRY && !t->bk_on) {
		int k;

		for (k = 1; k <= rt_spin && rc == EBUSY; k++) {
			rt_spin_wait(k);
			rc = rw_real(mode, RW_TRY, rw, 0, NULL);
		}
	}
	if (rc == EBUSY && flags &&
	    rt_deadline_passed(call == RW_CLOCK ? clk : CLOCK_REALTIME, ts)) {
		/* It cannot wait: a try, that took the lock or failed. */
		rc = rw_real(mode, call, rw, clk, ts);
		if (rc == 0)
			rw_event(t, OP_ACQUIRED, mode, EVF_TRY, rw, pc);
		else
			claims_cancel_pending(t);
		if (rc == ETIMEDOUT)
			rw_event(t, OP_TRY_FAILED, mode, EVF_TRY, rw, pc);
		rt_leave();
		return rc;
	}
	if (rc == 0 && fast) {
		engine_fast_commit(t, (uintptr_t)rw, KIND_RWLOCK, mode, 0,
				   (uintptr_t)pc, &f);
		rt_leave();
		return 0;
	}
	if (rc == 0 && call == RW_TRY && !t->bk_on &&
	    engine_fast_acquired(t, (uintptr_t)rw, KIND_RWLOCK, mode, EVF_TRY,
				 (uintptr_t)pc)) {
		rt_leave();
		return 0;
	}
	if (call == RW_TRY) {
		if (rc == 0)
			rw_event(t, OP_ACQUIRED, mode, EVF_TRY, rw, pc);
		else if (rc == EBUSY)
			rw_event(t, OP_TRY_FAILED, mode, EVF_TRY, rw, pc);
		if (rc != 0)
			claims_cancel_pending(t);
		rt_leave();
		return rc;
	}
	if (rc == EBUSY || rc == EDEADLK) {
		if (rt_event_ex(t, OP_ACQUIRE, KIND_RWLOCK, mode,
				flags | EVF_TYPE_KNOWN, rw, rw_kind(rw),
				rw_owner(rw), pc) == -EDEADLK) {
			claims_cancel_pending(t);
			rt_leave();
			return EDEADLK;
		}
		rt_leave();
		rc = rw_real(mode, call, rw, clk, ts);
		rt_busy = 1;
		if (rc == ETIMEDOUT)
			rw_event(t, OP_TIMED_OUT, mode, flags, rw, pc);
	}
	if (rc == 0)
		rw_event(t, OP_ACQUIRED, mode, flags, rw, pc);
	else
		claims_cancel_pending(t);
	rt_leave();
	return rc;
}

static int rw_lock(uint32_t mode, enum rw_call call, pthread_rwlock_t *rw,
		   clockid_t clk, const struct timespec *ts, const void *pc)
{
	struct eng_thread *t;

	if ((call == RW_TIMED || call == RW_CLOCK) &&
	    rt_bad_abstime(call == RW_CLOCK ? clk : CLOCK_REALTIME, ts))
		return rw_real(mode, call, rw, clk, ts);
	t = rt_enter();
	if (!t)
		return rw_real(mode, call, rw, clk, ts);
	return rw_lock_entered(t, mode, call, rw, clk, ts, pc);
}

/* The fast path of rdlock and wrlock: taken at once, in a nesting the
 * thread knows. */
static inline __attribute__((always_inline)) int
rw_lock_plain(uint32_t mode, pthread_rwlock_t *rw, const void *pc)
{
	struct eng_thread *t = rt_enter();
	struct fast_acq f;

	if (UNLIKELY(!t))
		return rw_real(mode, RW_PLAIN, rw, 0, NULL);
	if (UNLIKELY(t->bk_on) ||
	    !engine_fast_probe(t, (uintptr_t)rw, KIND_RWLOCK, mode, 0,
			       (uintptr_t)pc, &f) ||
	    rw_real(mode, RW_TRY, rw, 0, NULL) != 0)
		return rw_lock_entered(t, mode, RW_PLAIN, rw, 0, NULL, pc);
	engine_fast_commit(t, (uintptr_t)rw, KIND_RWLOCK, mode, 0,
			   (uintptr_t)pc, &f);
	rt_leave();
	return 0;
}

COFFMAN_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *rw)
{
	return rw_lock_plain(MODE_SHARED, rw, __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *rw)
{
	return rw_lock(MODE_SHARED, RW_TRY, rw, 0, NULL,
		       __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *rw,
					      const struct timespec *ts)
{
	return rw_lock(MODE_SHARED, RW_TIMED, rw, 0, ts,
		       __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *rw,
					      clockid_t clk,
					      const struct timespec *ts)
{
	return rw_lock(MODE_SHARED, RW_CLOCK, rw, clk, ts,
		       __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *rw)
{
	return rw_lock_plain(MODE_EXCL, rw, __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *rw)
{
	return rw_lock(MODE_EXCL, RW_TRY, rw, 0, NULL,
		       __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *rw,
					      const struct timespec *ts)
{
	return rw_lock(MODE_EXCL, RW_TIMED, rw, 0, ts,
		       __builtin_return_address(0));
}

COFFMAN_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *rw,
					      clockid_t clk,
					      const struct timespec *ts)
{
	return rw_lock(MODE_EXCL, RW_CLOCK, rw, clk, ts,
		       __builtin_return_address(0));
}

/* pthread_rwlock_unlock past its fast path; leave the runtime. */
static __attribute__((noinline)) int
rw_unlock_slow(struct eng_thread *t, pthread_rwlock_t *rw, const void *pc)
{
	rt_event_owner(t, OP_RELEASE, KIND_RWLOCK, 0, rw, rw_owner(rw), pc);
	rt_leave();
	return real.pthread_rwlock_unlock(rw);
}

static __attribute__((noinline)) int
rw_unlock_traced(struct eng_thread *t, uint32_t kind, pthread_rwlock_t *rw,
		 const void *pc)
{
	return rt_traced_release(t, kind, rw, pc,
				 real.pthread_rwlock_unlock(rw));
}

COFFMAN_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *rw)
{
	struct eng_thread *t = rt_enter();
	uint32_t kind;

	if (UNLIKELY(!t))
		return R(pthread_rwlock_unlock)(rw);
	if (UNLIKELY(t->bk_on) || !engine_fast_pop(t, (uintptr_t)rw, &kind))
		return rw_unlock_slow(t, rw, __builtin_return_address(0));
	if (UNLIKELY(trace_enabled))
		return rw_unlock_traced(t, kind, rw,
					__builtin_return_address(0));
	rt_leave();
	return real.pthread_rwlock_unlock(rw);
}
