/* SPDX-License-Identifier: MIT */
/*
 * interpose_cond.c - condition-variable waits: a wait releases its mutex,
 * blocks, and re-acquires the mutex inside glibc where no wrapper sees it,
 * so the runtime models it as release + acquire. Both symbol versions are
 * exported: GLIBC_2.3.2 (every program linked since 2003) and the old
 * GLIBC_2.2.5 ABI, each forwarding to its own real version.
 */
#include <errno.h>
#include <pthread.h>

#include "real.h"
#include "runtime.h"

#define EXPORT_VERSIONED __attribute__((visibility("default"), used))

struct wait_ctx {
	struct eng_thread *t;
	pthread_cond_t *c;
	pthread_mutex_t *m;
	const void *pc;
	uint32_t flags;
};

static void reacquired(const struct wait_ctx *w)
{
	rt_busy = 1;
	rt_event(w->t, OP_ACQUIRED, KIND_MUTEX, MODE_EXCL,
		 w->flags | EVF_CONDWAIT | EVF_TYPE_KNOWN, w->m,
		 rt_mutex_type(w->m), w->pc);
	rt_busy = 0;
}

/* Cancelled in the wait: glibc re-took the mutex before unwinding. */
static void wait_cancelled(void *arg)
{
	const struct wait_ctx *w = arg;

	if (w->t)
		reacquired(w);
}

/* Release the mutex, then sleep on the condvar (a wait anyone can end). */
static void before_wait(struct wait_ctx *w)
{
	/* With the mutex's type, as pthread_mutex_unlock sends it: the
	 * first call on a static error-checking mutex may be this one, and
	 * glibc refuses it (EPERM) when the mutex is not held. */
	rt_event_ex(w->t, OP_RELEASE, KIND_MUTEX, MODE_EXCL,
		    EVF_CONDWAIT | EVF_TYPE_KNOWN, w->m, rt_mutex_type(w->m),
		    __atomic_load_n(&w->m->__data.__owner, __ATOMIC_RELAXED),
		    w->pc);
	rt_event(w->t, OP_WAIT, KIND_COND, MODE_EXCL, w->flags, w->c, 0,
		 w->pc);
}

/* The mutex is held again after every return but these. */
static int still_released(int rc)
{
	return rc == EINVAL || rc == EPERM;
}

enum wait_kind { WAIT_PLAIN, WAIT_TIMED, WAIT_CLOCK };

static int cond_wait_common(int version, enum wait_kind kind,
			    pthread_cond_t *c, pthread_mutex_t *m,
			    clockid_t clk, const struct timespec *abstime,
			    const void *pc)
{
	struct wait_ctx w = { NULL, c, m, pc,
			      kind == WAIT_PLAIN ? 0 : EVF_TIMED };
	int rc;

	/* glibc returns EINVAL for a bad timeout or clock before it
	 * releases the mutex: nothing happens, the mutex stays held. */
	if (kind == WAIT_PLAIN ||
	    !rt_bad_abstime(kind == WAIT_CLOCK ? clk : CLOCK_REALTIME, abstime))
		w.t = rt_enter();
	if (w.t) {
		before_wait(&w);
		rt_leave();
	}
	if (!real_ready)
		real_resolve();
	pthread_cleanup_push(wait_cancelled, &w);
	switch (kind) {
	case WAIT_PLAIN:
		rc = version == 225 ? real.cond_wait_225(c, m)
				    : real.cond_wait_232(c, m);
		break;
	case WAIT_TIMED:
		rc = version == 225 ? real.cond_timedwait_225(c, m, abstime)
				    : real.cond_timedwait_232(c, m, abstime);
		break;
	default:
		rc = real.pthread_cond_clockwait(c, m, clk, abstime);
		break;
	}
	pthread_cleanup_pop(0);
	if (w.t && !still_released(rc))
		reacquired(&w);
	return rc;
}

/* Reached only through the .symver aliases below. */
int coffman_cond_wait_232(pthread_cond_t *c, pthread_mutex_t *m);
int coffman_cond_timedwait_232(pthread_cond_t *c, pthread_mutex_t *m,
			       const struct timespec *t);
int coffman_cond_wait_225(pthread_cond_t *c, pthread_mutex_t *m);
int coffman_cond_timedwait_225(pthread_cond_t *c, pthread_mutex_t *m,
			       const struct timespec *t);

EXPORT_VERSIONED int coffman_cond_wait_232(pthread_cond_t *c,
					   pthread_mutex_t *m)
{
	return cond_wait_common(232, WAIT_PLAIN, c, m, 0, NULL,
				__builtin_return_address(0));
}

EXPORT_VERSIONED int coffman_cond_timedwait_232(pthread_cond_t *c,
						pthread_mutex_t *m,
						const struct timespec *t)
{
	return cond_wait_common(232, WAIT_TIMED, c, m, 0, t,
				__builtin_return_address(0));
}

