/* SPDX-License-Identifier: MIT */
/*
 * stackdepot.h - interned call stacks. A stack is stored once and named by
 * a small id (1, 2, ...; 0 means "no stack"), so held locks, edges and
 * trace records carry 4 bytes instead of a frame array.
 */
#ifndef COFFMAN_STACKDEPOT_H
#define COFFMAN_STACKDEPOT_H

#include <stdint.h>

#define STACK_MAX_DEPTH 64

/* Id of the stack pcs[0..n-1], interning it if new; 0 if n == 0 or OOM. */
uint32_t stackdepot_intern(const uint64_t *pcs, int n);

/*
 * Frames of stack id: returns the count and sets *pcs to the stored
 * frames (valid for the life of the process). 0 for an unknown id.
 * Lock-free.
 */
int stackdepot_get(uint32_t id, const uint64_t **pcs);

/* Number of distinct stacks. */
uint32_t stackdepot_count(void);

void stackdepot_lock_all(void);
void stackdepot_unlock_all(void);

#endif /* COFFMAN_STACKDEPOT_H */
