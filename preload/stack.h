/* SPDX-License-Identifier: MIT */
/*
 * stack.h - call-stack capture for the live runtime: libgcc_s's unwinder
 * (dlopen) when available, the frame-pointer chain otherwise.
 */
#ifndef COFFMAN_STACK_H
#define COFFMAN_STACK_H

#include <stdint.h>

/*
 * Load the unwinder and note libcoffman.so's own text range. Call once from
 * the constructor (it may allocate and take the loader lock). Safe to call
 * again; later calls do nothing.
 */
void stack_init(void);

/*
 * Store up to 'max' return addresses of the calling thread's stack in pcs[],
 * innermost first, leaving out the frames inside libcoffman.so, so pcs[0] is
 * the program's call into the interposed function. Returns the number
 * stored (0 if nothing could be captured). Never allocates; re-entry from
 * the unwinder itself returns 0.
 */
int stack_capture(uint64_t *pcs, int max);

/* The calling thread captures no more stacks (it is exiting). */
void stack_thread_exit(void);

/* Fork child: the forking thread is the only one left. */
void stack_fork_child(void);

/* True if pc lies in libcoffman.so's own text. */
int stack_pc_is_ours(uint64_t pc);

#endif /* COFFMAN_STACK_H */