EXPORT_VERSIONED int coffman_cond_wait_225(pthread_cond_t *c,
					   pthread_mutex_t *m)
{
	return cond_wait_common(225, WAIT_PLAIN, c, m, 0, NULL,
				__builtin_return_address(0));
}

EXPORT_VERSIONED int coffman_cond_timedwait_225(pthread_cond_t *c,
						pthread_mutex_t *m,
						const struct timespec *t)
{
	return cond_wait_common(225, WAIT_TIMED, c, m, 0, t,
				__builtin_return_address(0));
}

__asm__(".symver coffman_cond_wait_232, pthread_cond_wait@@GLIBC_2.3.2");
__asm__(".symver coffman_cond_timedwait_232, "
	"pthread_cond_timedwait@@GLIBC_2.3.2");
__asm__(".symver coffman_cond_wait_225, pthread_cond_wait@GLIBC_2.2.5");
__asm__(".symver coffman_cond_timedwait_225, "
	"pthread_cond_timedwait@GLIBC_2.2.5");

/* A signal ends a waiter's sleep: it is no longer "blocked" even while it
 * has not run yet (a lost wake-up is a wait no signal came after). */
static void signal_event(void *c, int broadcast, const void *pc)
{
	struct eng_thread *t = rt_enter();

	if (!t)
		return;
	rt_event(t, OP_SIGNAL, KIND_COND, MODE_EXCL, 0, c, (uint64_t)broadcast,
		 pc);
	rt_leave();
}

int coffman_cond_signal_232(pthread_cond_t *c);
int coffman_cond_broadcast_232(pthread_cond_t *c);
int coffman_cond_signal_225(pthread_cond_t *c);
int coffman_cond_broadcast_225(pthread_cond_t *c);

EXPORT_VERSIONED int coffman_cond_signal_232(pthread_cond_t *c)
{
	signal_event(c, 0, __builtin_return_address(0));
	if (!real_ready)
		real_resolve();
	return real.cond_signal_232(c);
}

EXPORT_VERSIONED int coffman_cond_broadcast_232(pthread_cond_t *c)
{
	signal_event(c, 1, __builtin_return_address(0));
	if (!real_ready)
		real_resolve();
	return real.cond_broadcast_232(c);
}

EXPORT_VERSIONED int coffman_cond_signal_225(pthread_cond_t *c)
{
	signal_event(c, 0, __builtin_return_address(0));
	if (!real_ready)
		real_resolve();
	return real.cond_signal_225(c);
}

EXPORT_VERSIONED int coffman_cond_broadcast_225(pthread_cond_t *c)
{
	signal_event(c, 1, __builtin_return_address(0));
	if (!real_ready)
		real_resolve();
	return real.cond_broadcast_225(c);
}

__asm__(".symver coffman_cond_signal_232, pthread_cond_signal@@GLIBC_2.3.2");
__asm__(".symver coffman_cond_broadcast_232, "
	"pthread_cond_broadcast@@GLIBC_2.3.2");
__asm__(".symver coffman_cond_signal_225, pthread_cond_signal@GLIBC_2.2.5");
__asm__(".symver coffman_cond_broadcast_225, "
	"pthread_cond_broadcast@GLIBC_2.2.5");

/*
 * A destroy: the engine looks for threads still asleep on the condvar,
 * for which glibc's pthread_cond_destroy waits (for ever, if nothing
 * else wakes them). Before the real call, which may not return.
 */
static void destroy_event(void *c, const void *pc)
{
	struct eng_thread *t = rt_enter();

	if (!t)
		return;
	rt_event(t, OP_DESTROY, KIND_COND, MODE_EXCL, 0, c, 0, pc);
	rt_leave();
}

int coffman_cond_destroy_232(pthread_cond_t *c);
int coffman_cond_destroy_225(pthread_cond_t *c);

EXPORT_VERSIONED int coffman_cond_destroy_232(pthread_cond_t *c)
{
	destroy_event(c, __builtin_return_address(0));
	if (!real_ready)
		real_resolve();
	return real.cond_destroy_232(c);
}

EXPORT_VERSIONED int coffman_cond_destroy_225(pthread_cond_t *c)
{
	destroy_event(c, __builtin_return_address(0));
	if (!real_ready)
		real_resolve();
	return real.cond_destroy_225(c);
}

__asm__(".symver coffman_cond_destroy_232, "
	"pthread_cond_destroy@@GLIBC_2.3.2");
__asm__(".symver coffman_cond_destroy_225, "
	"pthread_cond_destroy@GLIBC_2.2.5");

COFFMAN_EXPORT void cnd_destroy(cnd_t *c)
{
	destroy_event(c, __builtin_return_address(0));
	R(cnd_destroy)(c);
}

COFFMAN_EXPORT int pthread_cond_clockwait(pthread_cond_t *c,
					  pthread_mutex_t *m, clockid_t clk,
					  const struct timespec *t)
{
	return cond_wait_common(0, WAIT_CLOCK, c, m, clk, t,
				__builtin_return_address(0));
}
