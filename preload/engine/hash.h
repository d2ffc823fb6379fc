/* SPDX-License-Identifier: MIT */
/*
 * hash.h - uthash configured for the engine: its tables live in the
 * engine's allocator, and running out of memory fails the insert instead
 * of calling exit() in the program (uthash's default).
 */
#ifndef COFFMAN_HASH_H
#define COFFMAN_HASH_H

#include <stdint.h>

#include "alloc.h"

#define uthash_malloc(sz) eng_alloc(sz)
#define uthash_free(ptr, sz) eng_free((ptr), (sz))
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) ((void)(obj), hash_oom_count++)

extern unsigned long hash_oom_count; /* failed inserts, see engine stats */

#include <uthash.h>

/* A 64-bit mixer (splitmix64 finaliser): good spread for keys and chains. */
static inline uint64_t hash_mix(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

#endif /* COFFMAN_HASH_H */
