/* SPDX-License-Identifier: MIT */
/*
 * glibc_mutex.h - glibc's own uncontended trylock and unlock of its two
 * plain mutex types, done in the wrapper.
 *
 * The lock wrapper takes every mutex with a trylock first (a failure is
 * where a wait starts, which the engine must see), and glibc's trylock
 * then sorts the mutex by type before it gets to its one atomic
 * instruction, as its unlock does: about 60 instructions a lock-unlock
 * pair, as much as the engine's own fast path for a known nesting. For
 * the types whose fast path is only the lock word (PTHREAD_MUTEX_TIMED_NP,
 * the default, and PTHREAD_MUTEX_ADAPTIVE_NP, private or process-shared),
 * the wrapper does what glibc does, on the same fields:
 *   trylock: compare-and-swap the lock word 0 -> 1, then the owner's tid
 *            and one more user (pthread_mutex_destroy's EBUSY test);
 *   unlock:  owner 0, one user less, the lock word swapped to 0, and if
 *            it was 2 (a waiter sleeps on it) one waiter woken with
 *            FUTEX_WAKE, private unless the mutex is process-shared.
 * These fields and values are glibc's ABI for inline-locking code (the
 * layout of pthread_mutex_t, and the lock word other processes and
 * condition variables read); every other type (recursive, error-checking,
 * robust, priority-inheriting or -protecting, elided) still goes to glibc.
 *
 * Not while lock elision may be on (GLIBC_TUNABLES glibc.elision.enable,
 * or a glibc before 2.27, where it was on by default): glibc then marks a
 * plain mutex elided at its first lock, and a mutex taken here and
 * released there would keep a user. rt_glibc_mutex_kinds is 0 then.
 */
#ifndef COFFMAN_GLIBC_MUTEX_H
#define COFFMAN_GLIBC_MUTEX_H

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdbool.h>

#include "real.h"

/* Bit k set: glibc mutex type k is done here (k = __kind without the
 * process-shared bit); 0 to leave every mutex to glibc. */
extern unsigned rt_glibc_mutex_kinds;

/* Set rt_glibc_mutex_kinds from glibc's version and tunables. */
void rt_glibc_mutex_init(void);

/* Wake one waiter sleeping on a lock word (op: FUTEX_WAKE, private or
 * not); keeps errno. Out of line: a waiter is the rare case. */
void rt_glibc_mutex_wake(int *word, int op) __attribute__((cold));

#define GLIBC_MUTEX_PSHARED 128 /* __kind: PTHREAD_PROCESS_SHARED */

static inline bool glibc_mutex_plain(const pthread_mutex_t *m)
{
	unsigned k = (unsigned)__atomic_load_n(&m->__data.__kind,
					       __ATOMIC_RELAXED) &
		     ~(unsigned)GLIBC_MUTEX_PSHARED;

	return k < 32 && (rt_glibc_mutex_kinds >> k & 1);
}

/* pthread_mutex_trylock(m) of a glibc_mutex_plain(m) mutex by the thread
 * whose kernel tid is tid. */
static inline int glibc_mutex_plain_trylock(pthread_mutex_t *m, int tid)
{
	int free_word = 0;

	if (!__atomic_compare_exchange_n(&m->__data.__lock, &free_word, 1,
					 false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return EBUSY;
	m->__data.__owner = tid;
	++m->__data.__nusers;
	return 0;
}

/* pthread_mutex_trylock(m) by the thread whose kernel tid is tid. */
static inline int glibc_mutex_trylock(pthread_mutex_t *m, int tid)
{
	if (!glibc_mutex_plain(m))
		return real.pthread_mutex_trylock(m);
	return glibc_mutex_plain_trylock(m, tid);
}

/* pthread_mutex_unlock(m) of a mutex the caller holds. Keeps errno. */
static inline int glibc_mutex_unlock(pthread_mutex_t *m)
{
	int op;

	if (!glibc_mutex_plain(m))
		return real.pthread_mutex_unlock(m);
	/* Read while the lock is held: once free, it may be destroyed. */
	op = (m->__data.__kind & GLIBC_MUTEX_PSHARED)
		     ? FUTEX_WAKE
		     : FUTEX_WAKE | FUTEX_PRIVATE_FLAG;
	m->__data.__owner = 0;
	--m->__data.__nusers;
	if (__atomic_exchange_n(&m->__data.__lock, 0, __ATOMIC_RELEASE) > 1)
		rt_glibc_mutex_wake(&m->__data.__lock, op);
	return 0;
}

#endif /* COFFMAN_GLIBC_MUTEX_H */
