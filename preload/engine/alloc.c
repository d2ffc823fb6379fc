/* SPDX-License-Identifier: MIT */
/* alloc.c - mmap-backed size-class allocator for engine records. */
#include "alloc.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "lock.h"

#define MIN_SHIFT 4  /* 16 bytes */
#define MAX_SHIFT 16 /* 64 KiB; larger blocks are mapped on their own */
#define NCLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define CHUNK (1u << 20)

struct free_block {
	struct free_block *next;
};

static struct eng_lock alloc_lock = ENG_LOCK_INIT;
static struct free_block *free_list[NCLASSES];
static char *chunk_cur;	     /* bump pointer into the current chunk */
static size_t chunk_left;    /* bytes left after chunk_cur */
static size_t bytes_in_use;  /* handed out, by class size */
static size_t bytes_peak;
static size_t bytes_limit;

static int class_of(size_t n)
{
	int c = 0;
	size_t sz = (size_t)1 << MIN_SHIFT;

	while (sz < n) {
		sz <<= 1;
		c++;
	}
	return c;
}

static void *map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static size_t round_page(size_t n)
{
	return (n + 4095) & ~(size_t)4095;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/*
 * Fault in the pages of a fresh block of n bytes at p, with writes.
 * Tables are probed (read) before they are written: a page read first
 * maps the shared zero page, and the write that follows costs a second
 * fault and a TLB flush on every CPU the process runs on. In a new
 * thread's first lock that added tens of microseconds inside the
 * program's critical section, enough to make a race that natively never
 * happens happen often. One madvise() where the kernel has it (5.14).
 */
static void prefault(void *p, size_t n)
{
	uintptr_t start = (uintptr_t)p & ~(uintptr_t)4095;
	int saved = errno;
	size_t off;

	if (madvise((void *)start, round_page((uintptr_t)p + n - start),
		    MADV_POPULATE_WRITE) == 0)
		return;
	errno = saved;
	for (off = 0; off < n; off += 4096)
		((volatile char *)p)[off] = 0;
}

static void *alloc_block(size_t n, bool touch)
{
	struct free_block *b;
	bool fresh = false;
	size_t sz;
	void *p;
	int c;

	if (n == 0)
		n = 1;
	if (n > ((size_t)1 << MAX_SHIFT)) {
		sz = round_page(n);
		eng_lock(&alloc_lock);
		if (bytes_limit && bytes_in_use + sz > bytes_limit) {
			eng_unlock(&alloc_lock);
			return NULL;
		}
		bytes_in_use += sz;
		if (bytes_in_use > bytes_peak)
			bytes_peak = bytes_in_use;
		eng_unlock(&alloc_lock);
		p = map(sz);
		if (!p) {
			eng_lock(&alloc_lock);
			bytes_in_use -= sz;
			eng_unlock(&alloc_lock);
			return NULL;
		}
		if (touch)
			prefault(p, n);
		return p; /* fresh mappings are zeroed */
	}
	c = class_of(n);
	sz = (size_t)1 << (c + MIN_SHIFT);
	eng_lock(&alloc_lock);
	if (bytes_limit && bytes_in_use + sz > bytes_limit) {
		eng_unlock(&alloc_lock);
		return NULL;
	}
	b = free_list[c];
	if (b) {
		free_list[c] = b->next;
		p = b;
	} else {
		/* Blocks of a cache line or more start on one: a record's
		 * first fields (those the fast paths read) share a line. */
		size_t pad = (size_t)-(uintptr_t)chunk_cur &
			     ((sz < 64 ? sz : 64) - 1);

		fresh = true; /* from a new mapping: zero already */
		if (chunk_left >= pad + sz) {
			chunk_cur += pad;
			chunk_left -= pad;
		} else {
			char *chunk = map(CHUNK);

			if (!chunk) {
				eng_unlock(&alloc_lock);
				return NULL;
			}
			/* The tail of the old chunk is dropped: < 64 KiB. */
			chunk_cur = chunk;
			chunk_left = CHUNK;
		}
		p = chunk_cur;
		chunk_cur += sz;
		chunk_left -= sz;
	}
	bytes_in_use += sz;
	if (bytes_in_use > bytes_peak)
		bytes_peak = bytes_in_use;
	eng_unlock(&alloc_lock);
	if (!fresh)
		memset(p, 0, sz);
	else if (touch && n >= 4096)
		prefault(p, n);
	return p;
}

void *eng_alloc(size_t n)
{
	return alloc_block(n, true);
}

void *eng_alloc_lazy(size_t n)
{
	return alloc_block(n, false);
}

void eng_free(void *p, size_t n)
{
	struct free_block *b = p;
	size_t sz;
	int c;

	if (!p)
		return;
	if (n == 0)
		n = 1;
	if (n > ((size_t)1 << MAX_SHIFT)) {
		sz = round_page(n);
		munmap(p, sz);
		eng_lock(&alloc_lock);
		bytes_in_use -= sz;
		eng_unlock(&alloc_lock);
		return;
	}
	c = class_of(n);
	eng_lock(&alloc_lock);
	b->next = free_list[c];
	free_list[c] = b;
	bytes_in_use -= (size_t)1 << (c + MIN_SHIFT);
	eng_unlock(&alloc_lock);
}

size_t eng_alloc_in_use(void)
{
	return __atomic_load_n(&bytes_in_use, __ATOMIC_RELAXED);
}

size_t eng_alloc_peak(void)
{
	return __atomic_load_n(&bytes_peak, __ATOMIC_RELAXED);
}

void eng_alloc_set_limit(size_t bytes)
{
	bytes_limit = bytes;
}

void eng_alloc_lock_all(void)
{
	eng_lock(&alloc_lock);
}

void eng_alloc_unlock_all(void)
{
	eng_unlock(&alloc_lock);
}
