/* SPDX-License-Identifier: MIT */
/*
 * symbolize.c - return address to module, function, file and line: elfutils'
 * libdwfl over this process's maps when libdw.so.1 loads, dladdr() otherwise.
 */
#include "symbolize.h"

#include <dlfcn.h>
#include <errno.h>
#include <gnu/libc-version.h>
#include <limits.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwlines.h"

#ifdef COFFMAN_HAVE_LIBDWFL_H
#include <pthread.h>

/*
 * Taken through the interposed pthread_mutex_lock: the runtime calls us
 * with its re-entry guard set, so the wrapper passes straight through.
 */
static pthread_mutex_t dw_lock = PTHREAD_MUTEX_INITIALIZER;
static Dwfl *session; /* NULL until first use or after reset */

/* (Re)read /proc/self/maps into the session; call with dw_lock held. */
static void session_report(void)
{
	dw.report_begin(session);
	/* On failure the modules reported so far are still worth keeping. */
	dw.linux_proc_report(session, getpid());
	dw.report_end(session, NULL, NULL);
}

/*
 * The module containing addr, or NULL. libdwfl 0.188 answers an address
 * past the last module with the last module, so check its range.
 */
static Dwfl_Module *find_module(Dwarf_Addr addr)
{
	Dwfl_Module *mod = dw.addrmodule(session, addr);
	Dwarf_Addr start, end;

	if (!mod ||
	    !dw.module_info(mod, NULL, &start, &end, NULL, NULL, NULL, NULL))
		return NULL;
	return addr >= start && addr < end ? mod : NULL;
}

/* The module holding addr, starting the session on first use; call with
 * dw_lock held. NULL if libdw is unusable or nothing maps addr. */
static Dwfl_Module *module_for(Dwarf_Addr addr)
{
	bool reported = false;
	Dwfl_Module *mod;

	if (!session) {
		session = dwlines_begin_live();
		if (!session)
			return NULL;
		session_report();
		reported = true;
	}
	mod = find_module(addr);
	if (!mod && !reported) {
		/* Perhaps a library dlopen'ed since the last report. */
		session_report();
		mod = find_module(addr);
	}
	return mod;
}

/* Look pc up in libdwfl, filling what it knows. */
static void dw_lookup(uint64_t pc, struct coffman_frame *out)
{
	Dwarf_Addr addr = pc - 1, start = 0;
	const char *name;
	Dwfl_Module *mod;

	pthread_mutex_lock(&dw_lock);
	mod = module_for(addr);
	if (!mod)
		goto unlock;

	name = dw.module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL);
	if (name) {
		dwlines_copy_tail(out->module, sizeof(out->module), name);
		out->offset = pc - start;
	}
	dwlines_frame(mod, addr, out);
unlock:
	pthread_mutex_unlock(&dw_lock);
}

struct seg_find {
	uint64_t addr;	/* in: a data address */
	uint64_t first; /* out: the start of the object's first segment */
};

static int seg_cb(struct dl_phdr_info *info, size_t size, void *p)
{
	struct seg_find *f = p;
	uint64_t first = 0;
	bool hit = false;
	int i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uint64_t lo = info->dlpi_addr + ph->p_vaddr;

		if (ph->p_type != PT_LOAD)
			continue;
		if (!first)
			first = lo;
		if (f->addr >= lo && f->addr < lo + ph->p_memsz)
			hit = true;
	}
	if (!hit)
		return 0;
	f->first = first;
	return 1;
}

/*
 * A file-backed address of the object whose segments (.bss included)
 * hold addr, or 0: libdwfl knows a module by its file mappings in
 * /proc/self/maps, and a large .bss lies past them, in anonymous memory.
 */
static uint64_t file_backed_twin(uint64_t addr)
{
	struct seg_find f = { addr, 0 };

	dl_iterate_phdr(seg_cb, &f);
	return f.first;
}

