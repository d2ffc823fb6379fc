/* SPDX-License-Identifier: MIT */
/*
 * interpose_memory.c - memory given back to the system retires the sync
 * objects that lived in it, so a new lock at a reused address starts with
 * no history (no inherited lock-order edges): freed blocks, unmapped
 * ranges, and the segments of a library dlclose unloads. One lock-free
 * filter probe per page keeps free() cheap when the block never held a
 * tracked object.
 */
#include <dlfcn.h>
#include <limits.h>
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "objects.h"
#include "real.h"
#include "runtime.h"
#include "trace_glue.h"

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

/* The loaded segments of one object (base address and name), found with
 * dl_iterate_phdr. */
#define DL_SEGS 16
struct dl_segs {
	uintptr_t base;
	const char *name;
	int found, n;
	uintptr_t lo[DL_SEGS];
	size_t len[DL_SEGS];
};

static int find_segs(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct dl_segs *s = arg;
	int i;

	(void)size;
	if (info->dlpi_addr != s->base || !info->dlpi_name ||
	    strcmp(info->dlpi_name, s->name) != 0)
		return 0;
	s->found = 1;
	for (i = 0; i < info->dlpi_phnum && s->n < DL_SEGS; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD) {
			s->lo[s->n] = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
			s->len[s->n] = info->dlpi_phdr[i].p_memsz;
			s->n++;
		}
	return 1;
}

/*
 * A library the call unloads takes its static mutexes with it (the loader
 * unmaps it with no call of ours): they are retired, so that whatever is
 * mapped there next starts with no history. One still loaded (opened more
 * than once, or RTLD_NODELETE) keeps them. A trace records the library
 * first (if it came with dlopen since the trace's last look), so that
 * its addresses resolve offline.
 */
COFFMAN_EXPORT int dlclose(void *h)
{
	struct link_map *map = NULL;
	struct dl_segs s, again;
	char name[PATH_MAX];
	int rc, i;

	memset(&s, 0, sizeof(s));
	if (rt_active && !rt_busy && dlinfo(h, RTLD_DI_LINKMAP, &map) == 0 &&
	    map && map->l_name && map->l_name[0] &&
	    strlen(map->l_name) < sizeof(name)) {
		strcpy(name, map->l_name);
		s.base = map->l_addr;
		s.name = name;
		dl_iterate_phdr(find_segs, &s);
		rt_trace_modules();
	}
	rc = R(dlclose)(h);
	if (rc != 0 || !s.found)
		return rc;
	memset(&again, 0, sizeof(again));
	again.base = s.base;
	again.name = name;
	dl_iterate_phdr(find_segs, &again);
	if (!again.found)
		for (i = 0; i < s.n; i++)
			retire_range((void *)s.lo[i], s.len[i],
				     __builtin_return_address(0));
	return rc;
}
