/* SPDX-License-Identifier: MIT */
/*
 * interpose_barrier.c - pthread_barrier_*: a wait blocks until every
 * party has arrived; it is recorded as a wait (for the parties missing).
 */
#include <pthread.h>

#include "real.h"
#include "runtime.h"

COFFMAN_EXPORT int pthread_barrier_init(pthread_barrier_t *b,
					const pthread_barrierattr_t *attr,
					unsigned count)
{
	struct eng_thread *t;
	int rc = R(pthread_barrier_init)(b, attr, count);

	if (rc != 0 || !(t = rt_enter()))
		return rc;
	rt_event(t, OP_INIT, KIND_BARRIER, MODE_EXCL, EVF_TYPE_KNOWN, b, count,
		 __builtin_return_address(0));
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int pthread_barrier_destroy(pthread_barrier_t *b)
{
	struct eng_thread *t = rt_enter();

	if (t) {
		rt_event(t, OP_DESTROY, KIND_BARRIER, MODE_EXCL, 0, b, 0,
			 __builtin_return_address(0));
		rt_leave();
	}
	return R(pthread_barrier_destroy)(b);
}

COFFMAN_EXPORT int pthread_barrier_wait(pthread_barrier_t *b)
{
	const void *pc = __builtin_return_address(0);
	struct eng_thread *t = rt_enter();
	int rc;

	if (!t)
		return R(pthread_barrier_wait)(b);
	rt_event(t, OP_WAIT, KIND_BARRIER, MODE_EXCL, 0, b, 0, pc);
	rt_leave();
	rc = real.pthread_barrier_wait(b);
	rt_busy = 1;
	rt_event(t, OP_WOKEN, KIND_BARRIER, MODE_EXCL, 0, b, 0, pc);
	rt_leave();
	return rc;
}