/* The symbol covering a data address and addr's offset in it. */
static bool dw_data(uint64_t addr, char *name, size_t len, uint64_t *off,
		    uint64_t *size)
{
	GElf_Off o = 0;
	GElf_Sym sym;
	const char *n = NULL;
	uint64_t twin = 0;
	Dwfl_Module *mod;

	pthread_mutex_lock(&dw_lock);
	mod = module_for(addr);
	/* Outside dl_iterate_phdr: it takes the loader's lock. */
	if (!mod) {
		pthread_mutex_unlock(&dw_lock);
		twin = file_backed_twin(addr);
		pthread_mutex_lock(&dw_lock);
		if (twin)
			mod = module_for(twin);
	}
	if (mod)
		n = dw.module_addrinfo(mod, addr, &o, &sym, NULL, NULL, NULL);
	if (n && (o < sym.st_size || (o == 0 && sym.st_size == 0))) {
		dwlines_copy_symbol(name, len, n);
		*off = o;
		*size = sym.st_size;
	} else {
		n = NULL;
	}
	pthread_mutex_unlock(&dw_lock);
	return n != NULL;
}

void symbolize_fork_prepare(void)
{
	pthread_mutex_lock(&dw_lock);
}

void symbolize_fork_done(void)
{
	pthread_mutex_unlock(&dw_lock);
}

void symbolize_reset(void)
{
	pthread_mutex_lock(&dw_lock);
	if (session)
		dw.end(session);
	session = NULL;
	pthread_mutex_unlock(&dw_lock);
}

#else /* !COFFMAN_HAVE_LIBDWFL_H */

static void dw_lookup(uint64_t pc, struct coffman_frame *out)
{
	(void)pc;
	(void)out;
}

void symbolize_fork_prepare(void)
{
}

void symbolize_fork_done(void)
{
}

static bool dw_data(uint64_t addr, char *name, size_t len, uint64_t *off,
		    uint64_t *size)
{
	(void)addr;
	(void)name;
	(void)len;
	(void)off;
	(void)size;
	return false;
}

void symbolize_reset(void)
{
}

#endif /* COFFMAN_HAVE_LIBDWFL_H */

/* Fill what libdwfl left empty from the dynamic symbol table. */
static void dl_lookup(uint64_t pc, struct coffman_frame *out)
{
	char path[PATH_MAX];
	struct link_map *map;
	const char *name;
	Dl_info info;
	void *extra;
	ssize_t len;

	if (!dladdr1((void *)(uintptr_t)(pc - 1), &info, &extra,
		     RTLD_DL_LINKMAP))
		return;
	map = extra;

	if (!out->module[0]) {
		name = info.dli_fname;
		if (map && !map->l_name[0]) {
			/* The main program: dli_fname is only argv[0]. */
			len = readlink("/proc/self/exe", path,
				       sizeof(path) - 1);
			if (len > 0) {
				path[len] = '\0';
				name = path;
			}
		} else if (name && name[0] != '/' && realpath(name, path)) {
			/* A library dlopen'ed by a relative path. */
			name = path;
		}
		if (name)
			dwlines_copy_tail(out->module, sizeof(out->module),
					  name);
		out->offset = pc - (uintptr_t)info.dli_fbase;
	}
	if (!out->function[0] && info.dli_sname)
		dwlines_copy_head(out->function, sizeof(out->function),
				  info.dli_sname);
}

/* ---- the program's own allocator ----------------------------------------- */

#define ALLOC_RANGES 16
static struct {
	uintptr_t lo, hi;
} alloc_ranges[ALLOC_RANGES];
static int n_alloc_ranges;
static __thread int plain;

void symbolize_plain(bool on)
{
	plain = on;
}

bool symbolize_in_allocator(uint64_t pc)
{
	int i;

	for (i = 0; i < n_alloc_ranges; i++)
		if (pc - 1 >= alloc_ranges[i].lo && pc - 1 < alloc_ranges[i].hi)
			return true;
	return false;
}

