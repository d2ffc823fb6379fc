/* SPDX-License-Identifier: MIT */
/*
 * interpose_once.c - pthread_once and call_once. The thread running the
 * init routine holds the once object while it runs; others that arrive
 * meanwhile wait for it. So an init routine that re-enters its own once,
 * or waits for a lock whose holder waits for the once, is a deadlock
 * like any other, and the runtime sees it as one.
 */
#include <pthread.h>
#include <threads.h>

#include "real.h"
#include "runtime.h"

/* The routine to run, handed to the trampoline (which takes no argument)
 * through the calling thread: the init routine runs in the caller. */
static __thread void (*once_fn)(void)
	__attribute__((tls_model("initial-exec")));
static __thread void *once_obj __attribute__((tls_model("initial-exec")));
static __thread volatile int once_ran
	__attribute__((tls_model("initial-exec")));

static void once_event(uint32_t op, void *o, const void *pc)
{
	struct eng_thread *t = rt_enter();

	if (!t)
		return;
	rt_event(t, op, KIND_ONCE, MODE_EXCL, 0, o, 0, pc);
	rt_leave();
}

/* Cancelled or thrown out of the init routine: the once is free again. */
static void once_abandoned(void *o)
{
	once_event(OP_RELEASE, o, NULL);
}

static void once_trampoline(void)
{
	void (*fn)(void) = once_fn;
	void *o = once_obj;

	once_ran = 1;
	once_event(OP_ACQUIRED, o, __builtin_return_address(0));
	pthread_cleanup_push(once_abandoned, o);
	fn();
	pthread_cleanup_pop(0);
	once_event(OP_RELEASE, o, __builtin_return_address(0));
}

/* glibc: bit 1 of the once word means the routine has completed. */
static int once_done(const void *o)
{
	return __atomic_load_n((const int *)o, __ATOMIC_ACQUIRE) & 2;
}

static void once_common(void *o, void (*fn)(void), int c11,
			const void *pc)
{
	void (*saved_fn)(void) = once_fn;
	void *saved_obj = once_obj;
	int saved_ran = once_ran;
	struct eng_thread *t;

	if (once_done(o) || !(t = rt_enter())) {
		if (!real_ready)
			real_resolve();
		if (c11)
			real.call_once(o, fn);
		else
			real.pthread_once(o, fn);
		return;
	}
	/* A re-entry of our own once is caught here, before it hangs. */
	rt_event(t, OP_ACQUIRE, KIND_ONCE, MODE_EXCL, 0, o, 0, pc);
	rt_leave();
	once_fn = fn;
	once_obj = o;
	once_ran = 0;
	if (c11)
		real.call_once(o, once_trampoline);
	else
		real.pthread_once(o, once_trampoline);
	if (!once_ran) {
		/* Another thread ran it while we waited: we acquired the
		 * once after whatever we hold. */
		once_event(OP_ACQUIRED, o, pc);
		once_event(OP_RELEASE, o, pc);
	}
	once_fn = saved_fn;
	once_obj = saved_obj;
	once_ran = saved_ran;
}

COFFMAN_EXPORT int pthread_once(pthread_once_t *o, void (*fn)(void))
{
	once_common(o, fn, 0, __builtin_return_address(0));
	return 0;
}

COFFMAN_EXPORT void call_once(once_flag *o, void (*fn)(void))
{
	once_common(o, fn, 1, __builtin_return_address(0));
}
