/* SPDX-License-Identifier: MIT */
/*
 * symbolize_offline.h - code and data addresses of a recorded process to
 * function, file:line and variable names, after the fact: the trace's
 * module map says which file each address came from and at what load
 * base. libdw, loaded in-process as the runtime loads it, names code as
 * the live reports do; elfutils' eu-addr2line, then binutils' addr2line
 * (one process per module for all its addresses) resolve what it does
 * not, or everything when libdw.so.1 is missing; nm lists a module's
 * variables. A module that cannot be read leaves its frames as
 * module+offset. Text traces' call sites resolve to their FILE:LINE.
 *
 * Addresses here are the analyzer's canonical ones (see replay.h): each
 * module is registered with the range it occupies in that space.
 * Single-threaded (the analyzer replays on one thread).
 */
#ifndef COFFMAN_SYMBOLIZE_OFFLINE_H
#define COFFMAN_SYMBOLIZE_OFFLINE_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"

/* A module at canonical [start, end) loaded at canonical 'base', with the
 * build id the trace recorded for it (build_id_len 0: none). A file found
 * at path with another build id is another build: nothing is named from
 * it, and a warning says so once. Returns 0 or -ENOMEM. */
int symoff_add_module(const char *path, size_t path_len, uint64_t base,
		      uint64_t start, uint64_t end, const uint8_t *build_id,
		      size_t build_id_len);

/* A text call site: canonical pc -> file:line. 0 or -ENOMEM. */
int symoff_add_site(uint64_t pc, const char *file, size_t len, int line);

/* Resolve every pc of pcs[0..n-1] not resolved yet, a batch per module
 * (libdw, then each tool once for what is left), so that later
 * symoff_symbolize() calls are table lookups. */
void symoff_prefetch(const uint64_t *pcs, size_t n);

/* The report hook: fill f for pc (pc kept as given). 0, or -ENOENT when
 * nothing is known. Resolves pc alone if it was not prefetched. */
int symoff_symbolize(uint64_t pc, struct coffman_frame *f);

/* The engine's data_name hook: the variable at addr ("lock_a",
 * "forks[2]", "table+0x40") holding an object of this kind. 0 or
 * -ENOENT. */
int symoff_data_name(uint64_t addr, uint32_t kind, char *buf, size_t len);

/* How addresses print: the function applied to a canonical address to
 * show it as it was in its process (identity by default). */
void symoff_set_display(uint64_t (*fn)(uint64_t addr));

/* Whether to call the external tools at all (libdw is used either way). */
void symoff_disable_tools(int disable);

/* Forget everything (free memory, end the libdw sessions). */
void symoff_reset(void);

#endif /* COFFMAN_SYMBOLIZE_OFFLINE_H */
