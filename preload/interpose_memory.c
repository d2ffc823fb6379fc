/* SPDX-License-Identifier: MIT */
/*
 * interpose_memory.c - memory given back to the system retires the sync
 * objects that lived in it, so a new lock at a reused address starts with
 * no history (no inherited lock-order edges). One lock-free filter probe
 * per page keeps free() cheap when the block never held a tracked object.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "objects.h"
#include "real.h"
#include "runtime.h"

#define PAGE 4096u

static int range_maybe_tracked(uintptr_t lo, size_t len)
{
	uintptr_t p, last = (lo + len - 1) & ~(uintptr_t)(PAGE - 1);

	for (p = lo & ~(uintptr_t)(PAGE - 1); p <= last; p += PAGE)
		if (objects_page_maybe_tracked(p))
			return 1;
	return 0;
}

static void retire_range(void *p, size_t len, const void *pc)
{
	struct eng_thread *t;

	if (!len || !range_maybe_tracked((uintptr_t)p, len))
		return;
	t = rt_enter();
	if (!t)
		return;
	rt_event(t, OP_RETIRE_RANGE, 0, 0, 0, p, len, pc);
	rt_leave();
}

COFFMAN_EXPORT void free(void *p)
{
	if (!p)
		return;
	if (!real_ready) {
		real_resolve();
		if (!real.free)
			return; /* inside our own lookup: leak it */
	}
	if (rt_active && !rt_busy && real.malloc_usable_size)
		retire_range(p, real.malloc_usable_size(p),
			     __builtin_return_address(0));
	real.free(p);
}

COFFMAN_EXPORT void *realloc(void *p, size_t n)
{
	size_t old = 0;
	void *q;

	if (!real_ready)
		real_resolve();
	if (p && rt_active && !rt_busy && real.malloc_usable_size)
		old = real.malloc_usable_size(p);
	q = real.realloc(p, n);
	/* Moved (or freed by n == 0): the old block is gone. */
	if (p && old && (q != p || n == 0))
		retire_range(p, old, __builtin_return_address(0));
	return q;
}

COFFMAN_EXPORT int munmap(void *p, size_t len)
{
	if (rt_active && !rt_busy && len <= ((size_t)1 << 30))
		retire_range(p, len, __builtin_return_address(0));
	return R(munmap)(p, len);
}
