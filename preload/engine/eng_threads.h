/* SPDX-License-Identifier: MIT */
/*
 * eng_threads.h - per-thread engine state: the held-lock stack, the caches that
 * keep a known nesting off every shared structure, and the registry of all
 * threads (for reports and, later, the wait-for graph).
 * A thread's state is written only by that thread (the live front end) or
 * by the single replaying thread (the analyzer); others only read it.
 */
#ifndef COFFMAN_ENG_THREADS_H
#define COFFMAN_ENG_THREADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "objects.h"

#define HELD_MAX 64	 /* locks one thread can hold and be tracked */
#define OCACHE_BITS 10
#define OCACHE_SIZE (1u << OCACHE_BITS) /* per-thread address -> record */
/* Seen-chain cache: open addressing, grown (doubled) at three quarters
 * full, or when a chain finds no free slot within CCACHE_PROBES, from
 * 1024 slots (8 KiB) up to 131072 (1 MiB); lossy beyond. */
#define CCACHE_MIN_BITS 10
#define CCACHE_MAX_BITS 17
#define CCACHE_PROBES 16
#define THREAD_NAME_MAX 16

struct held {
	struct eng_obj *obj; /* record (may be retired meanwhile) */
	uint64_t id;	     /* obj->id when acquired */
	uint64_t addr;	     /* object address */
	uint64_t chain;	     /* hash of the held stack up to this entry */
	uint64_t pc;	     /* call site of the acquisition */
	uint64_t prev;	     /* the chain below it when it was pushed */
	uint32_t stack;	     /* stack id of the acquisition, 0 unknown */
	uint32_t count;	     /* recursion depth (recursive mutexes) */
	uint32_t gen;	     /* objects_gen(obj) when it was pushed */
	uint8_t mode;	     /* enum ev_mode */
	uint8_t flags;	     /* EVF_TRY / EVF_TIMED of the acquisition,
				HELD_MEMO and HELD_LIFE */
	uint8_t kind;	     /* enum ev_kind */
	uint8_t spare;	     /* 64 bytes: held[i] is a shift away */
};
/* mode, flags, kind and spare in this order, one word
 * (engine_fast.h: held_tail_is). */
_Static_assert(offsetof(struct held, flags) == offsetof(struct held, mode) + 1 &&
		       offsetof(struct held, kind) == offsetof(struct held, mode) + 2 &&
		       offsetof(struct held, spare) == offsetof(struct held, mode) + 3,
	       "the memo's bytes are one word");

/* held.flags: the semaphore was its creator's "alive" lock
 * (eng_obj.life_lock) when the entry was pushed. */
#define HELD_LIFE (1u << 7)
/*
 * held.flags: the entry's chain is one the thread's chain cache took (or
 * had). An entry popped stays in place, so the next acquisition at that
 * depth finds it: the same lock, call site, mode and chain below make
 * the same chain, known without a look at either cache (engine_fast.h).
 * Cleared with the cache (fork), when entries above a removed one get
 * new chains, and when the block goes to another thread.
 */
#define HELD_MEMO (1u << 6)

struct ocache_slot {
	uint64_t addr;
	struct eng_obj *obj;
	uint32_t gen;
};

/*
 * One slot is one word, so twice the chains fit the L1 cache: the chain
 * key's top 40 bits (CCACHE_TAG) and the stack captured when the chain
 * was first seen (a stack id below 2^24; a chain with a larger one is not
 * cached). A chain taken for a seen one by a clash of 40 bits would miss
 * its edges: odds of 16 in 2^40 per new chain. 0 is an empty slot.
 */
#define CCACHE_TAG (~(uint64_t)0 << 24)
struct ccache_slot {
	uint64_t word;
};

/* What a blocked thread waits for (written under the wait-for lock). */
struct blocked {
	uint8_t active;	    /* 1 from the intent to block until it runs */
	uint8_t kind;	    /* enum ev_kind of what it waits for */
	uint8_t mode;	    /* enum ev_mode wanted */
	uint8_t timed;	    /* the wait has a timeout */
	uint8_t reported;   /* BLK_REPORTED_* already made for this wait */
	uint8_t signaled;   /* condvar: signalled since it began to wait */
	uint64_t addr;	    /* object address; joined thread's num */
	struct eng_obj *obj; /* record, NULL for joins */
	uint64_t obj_id;    /* obj->id when the wait began */
	int32_t owner_tid;  /* owner tid the object itself records */
	uint32_t stack;	    /* where it blocks */
	uint64_t since_ns;  /* when it began to wait (0 unknown) */
	uint64_t acq_count; /* obj->n_acquired then (starvation) */
	/* condvar: the mutex its wait let go of and re-takes on waking */
	struct eng_obj *relock;
	uint64_t relock_id, relock_addr;
};

struct trace_buf; /* trace_write.c */
struct trace_ring; /* trace_write.h */

#define BLK_REPORTED_HOLD (1u << 0)
#define BLK_REPORTED_STARVE (1u << 1)
#define BLK_RECHECKED (1u << 2)
#define BLK_IN_DEADLOCK (1u << 3) /* part of a deadlock already found */

