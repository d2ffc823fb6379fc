/* SPDX-License-Identifier: MIT */
/*
 * symbolize.h - turn a return address of the live process into function,
 * source file and line, using elfutils' libdw (loaded with dlopen on first
 * use) and dladdr() as the fallback.
 */
#ifndef COFFMAN_SYMBOLIZE_H
#define COFFMAN_SYMBOLIZE_H

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

/* Forget cached debug info (after dlopen/dlclose changed the maps). */
void symbolize_reset(void);

#endif /* COFFMAN_SYMBOLIZE_H */
