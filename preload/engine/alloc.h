/* SPDX-License-Identifier: MIT */
/*
 * alloc.h - the engine's allocator: size-classed free lists over memory
 * taken from mmap, so the engine never calls the program's malloc (which
 * may lock through pthread, or be the function being interposed).
 * Memory handed out is zeroed. Freed blocks go back to their class and are
 * never unmapped, so a freed record stays readable (type-stable) memory.
 */
#ifndef COFFMAN_ALLOC_H
#define COFFMAN_ALLOC_H

#include <stddef.h>

/* Zeroed block of n bytes, NULL when the memory limit is reached. A
 * fresh block of a page or more comes faulted in. */
void *eng_alloc(size_t n);
/* The same, a fresh block's pages left for first use: for a buffer
 * written front to back, most of it perhaps never. */
void *eng_alloc_lazy(size_t n);
/* Return a block from eng_alloc; n must be the size it was asked with. */
void eng_free(void *p, size_t n);
/* Bytes currently handed out, and the peak. */
size_t eng_alloc_in_use(void);
size_t eng_alloc_peak(void);
/* Cap on the bytes handed out (0 = no cap). */
void eng_alloc_set_limit(size_t bytes);
/* Fork support: take/drop the allocator's lock. */
void eng_alloc_lock_all(void);
void eng_alloc_unlock_all(void);

#endif /* COFFMAN_ALLOC_H */