struct eng_thread {
	/*
	 * First, what the wrappers' fast paths read and write, in the
	 * record's first cache line (records of a line or more start on
	 * one): blk.active is its last byte.
	 */
	/* HELD_MAX entries. The block goes to the next new thread when
	 * this one exits holding nothing (see threads_exit): only ever a
	 * held stack, so another thread reading the entries of one that
	 * changes hands as it reads reads a stale hint, nothing worse. */
	struct held *held;
	/* OCACHE_SIZE slots, read and written by the thread alone; given
	 * back when it exits (threads_ocache_none from then on): most of a
	 * thread's memory, and the record itself stays. */
	struct ocache_slot *ocache;
	struct ccache_slot *ccache; /* its slots; threads_ccache_empty
				       until the first chain */
	uint64_t n_events;	/* events this thread fed the engine */
	int depth;		/* entries used in held[] */
	uint32_t ccache_mask;	/* slots - 1 */
	uint32_t ccache_shift;	/* 64 - log2(slots): home slot = key >> it */
	uint32_t try_fails;	/* failed trylocks in a row */
	uint8_t degraded;	/* held stack overflowed: edges not tracked
				   until the locks it had no room for are
				   released */
	uint8_t bk_on;		/* banker: its acquisitions take the checked
				   path (it has claims, or claims-file rules
				   to match); read inline by the wrappers */
	struct blocked blk;	/* valid while blk.active */
	uint32_t num;		/* 1, 2, ...: order of first appearance */
	int32_t tid;		/* OS thread id */
	uint32_t parent;	/* creator's num, 0 unknown */
	uint32_t create_stack;	/* where it was created */
	uint32_t exit_stack;	/* where it exited */
	uint64_t start_pc;	/* its start function + 1 (a return address
				   into it), 0 unknown: where it exits when it
				   returns from it */
	uint8_t alive;		/* 0 once it exited */
	uint8_t bk_rules;	/* claims-file rules to match at its next
				   acquisition (it was named, or is new) */
	uint8_t bk_row;		/* its row in the banker's state + 1, 0 none */
	uint8_t cancel_pending;	/* pthread_cancel'd: its next wait at a
				   cancellation point ends (atomic) */
	uint8_t cancel_any;	/* ... and any wait at all: its cancel
				   type was asynchronous (atomic) */
	uint8_t cancel_async;	/* its cancel type is asynchronous, as its
				   pthread_setcanceltype set it (atomic) */
	char name[THREAD_NAME_MAX]; /* pthread_setname_np name, "" none */
	/* The mutex its last condvar wait let go of (cw_id 0: none), for
	 * the wait that follows: woken, it waits to take it again. */
	struct eng_obj *cw_obj;
	uint64_t cw_id, cw_addr;
	/* 1 once the thread runs (preload: its creator waits a moment for
	 * it, rt_wait_started). */
	uint32_t started;
	/* The stack of the acquisition of pre_addr about to be attempted,
	 * captured before the real call (preload only; 0 none). */
	uint32_t pre_stack;
	uint64_t pre_addr;
	int overflow;		/* acquisitions dropped because held[] full */
	uint32_t ccache_used;	/* slots in use */
	uint64_t bk_pending;	/* banker: object whose unit claims_before()
				   granted, acquisition not yet seen; 0 none */
	void *bk_reports;	/* banker: reports about that grant, made
				   when the lock is taken (claims.c) */
	uint32_t parked_at;	/* its index + 1 in the wait-for graph's
				   list of parked threads, 0 none */
	uint64_t n_waits;	/* waits it recorded (a lock found taken
				   after the spin, a condition, barrier,
				   semaphore or join wait) */
	uint64_t try_fail_id;	/* object of the last failed trylock */
	struct eng_thread *try_fail_owner; /* who held it then */
	uint64_t try_fail_since; /* time of the first failure in the row */
	struct eng_thread *next; /* registry list */
	uint64_t handle;	 /* front end's thread handle (pthread_t):
				    set with threads_set_handle() */
	UT_hash_handle hh_handle; /* live threads by handle */
	uint8_t handle_in;	 /* in that table */
	void *frontend;		 /* owned by the front end */
	struct trace_buf *trace_buf; /* its trace buffer, NULL until the
					first traced event (trace_write.c) */
	struct trace_ring *trace_ring; /* that buffer's pending compact
					  events, while it is t's */
	uint32_t trace_pops;	 /* fast releases while it had a ring,
				    ever: the ring counts them (owner
				    writes, release; drainers read) */
	uint32_t trace_gen;	 /* trace file its own record went to */
	uint64_t trace_last_seq; /* seq of its last traced event */
	uint8_t trace_dirty;	 /* renamed by another thread: its trace
				    record is written again (atomic) */
};

_Static_assert(sizeof(struct held) == 64, "held[i] is a shift away");
_Static_assert(offsetof(struct eng_thread, blk) +
		       offsetof(struct blocked, active) < 64,
	       "the fast paths' fields share a cache line");

/* A new thread record (registered, alive). NULL if out of memory. */
struct eng_thread *threads_new(int32_t tid, uint32_t parent);

