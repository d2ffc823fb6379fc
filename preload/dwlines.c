/* SPDX-License-Identifier: MIT */
/*
 * dwlines.c - naming code the same way live and offline: name copies,
 * C++ demangling, and libdw's function, file and line of an address.
 */
#include "dwlines.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#ifdef COFFMAN_HAVE_LIBDWFL_H
#include <dwarf.h>
#endif

void dwlines_copy_head(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(src, size - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

void dwlines_copy_tail(char *dst, size_t size, const char *src)
{
	size_t len = strlen(src);

	if (len >= size)
		src += len - (size - 1);
	dwlines_copy_head(dst, size, src);
}

typedef char *demangle_fn(const char *name, char *buf, size_t *len,
			  int *status);

/*
 * The program's __cxa_demangle is looked up again until found, for one
 * loaded later; a private libstdc++ is tried once, since C++ built
 * without the C++ library (and the analyzer, a C program) still meets
 * C++ names. Demangled as addr2line -C would.
 */
void dwlines_copy_symbol(char *dst, size_t size, const char *name)
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
			dwlines_copy_head(dst, size, plain);
		free(plain);
		if (status == 0)
			return;
	}
	dwlines_copy_head(dst, size, name);
}

#ifdef COFFMAN_HAVE_LIBDWFL_H

struct dwlines_fns dw;

static int dw_state; /* 0 untried, 1 loaded, -1 unusable */
/* Read by libdwfl for the life of each session begun with them. */
static Dwfl_Callbacks live_callbacks, offline_callbacks;

#define DW_SYM(h, field, name) \
	((dw.field = (__typeof__(dw.field))dlsym((h), (name))) != NULL)

bool dwlines_load(void)
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
	if (!(DW_SYM(h, report_elf, "dwfl_report_elf") &&
	      DW_SYM(h, build_id_find_elf, "dwfl_build_id_find_elf") &&
	      DW_SYM(h, offline_section_address,
		     "dwfl_offline_section_address")))
		dw.report_elf = NULL;
	if (!DW_SYM(h, module_build_id, "dwfl_module_build_id"))
		dw.module_build_id = NULL;

	/*
	 * The standard search ends with a debuginfod download when
	 * DEBUGINFOD_URLS is set (elfutils >= 0.178): network I/O inside the
	 * host, 90 s timeout per file. Then search only the local build-id
	 * tree, which still finds Debian's -dbgsym packages.
	 */
	urls = getenv("DEBUGINFOD_URLS");
	live_callbacks.find_elf = dw.linux_proc_find_elf;
	live_callbacks.find_debuginfo = urls && *urls
						? dw.build_id_find_debuginfo
						: dw.standard_find_debuginfo;
	offline_callbacks.find_elf = dw.build_id_find_elf;
	offline_callbacks.find_debuginfo = live_callbacks.find_debuginfo;
	offline_callbacks.section_address = dw.offline_section_address;
	dw_state = 1;
	return true;
}

Dwfl *dwlines_begin_live(void)
{
	return dwlines_load() ? dw.begin(&live_callbacks) : NULL;
}

Dwfl *dwlines_begin_offline(void)
{
	return dwlines_load() && dw.report_elf ? dw.begin(&offline_callbacks)
					       : NULL;
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

void dwlines_frame(Dwfl_Module *mod, Dwarf_Addr addr,
		   struct coffman_frame *out)
{
	const char *name;
	int lineno = 0;

	name = dw.module_addrname(mod, addr);
	if (name)
		dwlines_copy_symbol(out->function, sizeof(out->function),
				    name);
	name = find_line(mod, addr, &lineno);
	if (name && lineno > 0 && frame_system_header(name))
		inlined_caller(mod, addr, &name, &lineno);
	if (name && lineno > 0) {
		dwlines_copy_tail(out->file, sizeof(out->file), name);
		out->line = lineno;
	}
}

#endif /* COFFMAN_HAVE_LIBDWFL_H */
