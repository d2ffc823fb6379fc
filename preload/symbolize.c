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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef COFFMAN_HAVE_LIBDWFL_H
#include <pthread.h>
#include <stdbool.h>

#include <dwarf.h>
#include <elfutils/libdwfl.h>
#endif

/* Copy src into dst[size], cutting the end off a long name. */
static void copy_head(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

typedef char *demangle_fn(const char *name, char *buf, size_t *len,
			  int *status);

/*
 * Copy a symbol's name into dst[size], demangled when it is a C++ name:
 * with libstdc++'s __cxa_demangle, the program's if it has one (looked
 * up again until found, for one loaded later), else from a copy of
 * libstdc++ loaded for the runtime alone, once (C++ built without the
 * C++ library still has C++ names). What offline reports print too
 * (addr2line -C), and what suppressions are written against.
 */
static void copy_symbol(char *dst, size_t size, const char *name)
{
	static demangle_fn *demangle;
	static int loaded; /* libstdc++ tried, by this function */
	demangle_fn *fn = __atomic_load_n(&demangle, __ATOMIC_RELAXED);
	char *plain;
	int status = -1;

	if (name[0] == '_' && name[1] == 'Z' && !fn) {
		fn = (demangle_fn *)dlsym(RTLD_DEFAULT, "__cxa_demangle");
		if (!fn && !__atomic_exchange_n(&loaded, 1, __ATOMIC_RELAXED)) {
			/* RTLD_LOCAL: none of it reaches the program */
			void *h = dlopen("libstdc++.so.6",
					 RTLD_NOW | RTLD_LOCAL);

			fn = h ? (demangle_fn *)dlsym(h, "__cxa_demangle")
			       : NULL;
		}
		if (fn)
			__atomic_store_n(&demangle, fn, __ATOMIC_RELAXED);
	}
	if (name[0] == '_' && name[1] == 'Z' && fn &&
	    (plain = fn(name, NULL, NULL, &status)) != NULL) {
		if (status == 0)
			copy_head(dst, size, plain);
		free(plain);
		if (status == 0)
			return;
	}
	copy_head(dst, size, name);
}

/* Copy src into dst[size], keeping the end of a long path: the basename. */
static void copy_tail(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		src += len - (size - 1);
	copy_head(dst, size, src);
}

#ifdef COFFMAN_HAVE_LIBDWFL_H

/* libdw's entry points; dw_load() resolves all of them or none. */
static struct {
	__typeof__(dwfl_begin) *begin;
	__typeof__(dwfl_end) *end;
	__typeof__(dwfl_report_begin) *report_begin;
	__typeof__(dwfl_linux_proc_report) *linux_proc_report;
	__typeof__(dwfl_report_end) *report_end;
	__typeof__(dwfl_addrmodule) *addrmodule;
	__typeof__(dwfl_module_info) *module_info;
	__typeof__(dwfl_module_addrname) *module_addrname;
	__typeof__(dwfl_module_addrinfo) *module_addrinfo;
	__typeof__(dwfl_module_getsrc) *module_getsrc;
	__typeof__(dwfl_lineinfo) *lineinfo;
	__typeof__(dwfl_module_nextcu) *module_nextcu;
	__typeof__(dwarf_haspc) *haspc;
	__typeof__(dwarf_getsrc_die) *getsrc_die;
	__typeof__(dwarf_linesrc) *linesrc;
	__typeof__(dwarf_lineno) *lineno;
	__typeof__(dwfl_linux_proc_find_elf) *linux_proc_find_elf;
	__typeof__(dwfl_standard_find_debuginfo) *standard_find_debuginfo;
	__typeof__(dwfl_build_id_find_debuginfo) *build_id_find_debuginfo;
	/* for inlined calls; NULL when libdw lacks any of them */
	__typeof__(dwfl_module_addrdie) *module_addrdie;
	__typeof__(dwarf_getscopes) *getscopes;
	__typeof__(dwarf_getscopes_die) *getscopes_die;
	__typeof__(dwarf_tag) *tag;
	__typeof__(dwarf_attr_integrate) *attr_integrate;
	__typeof__(dwarf_formudata) *formudata;
	__typeof__(dwarf_getsrcfiles) *getsrcfiles;
	__typeof__(dwarf_filesrc) *filesrc;
} dw;

/*
 * Taken through the interposed pthread_mutex_lock: the runtime calls us
 * with its re-entry guard set, so the wrapper passes straight through.
 */
static pthread_mutex_t dw_lock = PTHREAD_MUTEX_INITIALIZER;
static int dw_state;		    /* 0 untried, 1 loaded, -1 unusable */
static Dwfl_Callbacks dw_callbacks; /* read by libdwfl for session's life */
static Dwfl *session;		    /* NULL until first use or after reset */

#define DW_SYM(h, field, name) \
	((dw.field = (__typeof__(dw.field))dlsym((h), (name))) != NULL)

/* Load libdw.so.1 once; call with dw_lock held. */
static bool dw_load(void)
{
	const char *urls;
	void *h;

	if (dw_state)
		return dw_state > 0;
	dw_state = -1;

	/* RTLD_LOCAL: keep libdw's symbols away from the host program. */
	h = dlopen("libdw.so.1", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return false;
	if (!(DW_SYM(h, begin, "dwfl_begin") && DW_SYM(h, end, "dwfl_end") &&
	      DW_SYM(h, report_begin, "dwfl_report_begin") &&
	      DW_SYM(h, linux_proc_report, "dwfl_linux_proc_report") &&
	      DW_SYM(h, report_end, "dwfl_report_end") &&
	      DW_SYM(h, addrmodule, "dwfl_addrmodule") &&
	      DW_SYM(h, module_info, "dwfl_module_info") &&
	      DW_SYM(h, module_addrname, "dwfl_module_addrname") &&
	      DW_SYM(h, module_addrinfo, "dwfl_module_addrinfo") &&
	      DW_SYM(h, module_getsrc, "dwfl_module_getsrc") &&
	      DW_SYM(h, lineinfo, "dwfl_lineinfo") &&
	      DW_SYM(h, module_nextcu, "dwfl_module_nextcu") &&
	      DW_SYM(h, haspc, "dwarf_haspc") &&
	      DW_SYM(h, getsrc_die, "dwarf_getsrc_die") &&
	      DW_SYM(h, linesrc, "dwarf_linesrc") &&
	      DW_SYM(h, lineno, "dwarf_lineno") &&
	      DW_SYM(h, linux_proc_find_elf, "dwfl_linux_proc_find_elf") &&
	      DW_SYM(h, standard_find_debuginfo,
		     "dwfl_standard_find_debuginfo") &&
	      DW_SYM(h, build_id_find_debuginfo,
		     "dwfl_build_id_find_debuginfo"))) {
		dlclose(h);
		return false;
	}
	if (!(DW_SYM(h, module_addrdie, "dwfl_module_addrdie") &&
	      DW_SYM(h, getscopes, "dwarf_getscopes") &&
	      DW_SYM(h, getscopes_die, "dwarf_getscopes_die") &&
	      DW_SYM(h, tag, "dwarf_tag") &&
	      DW_SYM(h, attr_integrate, "dwarf_attr_integrate") &&
	      DW_SYM(h, formudata, "dwarf_formudata") &&
	      DW_SYM(h, getsrcfiles, "dwarf_getsrcfiles") &&
	      DW_SYM(h, filesrc, "dwarf_filesrc")))
		dw.module_addrdie = NULL;

	/*
	 * The standard search ends with a debuginfod download when
	 * DEBUGINFOD_URLS is set (elfutils >= 0.178): network I/O inside the
	 * host, 90 s timeout per file. Then search only the local build-id
	 * tree, which still finds Debian's -dbgsym packages.
	 */
	urls = getenv("DEBUGINFOD_URLS");
	dw_callbacks.find_elf = dw.linux_proc_find_elf;
	dw_callbacks.find_debuginfo = urls && *urls
					      ? dw.build_id_find_debuginfo
					      : dw.standard_find_debuginfo;
	dw_state = 1;
	return true;
}

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

/*
 * Source file of addr, and its line in *lineno. libdw 0.188 finds the CU
 * through .debug_aranges, which clang 14 does not emit; then search the CUs
 * one by one, which is slow but happens only at report time.
 */
static const char *find_line(Dwfl_Module *mod, Dwarf_Addr addr, int *lineno)
{
	Dwfl_Line *line = dw.module_getsrc(mod, addr);
	Dwarf_Die *cu = NULL;
	Dwarf_Line *cu_line;
	Dwarf_Addr bias;

	if (line)
		return dw.lineinfo(line, NULL, lineno, NULL, NULL, NULL);
	while ((cu = dw.module_nextcu(mod, cu, &bias))) {
		if (dw.haspc(cu, addr - bias) <= 0)
			continue;
		cu_line = dw.getsrc_die(cu, addr - bias);
		if (!cu_line || dw.lineno(cu_line, lineno) != 0)
			return NULL;
		return dw.linesrc(cu_line, NULL, NULL);
	}
	return NULL;
}

/* The innermost inlined call among scopes[from..n-1], copied to *out. */
static bool next_inlined(Dwarf_Die *scopes, int from, int n, Dwarf_Die *out)
{
	int i;

	for (i = from; i < n; i++)
		if (dw.tag(&scopes[i]) == DW_TAG_inlined_subroutine) {
			*out = scopes[i];
			return true;
		}
	return false;
}

/*
 * *file:*line is in a system header: go out through the calls inlined at
 * addr, each one's call site in turn, to the first outside one (see
 * frame_system_header). Leaves them when there is none.
 */
static void inlined_caller(Dwfl_Module *mod, Dwarf_Addr addr,
			   const char **file, int *line)
{
	Dwarf_Die *cu, *scopes = NULL, die;
	Dwarf_Files *files;
	Dwarf_Addr bias = 0;
	size_t nfiles;
	int n, depth;
	bool more;

	if (!dw.module_addrdie ||
	    !(cu = dw.module_addrdie(mod, addr, &bias)) ||
	    dw.getsrcfiles(cu, &files, &nfiles) != 0)
		return;
	n = dw.getscopes(cu, addr - bias, &scopes);
	more = n > 0 && next_inlined(scopes, 0, n, &die);
	free(scopes);
	/* Each level: where it was inlined; then the scopes around that
	 * call (dwarf_getscopes gives the abstract function's, not these). */
	for (depth = 0; more && depth < 64; depth++) {
		Dwarf_Attribute a;
		Dwarf_Word f, l;
		const char *name;

		if (!dw.attr_integrate(&die, DW_AT_call_file, &a) ||
		    dw.formudata(&a, &f) != 0 || f >= nfiles ||
		    !dw.attr_integrate(&die, DW_AT_call_line, &a) ||
		    dw.formudata(&a, &l) != 0 || l == 0 || l > INT_MAX ||
		    !(name = dw.filesrc(files, f, NULL, NULL)))
			return;
		*file = name;
		*line = (int)l;
		if (!frame_system_header(name))
			return;
		scopes = NULL;
		n = dw.getscopes_die(&die, &scopes);
		more = n > 1 && next_inlined(scopes, 1, n, &die);
		free(scopes);
	}
}

/* The module holding addr, starting the session on first use; call with
 * dw_lock held. NULL if libdw is unusable or nothing maps addr. */
static Dwfl_Module *module_for(Dwarf_Addr addr)
{
	bool reported = false;
	Dwfl_Module *mod;

	if (!dw_load())
		return NULL;
	if (!session) {
		session = dw.begin(&dw_callbacks);
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
	int lineno = 0;

	pthread_mutex_lock(&dw_lock);
	mod = module_for(addr);
	if (!mod)
		goto unlock;

	name = dw.module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL);
	if (name) {
		copy_tail(out->module, sizeof(out->module), name);
		out->offset = pc - start;
	}
	name = dw.module_addrname(mod, addr);
	if (name)
		copy_symbol(out->function, sizeof(out->function), name);
	name = find_line(mod, addr, &lineno);
	if (name && lineno > 0 && frame_system_header(name))
		inlined_caller(mod, addr, &name, &lineno);
	if (name && lineno > 0) {
		copy_tail(out->file, sizeof(out->file), name);
		out->line = lineno;
	}
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
		copy_symbol(name, len, n);
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
			copy_tail(out->module, sizeof(out->module), name);
		out->offset = pc - (uintptr_t)info.dli_fbase;
	}
	if (!out->function[0] && info.dli_sname)
		copy_head(out->function, sizeof(out->function), info.dli_sname);
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
		copy_head(name, sizeof(name), info.dli_sname);
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
