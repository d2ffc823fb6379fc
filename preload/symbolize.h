/* SPDX-License-Identifier: MIT */
/*
 * symbolize.h - turn a return address of the live process into function,
 * source file and line, using elfutils' libdw (loaded with dlopen on first
 * use) and dladdr() as the fallback.
 */
#ifndef COFFMAN_SYMBOLIZE_H
#define COFFMAN_SYMBOLIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/frame.h"

/*
 * Fill *out for the return address pc (the line is that of the call
 * instruction, i.e. pc - 1 is looked up). Always fills pc, and module and
 * offset when the address is mapped. Returns 0 if at least a function or a
 * module was found, -ENOENT otherwise. May allocate and read files: call
 * only at report time, with no engine lock held. Thread-safe.
 */
int symbolize_pc(uint64_t pc, struct coffman_frame *out);

/*
 * Name the variable at data address addr: "lock", "forks[2]" (addr is
 * element 2 of an array of objects of objsize bytes), or "table+0x58".
 * Returns 0, or -ENOENT when no symbol covers addr. Same context rules as
 * symbolize_pc().
 */
int symbolize_data(uint64_t addr, size_t objsize, char *buf, size_t len);

/*
 * fork(): prepare waits for any symbolisation under way and holds it off;
 * done (parent and child) lets it go again, so a child never inherits the
 * symboliser's lock taken by a thread that no longer exists.
 */
void symbolize_fork_prepare(void);
void symbolize_fork_done(void);

/* Forget cached debug info (after dlopen/dlclose changed the maps). */
void symbolize_reset(void);

/*
 * The program's allocator, when it is not glibc's (jemalloc, tcmalloc, or
 * malloc defined by the program): it may take pthread mutexes, so a report
 * can be made while its thread, or a thread the report shows, is inside
 * it, holding its locks; and libdw and the C++ demangler allocate.
 * symbolize_init_allocator() (at start) finds its code: the library that
 * defines malloc, or, when the program itself does, its malloc family.
 * symbolize_in_allocator(pc) says whether a return address lies there.
 * symbolize_plain(on) turns, for the calling thread, symbolisation into
 * what allocates nothing: dladdr() only (module, exported function,
 * offset), and no variable names.
 */
void symbolize_init_allocator(void);
bool symbolize_in_allocator(uint64_t pc);
void symbolize_plain(bool on);

#endif /* COFFMAN_SYMBOLIZE_H */
