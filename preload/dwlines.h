/* SPDX-License-Identifier: MIT */
/*
 * dwlines.h - what the runtime (symbolize.c, over its own maps) and the
 * analyzer (symbolize_offline.c, over a trace's module map) share to name
 * code: bounded copies of names, C++ demangling, and elfutils' libdw,
 * loaded with dlopen, from a module and an address to function, file and
 * line. One copy of these rules is what makes live and offline reports of
 * the same frame agree.
 */
#ifndef COFFMAN_DWLINES_H
#define COFFMAN_DWLINES_H

#include <stdbool.h>
#include <stddef.h>

#include "frame.h"

/* Copy src into dst[size] (size > 0), cutting the end off a long name. */
void dwlines_copy_head(char *dst, size_t size, const char *src);

/* Copy src into dst[size] (size > 0), keeping the end of a long path:
 * the basename. */
void dwlines_copy_tail(char *dst, size_t size, const char *src);

/*
 * Copy a symbol's name into dst[size], demangled when it is a C++ name
 * (libstdc++'s __cxa_demangle: the program's, else a private copy loaded
 * once). What suppressions are written against. Allocates; thread-safe.
 */
void dwlines_copy_symbol(char *dst, size_t size, const char *name);

#ifdef COFFMAN_HAVE_LIBDWFL_H
#include <elfutils/libdwfl.h>

/*
 * libdw's entry points, filled by dwlines_load(). The groups marked
 * optional are all NULL when libdw lacks any of them.
 */
struct dwlines_fns {
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
	/* optional: inlined calls' call sites */
	__typeof__(dwfl_module_addrdie) *module_addrdie;
	__typeof__(dwarf_getscopes) *getscopes;
	__typeof__(dwarf_getscopes_die) *getscopes_die;
	__typeof__(dwarf_tag) *tag;
	__typeof__(dwarf_attr_integrate) *attr_integrate;
	__typeof__(dwarf_formudata) *formudata;
	__typeof__(dwarf_getsrcfiles) *getsrcfiles;
	__typeof__(dwarf_filesrc) *filesrc;
	/* optional: files named by path, for the analyzer */
	__typeof__(dwfl_report_elf) *report_elf;
	__typeof__(dwfl_build_id_find_elf) *build_id_find_elf;
	__typeof__(dwfl_offline_section_address) *offline_section_address;
	__typeof__(dwfl_module_build_id) *module_build_id; /* or NULL */
};

/* Valid once dwlines_load() returned true. */
extern struct dwlines_fns dw;

/*
 * Load libdw.so.1 (RTLD_LOCAL) on the first call. True when every
 * mandatory entry point resolved; the answer never changes afterwards.
 * Not thread-safe: callers serialise (the runtime under its dw_lock).
 */
bool dwlines_load(void);

/*
 * A new session over a live process, for dwfl_linux_proc_report(); or,
 * offline, for files reported with dw.report_elf. NULL if libdw is not
 * loaded, lacks the offline entry points, or is out of memory. The
 * debuginfo search stays on this machine: with DEBUGINFOD_URLS set it is
 * narrowed to the local build-id tree (no downloads).
 */
Dwfl *dwlines_begin_live(void);
Dwfl *dwlines_begin_offline(void);

/*
 * Fill out's function, file and line for the code address addr (the
 * call instruction, not the return address) of mod, leaving what libdw
 * does not know as it was. The line is the innermost one outside the
 * system's headers (frame_system_header). Call with the session
 * serialised.
 */
void dwlines_frame(Dwfl_Module *mod, Dwarf_Addr addr,
		   struct coffman_frame *out);

#endif /* COFFMAN_HAVE_LIBDWFL_H */

#endif /* COFFMAN_DWLINES_H */
