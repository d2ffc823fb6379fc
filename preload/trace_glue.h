/* SPDX-License-Identifier: MIT */
/*
 * trace_glue.h - trace=PATH in the live runtime: choosing and opening the
 * file, the module map, and flushing on every way out of the process image
 * (exit, _exit, abort, fatal signals, exec, fork).
 */
#ifndef COFFMAN_TRACE_GLUE_H
#define COFFMAN_TRACE_GLUE_H

#include <stdbool.h>
#include <stdint.h>

#include "coffman/trace.h"

/*
 * Start the trace for option value 'path' (%p is the pid): open the file,
 * write the header and the loaded modules, and (first start only) catch
 * fatal signals to flush. A fork child passes child = true: without %p it
 * writes PATH.<pid>. A file another live process writes, or that an
 * earlier image of this process wrote before an exec, is never reused: a
 * suffix .<pid>, then .1, .2, ... is tried instead. A device or a FIFO
 * (/dev/null) is used as given. One `coffman:` line on err_fd if the
 * trace cannot be started. Returns 0 or -errno.
 */
int rt_trace_start(const char *path, bool child, int err_fd);

/* Before this image ends (exit, _exit, abort, exec): add modules loaded
 * since the start, then write every buffer. No-op when not tracing. */
void rt_trace_final(uint32_t reason);

/*
 * The same from _exit, _Exit and the exec family, which signal handlers
 * may call: when the handler interrupted runtime code on this thread
 * (rt_busy), only the buffers are written, without waiting for locks this
 * thread may hold and without the loader's or the registry's lock.
 */
void rt_trace_leaving(uint32_t reason);

/* A library may be about to unload (dlclose): record the loaded objects
 * the trace has no record of yet, so that its addresses still resolve
 * offline. */
void rt_trace_modules(void);

/* Write every buffer (periodic flush, fork prepare). No allocation. */
void rt_trace_flush(void);

/* Fork child (atfork child handler, after the engine's): drop the
 * parent's trace and start the child's own. */
void rt_trace_fork_child(int err_fd);

#endif /* COFFMAN_TRACE_GLUE_H */