static void add_alloc_range(uintptr_t lo, uintptr_t hi)
{
	if (lo < hi && n_alloc_ranges < ALLOC_RANGES) {
		alloc_ranges[n_alloc_ranges].lo = lo;
		alloc_ranges[n_alloc_ranges].hi = hi;
		n_alloc_ranges++;
	}
}

/* The executable segments of the object loaded at base. */
static int code_segments(struct dl_phdr_info *info, size_t size, void *arg)
{
	uintptr_t base = *(const uintptr_t *)arg;
	int i;

	(void)size;
	if (info->dlpi_addr != base)
		return 0;
	for (i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_LOAD &&
		    (info->dlpi_phdr[i].p_flags & PF_X))
			add_alloc_range(base + info->dlpi_phdr[i].p_vaddr,
					base + info->dlpi_phdr[i].p_vaddr +
						info->dlpi_phdr[i].p_memsz);
	return 1;
}

void symbolize_init_allocator(void)
{
	static const char *const names[] = {
		"malloc", "calloc", "realloc", "free", "posix_memalign",
		"aligned_alloc", "memalign", "valloc", "pvalloc",
		"malloc_usable_size",
	};
	struct link_map *map = NULL, *libc = NULL;
	void *m = dlsym(RTLD_DEFAULT, "malloc"), *extra;
	const ElfW(Sym) *sym;
	Dl_info info;
	size_t i;

	if (!m || !dladdr1(m, &info, (void **)&map, RTLD_DL_LINKMAP) || !map)
		return;
	/* glibc's own malloc takes no pthread mutex. */
	if (dladdr1((void *)(uintptr_t)gnu_get_libc_version, &info, &extra,
		    RTLD_DL_LINKMAP))
		libc = extra;
	if (map == libc)
		return;
	if (map->l_name && map->l_name[0]) {
		/* A library: all of its code. */
		uintptr_t base = map->l_addr;

		dl_iterate_phdr(code_segments, &base);
		return;
	}
	/* The program itself: its malloc family (the rest of it is the
	 * program's code, which reports must show with its lines). */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		void *f = dlsym(RTLD_DEFAULT, names[i]);

		if (f && dladdr1(f, &info, &extra, RTLD_DL_LINKMAP) &&
		    extra == map &&
		    dladdr1(f, &info, (void **)&sym, RTLD_DL_SYMENT) && sym &&
		    sym->st_size)
			add_alloc_range((uintptr_t)f,
					(uintptr_t)f + sym->st_size);
	}
}

int symbolize_pc(uint64_t pc, struct coffman_frame *out)
{
	memset(out, 0, sizeof(*out));
	out->pc = pc;
	if (pc == 0)
		return -ENOENT;

	if (!plain)
		dw_lookup(pc, out);
	if (!out->module[0] || !out->function[0])
		dl_lookup(pc, out);
	return out->function[0] || out->module[0] ? 0 : -ENOENT;
}

int symbolize_data(uint64_t addr, size_t objsize, char *buf, size_t len)
{
	char name[128] = "";
	uint64_t off = 0, size = 0;
	Dl_info info;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	if (plain)
		return -ENOENT;
	if (!dw_data(addr, name, sizeof(name), &off, &size)) {
		if (!dladdr((void *)(uintptr_t)addr, &info) || !info.dli_sname ||
		    !info.dli_saddr)
			return -ENOENT;
		dwlines_copy_head(name, sizeof(name), info.dli_sname);
		off = addr - (uintptr_t)info.dli_saddr;
		size = 0;
	}
	/* An array of such objects: name the element. */
	if (off == 0 && (!objsize || size <= objsize))
		snprintf(buf, len, "%s", name);
	else if (objsize && size && size % objsize == 0 && off % objsize == 0)
		snprintf(buf, len, "%s[%llu]", name,
			 (unsigned long long)(off / objsize));
	else
		snprintf(buf, len, "%s+0x%llx", name, (unsigned long long)off);
	return 0;
}