/* Find by number; NULL if unknown. Takes the registry lock. */
struct eng_thread *threads_find(uint32_t num);

/* Find a live thread by OS tid; NULL if unknown. */
struct eng_thread *threads_find_tid(int32_t tid);

/* Find a live thread by front-end handle; NULL if unknown. */
struct eng_thread *threads_find_handle(uint64_t handle);

/* Set t's front-end handle (the creator and the thread itself may both
 * do it). */
void threads_set_handle(struct eng_thread *t, uint64_t handle);

/* Mark exited. The record stays (reports may name it); its held stack,
 * if it holds nothing, goes to the next new thread. */
void threads_exit(struct eng_thread *t);

/* Call fn for every registered thread, with the registry lock held. */
void threads_for_each(void (*fn)(void *ctx, struct eng_thread *t),
		      void *ctx);

/* Number of threads registered so far, and live ones. */
uint32_t threads_count(void);
uint32_t threads_live(void);

/*
 * Fork child: every thread but 'self' is gone. Their records stay, marked
 * dead; self keeps its held locks (they are still held in the child).
 */
void threads_after_fork(struct eng_thread *self);

void threads_lock_all(void);
void threads_unlock_all(void);

/*
 * A thread other than 'except' whose held stack has record id in exclusive
 * mode (dead ones too: they hold it for good), NULL if none. Reads other
 * threads' stacks as they change: exact for stopped threads, a hint for
 * running ones. Takes the registry lock.
 */
struct eng_thread *threads_excl_holder(uint64_t id,
				       const struct eng_thread *except);

/* True if t's held stack has record id in exclusive mode. */
bool threads_holds_excl(const struct eng_thread *t, uint64_t id);

/* Held-stack helpers (the owning thread only). */

/* Index of the entry for record id (top-most), -1 if absent. */
int threads_held_find(const struct eng_thread *t, uint64_t id);
/* Index of the entry for address addr (top-most), -1 if absent. */
int threads_held_find_addr(const struct eng_thread *t, uint64_t addr);
/* Remove entry i, keeping order and recomputing chain keys above it. */
void threads_held_remove(struct eng_thread *t, int i);
/* One step of the held-stack hash: one multiply-rotate per step, since it
 * runs on every acquisition. Never 0. */
static inline uint64_t threads_chain_step(uint64_t prev, uint64_t id,
					  uint32_t mode, uint64_t pc)
{
	uint64_t x = (prev ^ (id * 2 + mode)) * 0x9e3779b97f4a7c15ULL;

	x = ((x << 29) | (x >> 35)) ^ pc;
	return (x * 0xbf58476d1ce4e5b9ULL) | 1;
}

/* Chain key for acquiring (id, mode, pc) on top of the current stack. */
static inline uint64_t threads_chain_next(const struct eng_thread *t,
					  uint64_t id, uint32_t mode,
					  uint64_t pc)
{
	uint64_t prev = t->depth ? t->held[t->depth - 1].chain : 0;

	return threads_chain_step(prev, id, mode, pc);
}

/* Slot of an object address in the per-thread object cache: a
 * multiplicative hash, so that arrays of locks spread over it. */
static inline uint32_t threads_ocache_slot(uint64_t addr)
{
	return (uint32_t)((addr * 0x9e3779b97f4a7c15ULL) >> (64 - OCACHE_BITS));
}

/* The object cache of a thread that exited: all empty, never written. */
extern struct ocache_slot threads_ocache_none[OCACHE_SIZE];

/* Give t's object cache back (t exited, or is not in this process). */
void threads_ocache_free(struct eng_thread *t);

/* The table of a thread without chains yet: all empty, never written. */
extern struct ccache_slot threads_ccache_empty[CCACHE_PROBES];

/* Seen-chain cache: true and *stack set if key was seen by this thread.
 * The home slot is the key's top bits, the best mixed ones of the
 * multiply (the lowest bit is always 1). */
static inline bool threads_ccache_get(const struct eng_thread *t,
				      uint64_t key, uint32_t *stack)
{
	uint32_t i = (uint32_t)(key >> t->ccache_shift);
	int probes;

	for (probes = 0; probes < CCACHE_PROBES; probes++) {
		uint64_t w = t->ccache[i].word;

		if (!((w ^ key) & CCACHE_TAG)) {
			*stack = (uint32_t)(w & ~CCACHE_TAG);
			return w != 0;
		}
		if (!w)
			return false;
		i = (i + 1) & t->ccache_mask;
	}
	return false;
}

/* Remember chain key (its stack) for thread t; lossy when full. False
 * if it could not be taken at all (see HELD_MEMO). */
bool threads_ccache_put(struct eng_thread *t, uint64_t key, uint32_t stack);
/* Forget every chain (a fork child), keeping the table; and the chains
 * the held stack's entries remember (HELD_MEMO). */
void threads_ccache_clear(struct eng_thread *t);
/* Give the table back (t exited: it takes no more locks). */
void threads_ccache_free(struct eng_thread *t);
/* Bytes of t's table. */
size_t threads_ccache_bytes(const struct eng_thread *t);

#endif /* COFFMAN_ENG_THREADS_H */
