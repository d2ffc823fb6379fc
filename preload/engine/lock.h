/* SPDX-License-Identifier: MIT */
/*
 * lock.h - the engine's own mutex: a futex word driven by raw syscalls, so
 * the engine never calls an interposed pthread function and the preload
 * never re-enters itself through its own locking.
 */
#ifndef COFFMAN_LOCK_H
#define COFFMAN_LOCK_H

#include <pthread.h>
#include <stdint.h>

struct eng_lock {
	uint32_t word; /* 0 free, 1 locked, 2 locked with waiters */
};

#define ENG_LOCK_INIT { 0 }

void eng_lock(struct eng_lock *l);
void eng_unlock(struct eng_lock *l);
/* True if the lock was taken. */
int eng_trylock(struct eng_lock *l);

/*
 * Non-zero once the program has a handler for a signal that can come at
 * any time, one the front end does not stand in for (see
 * eng_defer_signal). From then on a thread blocks such
 * signals while it holds any engine lock: a handler that ran there and
 * waited for one of the program's locks would wait for a thread that
 * waits for the engine lock, a deadlock the program without the runtime
 * does not have. The signal comes once the thread's last engine lock is
 * released. Faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS) and
 * SIGABRT stay unblocked.
 */
extern int eng_mask_signals;

/*
 * For a handler the front end stands in for (it is never run while its
 * thread holds an engine lock): true if this thread holds one now, and
 * then signal sig is raised again on this thread once it holds none.
 * Async-signal-safe.
 */
int eng_defer_signal(int sig);
/* Around an engine event: signals blocked by its first engine lock stay
 * blocked until its end (one change of mask, however many locks). */
void eng_event_begin(void);
void eng_event_end(void);
/* Make the lock free again without waking anyone: fork child only. */
void eng_lock_reset(struct eng_lock *l);

/*
 * Runtime code must not be where a thread of the program is cancelled:
 * a pending cancel would fire in a call the program made that is no
 * cancellation point (pthread_mutex_lock, pthread_barrier_wait), through
 * one the runtime makes (an unwinder's system call while it walks a
 * stack, the write(2) of a report or a trace block), with runtime locks
 * held. The cancel stays pending for the program's next cancellation
 * point.
 */
static inline int eng_cancel_off(void)
{
	int old = PTHREAD_CANCEL_DISABLE;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &old);
	return old;
}

static inline void eng_cancel_restore(int old)
{
	if (old == PTHREAD_CANCEL_ENABLE)
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
}

#endif /* COFFMAN_LOCK_H */
