/* SPDX-License-Identifier: MIT */
/* interpose_spin.c - pthread_spin_*: exclusive locks with no owner field. */
#include <errno.h>
#include <pthread.h>

#include "claims.h"
#include "engine_fast.h"
#include "real.h"
#include "runtime.h"

/*
 * The owner to tell the engine: -1 (someone) if s is locked, else 0. A
 * spinlock has no owner field, and what "unlocked" looks like is glibc's
 * own: 1 on x86 (a lock decrements it), 0 elsewhere. It is what
 * pthread_spin_init stores, so learn it from a spinlock of our own.
 */
static int32_t spin_owner(pthread_spinlock_t *s)
{
	static int unlocked = -1;
	int free_word = __atomic_load_n(&unlocked, __ATOMIC_RELAXED);

	if (free_word < 0) {
		pthread_spinlock_t probe = -1;

		if (R(pthread_spin_init)(&probe, PTHREAD_PROCESS_PRIVATE) != 0 ||
		    probe < 0)
			return -1; /* unknown: the engine asks no more */
		free_word = probe;
		__atomic_store_n(&unlocked, free_word, __ATOMIC_RELAXED);
	}
	return __atomic_load_n(s, __ATOMIC_RELAXED) == free_word ? 0 : -1;
}

static void spin_event(struct eng_thread *t, uint32_t op, uint32_t flags,
		       pthread_spinlock_t *s, const void *pc)
{
	rt_event(t, op, KIND_SPIN, MODE_EXCL, flags, (const void *)s, 0, pc);
}

COFFMAN_EXPORT int pthread_spin_init(pthread_spinlock_t *s, int pshared)
{
	struct eng_thread *t;
	int rc = R(pthread_spin_init)(s, pshared);

	if (rc != 0 || !(t = rt_enter()))
		return rc;
	/* glibc keeps no pshared flag in a spinlock: tell the engine. */
	spin_event(t, OP_INIT,
		   pshared == PTHREAD_PROCESS_SHARED ? EVF_PSHARED : 0, s,
		   __builtin_return_address(0));
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_spin_destroy(pthread_spinlock_t *s)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		/* No owner field: locked (-1, someone) or not (0). */
		rt_event_ex(t, OP_DESTROY, KIND_SPIN, MODE_EXCL, 0,
			    (const void *)s, 0, spin_owner(s),
			    __builtin_return_address(0));
		rt_leave();
	}
	return R(pthread_spin_destroy)(s);
}

/*
 * A thread with claims (banker=warn|avoid): the Banker's check first (with
 * avoid it may wait there), and no fast path. flags: 0 or EVF_TRY. Leaves
 * the runtime.
 */
static __attribute__((noinline)) int
banked_spin(struct eng_thread *t, pthread_spinlock_t *s, uint32_t flags,
	    const void *pc)
{
	int rc = claims_before(t, (uintptr_t)s, KIND_SPIN, MODE_EXCL, flags,
			       (uintptr_t)pc, NULL, CLOCK_REALTIME);

	if (rc) {
		rt_leave();
		return EBUSY;
	}
	rc = real.pthread_spin_trylock(s);
	if (rc == EBUSY && (flags & EVF_TRY)) {
		spin_event(t, OP_TRY_FAILED, EVF_TRY, s, pc);
	} else if (rc == EBUSY) {
		if (rt_event(t, OP_ACQUIRE, KIND_SPIN, MODE_EXCL, 0,
			     (const void *)s, 0, pc) == -EDEADLK) {
			claims_cancel(t);
			rt_leave();
			return EDEADLK;
		}
		rt_leave();
		rc = real.pthread_spin_lock(s);
		rt_busy = 1;
	}
	if (rc == 0)
		spin_event(t, OP_ACQUIRED, flags, s, pc);
	else
		claims_cancel_pending(t);
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_spin_lock(pthread_spinlock_t *s)
{
	const void *pc = __builtin_return_address(0);
	struct eng_thread *t = rt_enter();
	struct fast_acq f = { NULL, 0, 0, 0, 0, false };
	bool fast;
	int rc;

	if (!t)
		return R(pthread_spin_lock)(s);
	if (UNLIKELY(t->bk_on))
		return banked_spin(t, s, 0, pc);
	fast = engine_fast_probe(t, (uintptr_t)s, KIND_SPIN, MODE_EXCL, 0,
				 (uintptr_t)pc, &f);
	if (!fast)
		rt_pre_acquire(t, KIND_SPIN, MODE_EXCL, 0, (const void *)s, pc);
	rc = real.pthread_spin_trylock(s);
	if (rc == 0 && fast) {
		engine_fast_commit(t, (uintptr_t)s, KIND_SPIN, MODE_EXCL, 0,
				   (uintptr_t)pc, &f);
		rt_leave();
		return 0;
	}
	if (rc == EBUSY) {
		if (rt_event(t, OP_ACQUIRE, KIND_SPIN, MODE_EXCL, 0,
			     (const void *)s, 0, pc) == -EDEADLK) {
			rt_leave();
			return EDEADLK;
		}
		rt_leave();
		rc = real.pthread_spin_lock(s);
		rt_busy = 1;
	}
	if (rc == 0)
		spin_event(t, OP_ACQUIRED, 0, s, pc);
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_spin_trylock(pthread_spinlock_t *s)
{
	struct eng_thread *t = rt_enter();
	int rc;

	if (!t)
		return R(pthread_spin_trylock)(s);
	if (UNLIKELY(t->bk_on))
		return banked_spin(t, s, EVF_TRY, __builtin_return_address(0));
	rc = real.pthread_spin_trylock(s);
	if (rc == 0)
		spin_event(t, OP_ACQUIRED, EVF_TRY, s,
			   __builtin_return_address(0));
	else if (rc == EBUSY)
		spin_event(t, OP_TRY_FAILED, EVF_TRY, s,
			   __builtin_return_address(0));
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_spin_unlock(pthread_spinlock_t *s)
{
	struct eng_thread *t = rt_enter();
	uint32_t kind;

	if (!t)
		return R(pthread_spin_unlock)(s);
	/* No owner is recorded: locked (-1, unknown) or not (0). */
	if (UNLIKELY(t->bk_on) || !engine_fast_pop(t, (uintptr_t)s, &kind))
		rt_event_owner(t, OP_RELEASE, KIND_SPIN, 0, (const void *)s,
			       spin_owner(s), __builtin_return_address(0));
	else if (UNLIKELY(trace_enabled))
		return rt_traced_release(t, kind, (const void *)s,
					 __builtin_return_address(0),
					 real.pthread_spin_unlock(s));
	rt_leave();
	return real.pthread_spin_unlock(s);
}
