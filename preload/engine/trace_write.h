/* SPDX-License-Identifier: MIT */
/*
 * trace_write.h - writing the binary trace (include/coffman/trace.h).
 * Each thread appends records to its own buffer; a full buffer becomes one
 * checksummed block, written with a single write(2) on the shared file.
 */
#ifndef COFFMAN_TRACE_WRITE_H
#define COFFMAN_TRACE_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "coffman/trace.h"
#include "eng_threads.h"
#include "event.h"

/* Non-zero while a trace is being written (read on every event); the
 * writer clears it for good when a write fails. */
extern int trace_enabled;

/*
 * Start writing to fd (opened for writing, O_APPEND is fine): writes the
 * file header for pid/ppid/exe and the start times. 0 or -errno.
 */
int trace_start(int fd, uint32_t pid, uint32_t ppid, const char *exe,
		uint64_t start_ns, uint64_t start_realtime_ns);

/*
 * Record one event of thread t, after the engine handled it; 'stack' is
 * the stack the engine used for it (0 none). Writes the thread's record,
 * the stack's record and the name's string the first time they are
 * needed. A thread's record is written only from its own buffer (at its
 * first event, and again after it was renamed), so the last one in the
 * file is the latest. Takes only t's buffer lock, the file lock to flush,
 * and the registry lock when another thread is named.
 */
/*
 * A new thread t, before its start routine: its buffer and its record
 * now, not at its first event, which is most often a lock it has just
 * taken (a buffer is 64 KiB to fault in).
 */
void trace_thread_start(struct eng_thread *t);

void trace_event(struct eng_thread *t, const struct coffman_event *ev,
		 uint32_t stack);

/*
 * A fast-path event's operation for trace_fast(), packed: bits 0-7 its
 * compact record byte (the COFFMAN_TRACE_FAST_* code, 4 for EVF_TRY, the
 * kind in bits 3-6), 8-15 op, 16-19 mode, 20 EVF_TRY, 24-31 kind. The
 * wrappers inline it with constants, so it costs nothing there.
 */
static inline uint32_t trace_fast_what(uint32_t op, uint32_t kind,
				       uint32_t mode, uint32_t flags)
{
	uint32_t code = op == OP_TRY_FAILED	? COFFMAN_TRACE_FAST_TRY_FAILED
			: op != OP_ACQUIRED	? COFFMAN_TRACE_FAST_RELEASED
			: mode == MODE_SHARED	? COFFMAN_TRACE_FAST_ACQUIRED_SHARED
						: COFFMAN_TRACE_FAST_ACQUIRED;
	uint32_t try = (flags & EVF_TRY) ? 1 : 0;

	return ((code | try << 2 | (kind & 15) << 3) & 0xff) | op << 8 |
	       (mode & 15) << 16 | try << 20 | kind << 24;
}

/*
 * Compact events wait in a ring of their thread's before they are encoded
 * into its buffer: appending one is a few stores to the thread's own
 * memory, with no lock, call or atomic instruction, so that little is
 * added to the program's critical sections. A release of the lock on top
 * of the held stack takes no entry at all: the thread counts it
 * (trace_pops), and each entry notes the count when it was appended, so
 * the drain knows how many releases came before it. The owner drains the
 * ring once it holds no lock (from TRACE_RING_DRAIN entries), or when the
 * ring is full; any other thread that writes the buffer out (at exit, a
 * report, a fatal signal) drains it first, under the buffer's lock. One
 * producer (the owner: signal handlers on it pass through the runtime
 * untracked) and drainers serialised by that lock: head and trace_pops
 * are written only by the owner, tail only by a drainer.
 */
#define TRACE_RING 256u		/* events a ring holds (a power of 2) */
#define TRACE_RING_DRAIN 128u	/* drained, holding no lock, from this many */

struct trace_pending {
	uint64_t addr, pc;
	uint32_t stack;
	uint32_t tag_pops; /* bits 0-7 its compact tag; 8-31 the owner's
			      trace_pops when appended (modulo 2^24) */
};

struct trace_ring {
	uint32_t head; /* events appended, ever (owner; release) */
	uint32_t tail; /* events drained, ever (drainers; atomic) */
	struct trace_pending ev[TRACE_RING];
};

/* trace_fast() when t has no ring (no buffer yet, or its record is not
 * in this file yet) or a full one. */
void trace_fast_slow(struct eng_thread *t, uint32_t what, uint64_t addr,
		     uint64_t pc, uint32_t stack);

/*
 * Append a fast-path event of t to its ring: in full (addr, pc, stack), or
 * (again: an engine_fast_probe() memo, the lock above the top of the held
 * stack taken again as it stands) its tag alone, the lock being the one a
 * replay's held stack keeps there. Without a ring, or with a full one,
 * trace_fast_slow() takes it in full. Returns as trace_fast().
 */
