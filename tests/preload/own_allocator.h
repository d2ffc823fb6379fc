/* SPDX-License-Identifier: MIT */
/*
 * own_allocator.h - malloc and the rest, defined by the program (as with
 * jemalloc or tcmalloc): a bump allocator behind a pthread mutex,
 * heap_lock. It cannot be re-entered: it stops the program (exit 3) if it
 * is, where a real allocator would crash or hang at random. Include it
 * once, in a program linked with -rdynamic, so that glibc's own
 * allocations come here too.
 */
#ifndef COFFMAN_TEST_OWN_ALLOCATOR_H
#define COFFMAN_TEST_OWN_ALLOCATOR_H

#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define ARENA_BYTES (16u << 20)
#define HDR 16 /* the block's size, kept in front of it */

static _Alignas(64) unsigned char arena[ARENA_BYTES];
static size_t arena_used;
static pthread_mutex_t heap_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int in_heap;

/* Seen by glibc and the libraries (the build hides symbols by default). */
#define EXPORT __attribute__((visibility("default")))

/* A bump allocator: nothing is ever given back. */
static void *heap_alloc(size_t size, size_t align)
{
	static const char reentered[] = "allocator re-entered\n";
	uintptr_t base = (uintptr_t)arena, at;
	void *p = NULL;

	if (in_heap) {
		(void)!write(2, reentered, sizeof(reentered) - 1);
		_exit(3);
	}
	if (align < HDR)
		align = HDR;
	in_heap = 1;
	pthread_mutex_lock(&heap_lock);
	at = (base + arena_used + HDR + align - 1) & ~(uintptr_t)(align - 1);
	if (size <= ARENA_BYTES && at + size <= base + ARENA_BYTES) {
		memcpy((void *)(at - HDR), &size, sizeof(size));
		arena_used = at + size - base;
		p = (void *)at;
	}
	pthread_mutex_unlock(&heap_lock);
	in_heap = 0;
	return p;
}

static size_t block_size(const void *p)
{
	size_t size;

	memcpy(&size, (const char *)p - HDR, sizeof(size));
	return size;
}

EXPORT void *malloc(size_t size)
{
	return heap_alloc(size, HDR);
}

EXPORT void *calloc(size_t n, size_t size)
{
	void *p;

	if (size && n > (size_t)-1 / size)
		return NULL;
	p = heap_alloc(n * size, HDR);
	if (p)
		memset(p, 0, n * size);
	return p;
}

EXPORT void *realloc(void *old, size_t size)
{
	void *p = heap_alloc(size, HDR);

	if (p && old) {
		size_t n = block_size(old);

		memcpy(p, old, n < size ? n : size);
	}
	return p;
}

EXPORT void free(void *p)
{
	(void)p;
}

EXPORT void *memalign(size_t align, size_t size)
{
	return heap_alloc(size, align);
}

EXPORT void *aligned_alloc(size_t align, size_t size)
{
	return heap_alloc(size, align);
}

EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	void *p = heap_alloc(size, align);

	if (!p)
		return 12; /* ENOMEM */
	*out = p;
	return 0;
}

EXPORT void *valloc(size_t size)
{
	return heap_alloc(size, 4096);
}

EXPORT void *pvalloc(size_t size)
{
	return heap_alloc((size + 4095) & ~(size_t)4095, 4096);
}

EXPORT size_t malloc_usable_size(void *p)
{
	return p ? block_size(p) : 0;
}

#endif /* COFFMAN_TEST_OWN_ALLOCATOR_H */
