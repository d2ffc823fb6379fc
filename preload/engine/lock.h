/* SPDX-License-Identifier: MIT */
/*
 * lock.h - the engine's own mutex: a futex word driven by raw syscalls, so
 * the engine never calls an interposed pthread function and the preload
 * never re-enters itself through its own locking.
 */
#ifndef COFFMAN_LOCK_H
#define COFFMAN_LOCK_H

#include <stdint.h>

struct eng_lock {
	uint32_t word; /* 0 free, 1 locked, 2 locked with waiters */
};

#define ENG_LOCK_INIT { 0 }

void eng_lock(struct eng_lock *l);
void eng_unlock(struct eng_lock *l);
/* True if the lock was taken. */
int eng_trylock(struct eng_lock *l);
/* Make the lock free again without waking anyone: fork child only. */
void eng_lock_reset(struct eng_lock *l);

#endif /* COFFMAN_LOCK_H */