static inline __attribute__((always_inline)) uint32_t
trace_fast_put(struct eng_thread *t, uint32_t what, uint64_t addr,
	       uint64_t pc, uint32_t stack, bool again)
{
	struct trace_ring *r = t->trace_ring;
	struct trace_pending *e;
	uint32_t h, n;

	if (__builtin_expect(!r, 0) ||
	    __builtin_expect((n = (h = r->head) - __atomic_load_n(
						       &r->tail,
						       __ATOMIC_RELAXED)) >=
				     TRACE_RING,
			     0)) {
		trace_fast_slow(t, what, addr, pc, stack);
		return 0;
	}
	e = &r->ev[h % TRACE_RING];
	if (again) {
		e->stack = 0; /* none to write first */
		what = COFFMAN_TRACE_FAST_AGAIN |
		       (what & COFFMAN_TRACE_FAST_ACQUIRED_SHARED);
	} else {
		e->addr = addr;
		e->pc = pc;
		e->stack = stack;
	}
	e->tag_pops = (what & 0xff) | t->trace_pops << 8;
	__atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
	return n + 1;
}

/*
 * A fast-path event of t (OP_ACQUIRED of a lock in a known nesting,
 * OP_TRY_FAILED of a known semaphore), what from trace_fast_what() (of a
 * kind under 16), in a TRACE_FAST record. The caller checked
 * trace_enabled. Keeps errno. Returns the events now waiting in t's ring
 * (0 if this one did not go there): from TRACE_RING_DRAIN, t drains it
 * with trace_drain() once it holds no lock.
 */
static inline __attribute__((always_inline)) uint32_t
trace_fast(struct eng_thread *t, uint32_t what, uint64_t addr, uint64_t pc,
	   uint32_t stack)
{
	return trace_fast_put(t, what, addr, pc, stack, false);
}

/*
 * t released the lock on top of its held stack (kind, at addr, from call
 * site pc), on the fast path; the caller checked trace_enabled. With a
 * ring, it is only counted (the trace does not keep its call site);
 * without one, it is written as a full event. Keeps errno. True if t
 * should now drain its ring with trace_drain(): it holds no lock, and
 * TRACE_RING_DRAIN events wait.
 */
static inline __attribute__((always_inline)) bool
trace_pop(struct eng_thread *t, uint32_t kind, uint64_t addr, uint64_t pc)
{
	struct trace_ring *r = t->trace_ring;

	if (__builtin_expect(!r, 0)) {
		trace_fast_slow(t, trace_fast_what(OP_RELEASE, kind, MODE_EXCL,
						   0),
				addr, pc, 0);
		return false;
	}
	__atomic_store_n(&t->trace_pops, t->trace_pops + 1, __ATOMIC_RELEASE);
	return !t->depth &&
	       r->head - __atomic_load_n(&r->tail, __ATOMIC_RELAXED) >=
		       TRACE_RING_DRAIN;
}

/* Encode t's pending compact events into its buffer, and write the buffer
 * out if it is nearly full (t holds no lock). Keeps errno. */
void trace_drain(struct eng_thread *t);

/* Record a loaded object (path, load bias, address range, build id). */
void trace_module(const char *path, uint64_t base, uint64_t start,
		  uint64_t end, const uint8_t *build_id, uint8_t build_id_len);

/*
 * Write out every buffer (modules first, each thread's pending compact
 * events drained into its own), each as one block.
 * Safe in a fatal-signal handler: no allocation, no lock but the buffers'
 * and the file's, and if the handler interrupted the writer on its own
 * thread those are only tried, so a buffer this thread holds is skipped.
 */
void trace_flush_all(void);

/*
 * Before the process image ends (exit, _exit, abort, exec): flush every
 * buffer, then describe the threads whose own record is missing (created
 * but never traced an event) or stale (renamed by another thread), in one
 * last block. Takes the registry lock: not for signal handlers.
 */
void trace_finish(uint32_t reason, uint64_t ts_ns);

/* Record the run's options (COFFMAN_OPTIONS syntax) once, at start. */
void trace_options(const char *text);

/* The next sequence number, reserved when the engine takes an event. */
uint64_t trace_next_seq(void);

/* Stop writing (flushes first) and close the file; a block flushed
 * afterwards is dropped. */
void trace_stop(void);

/* 0 while the trace is healthy; else the errno that stopped it (a failed
 * write, ENOMEM for a thread's buffer): tracing is then off for good. */
int trace_error(void);

/* Fork child: forget the parent's file (its buffers were flushed in the
 * parent before the fork); trace_start() again for the child's own. self:
 * the child's thread, if the runtime has its record. */
void trace_after_fork(struct eng_thread *self);

#endif /* COFFMAN_TRACE_WRITE_H */
