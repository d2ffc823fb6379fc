/* SPDX-License-Identifier: MIT */
/*
 * event.h - the event model shared by both front ends: the preload turns
 * interposed calls into these, the analyzer turns trace records into them.
 */
#ifndef COFFMAN_EVENT_H
#define COFFMAN_EVENT_H

#include <stdint.h>

enum ev_kind {
	KIND_NONE = 0,
	KIND_MUTEX = 1,
	KIND_RWLOCK = 2,
	KIND_SPIN = 3,
	KIND_SEM = 4,
	KIND_COND = 5,
	KIND_BARRIER = 6,
	KIND_THREAD = 7, /* a thread as a join target */
	KIND_ONCE = 8,
	KIND_MAX
};

enum ev_op {
	OP_INIT = 1,
	OP_DESTROY,
	OP_ACQUIRE,	/* intent to block: the fast attempt failed */
	OP_ACQUIRED,
	OP_TRY_FAILED,
	OP_TIMED_OUT,
	OP_RELEASE,
	OP_WAIT,	/* cond/barrier/join: blocks (cond: releases mutex) */
	OP_WOKEN,
	OP_THREAD_START,
	OP_THREAD_EXIT,
	OP_JOIN,
	OP_FORK,
	OP_CLAIM,
	OP_NAME,
	OP_RETIRE_RANGE, /* memory [addr, addr+arg) freed: retire objects */
	OP_PROBE,	 /* a call that only looks (sem_getvalue, ...) */
	OP_SIGNAL,	 /* cond signal (arg 0) or broadcast (arg 1) */
	OP_SIGACTION,	 /* a signal's action was set: arg is the signal
			    number, | SIGACTION_HANDLER if now a handler */
	OP_CANCEL,	 /* pthread_cancel: addr is the cancelled thread's
			    number; arg 1 if its cancel type was
			    asynchronous (any wait of it ends) */
	OP_MAX
};

enum ev_mode {
	MODE_EXCL = 0,
	MODE_SHARED = 1,
};

/* Mutex types, as in pthread_mutexattr_settype (glibc values). */
enum ev_mutex_type {
	MTYPE_NORMAL = 0,
	MTYPE_RECURSIVE = 1,
	MTYPE_ERRORCHECK = 2,
	MTYPE_ADAPTIVE = 3,
};

/* rwlock kinds (pthread_rwlockattr_setkind_np, glibc values). */
enum ev_rwlock_kind {
	RWKIND_PREFER_READER = 0,
	RWKIND_PREFER_WRITER = 1,	     /* treated as reader-preferring */
	RWKIND_PREFER_WRITER_NONRECURSIVE = 2,
};

/* Mutex subtype bit beside the type: robust (owner death is reported to
 * the next locker with EOWNERDEAD, so it is not a hang). */
#define MTYPE_ROBUST_BIT 16
/* ...priority-inheriting: glibc checks the owner at every unlock of one,
 * whatever its type, and refuses another thread's (EPERM) ... */
#define MTYPE_PI_BIT 32
/* The bits of glibc's __kind a mutex event's arg carries. */
#define MTYPE_BITS (3 | MTYPE_ROBUST_BIT | MTYPE_PI_BIT)
/* ...and a bit for a word that is no type glibc knows (memory never
 * initialised as a mutex, or one destroyed since): glibc refuses such a
 * mutex with EINVAL. */
#define MTYPE_INVALID_BIT 256

/* OP_SIGACTION's arg. */
#define SIGACTION_SIG_MASK 0xffu
#define SIGACTION_HANDLER 0x100u

/* Event flags. */
#define EVF_TRY (1u << 0)      /* a trylock: cannot block, adds no edge */
#define EVF_TIMED (1u << 1)    /* a timed/clock variant: the wait ends */
#define EVF_CONDWAIT (1u << 2) /* release/re-acquire inside a cond wait */
#define EVF_TYPE_KNOWN (1u << 3) /* arg carries the object's subtype:
				    mutex type, rwlock kind, sem value */
#define EVF_CLAIMS_DONE (1u << 4) /* OP_CLAIM: the thread takes nothing
				     more (coffman_claims_done) */
#define EVF_PSHARED (1u << 6) /* the object is process-shared: another
				 process may hold, post or signal it */
#define EVF_TOP (1u << 7) /* OP_RELEASE of the lock on top of the thread's
			     held stack, whichever it is (a trace's compact
			     pops), or OP_ACQUIRED of the entry above it as
			     it stands (a trace's locks taken again): no
			     addr, kind or pc; a replay takes the lock from
			     its own held stack */
#define EVF_FORK_GONE (1u << 5) /* OP_THREAD_EXIT in a fork child's trace:
				   the thread does not exist in the child
				   (no report; what it held stays held) */

struct coffman_event {
	uint64_t seq;	/* sequence number, 0 if the front end has none */
	uint32_t op;	/* enum ev_op */
	uint32_t kind;	/* enum ev_kind */
	uint32_t mode;	/* enum ev_mode */
	uint32_t flags; /* EVF_* */
	uint64_t addr;	/* object address (or join target's thread number) */
	uint64_t arg;	/* op-specific: mutex type, range length, ... */
	uint64_t pc;	/* call site: return address into the program */
	uint32_t stack; /* stack id if known (offline), 0 = ask the hook */
	int32_t owner_tid; /* release/acquire: owner tid the object records;
			      0 not locked, -1 locked by someone unknown */
	uint64_t ts_ns;	   /* monotonic time, on blocking paths; 0 unknown */
	const char *str; /* name for OP_NAME, else NULL */
};

#endif /* COFFMAN_EVENT_H */
