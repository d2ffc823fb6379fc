/* SPDX-License-Identifier: MIT */
/*
 * engine_fast.h - the engine's two fast paths, inlined into the wrappers:
 * taking a lock this thread knows, in a nesting it has seen before, and
 * releasing the lock on top of its held stack. They touch only the
 * thread's own state and lock-free reads of the object record. Each
 * returns false when the full event must be sent to engine_event()
 * instead (and then has changed nothing).
 */
#ifndef COFFMAN_ENGINE_FAST_H
#define COFFMAN_ENGINE_FAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "eng_threads.h"
#include "event.h"
#include "objects.h"
#include "trace_write.h"

/* What engine_fast_probe() found for engine_fast_commit(). */
struct fast_acq {
	struct eng_obj *o;
	uint64_t key;
	uint64_t prev;
	uint32_t stack;
	uint32_t gen;
	bool memo; /* the entry at held[depth] is this nesting already;
		      then only o is set */
};

/*
 * Are the entry's mode and kind these, and its flags' HELD_MEMO and
 * EVF_TRY bits as in memo_try? One load and compare: with constant
 * arguments, the wanted bytes and the mask fold into immediates.
 */
static inline __attribute__((always_inline)) bool
held_tail_is(const struct held *h, uint32_t mode, uint32_t memo_try,
	     uint32_t kind)
{
	const uint8_t want[4] = { (uint8_t)mode, (uint8_t)memo_try,
				  (uint8_t)kind, 0 };
	const uint8_t mask[4] = { 0xff, HELD_MEMO | EVF_TRY, 0xff, 0 };
	uint32_t w, v, k;

	memcpy(&w, &h->mode, sizeof(w));
	memcpy(&v, want, sizeof(v));
	memcpy(&k, mask, sizeof(k));
	return (w & k) == v;
}

/*
 * Thread t is about to take the lock at addr (kind) in mode (shared: an
 * rwlock's read lock) from call site pc; flags may hold EVF_TRY. True if
 * taking it will be a nesting t has seen before (*f filled for
 * engine_fast_commit() once the lock is taken), false if the full event
 * must be sent instead. Called before the real attempt: nothing in it
 * depends on having the lock, and a wrapper that learns the acquisition
 * is new can prepare it before it opens the program's critical section.
 */
static inline __attribute__((always_inline)) bool
engine_fast_probe(struct eng_thread *t, uint64_t addr, uint32_t kind,
		  uint32_t mode, uint32_t flags, uint64_t pc,
		  struct fast_acq *f)
{
	const struct ocache_slot *slot;
	const struct held *h;
	struct eng_obj *o;

	if (t->blk.active || t->degraded || t->depth >= HELD_MAX)
		return false;
	f->prev = t->depth ? t->held[t->depth - 1].chain : 0;
	/*
	 * The entry last popped at this depth, if the same lock is taken
	 * from the same call site on the same chain: the same nesting, known
	 * if its chain was (HELD_MEMO), while its record is the same object
	 * (retiring bumps the generation). No hash, no look at the caches:
	 * a lock taken again and again in a loop, or each time a function
	 * runs, costs only the line of the entry it is pushed to.
	 */
	h = &t->held[t->depth];
	if (h->addr == addr && h->pc == pc && h->prev == f->prev &&
	    held_tail_is(h, mode, HELD_MEMO | (flags & EVF_TRY), kind)) {
		o = h->obj;
		if (objects_gen(o) == h->gen &&
		    !(kind == KIND_SEM && o->is_signal)) {
			f->o = o;
			f->memo = true;
			return true;
		}
	}
	f->memo = false;
	slot = &t->ocache[threads_ocache_slot(addr)];
	o = slot->obj;
	/* The slot is current while the record's generation is the one it
	 * saw (retiring bumps it): then o is still the object at addr. A
	 * slot with an address has a record (no object lives at 0). */
	if (slot->addr != addr || objects_gen(o) != slot->gen ||
	    o->kind != kind || (kind == KIND_SEM && o->is_signal))
		return false;
	/*
	 * A nesting this thread has seen before. Taking again what it holds
	 * never is one: the engine counts a re-entry instead of pushing it,
	 * so no chain with o below o is ever cached.
	 */
	f->key = threads_chain_step(f->prev, o->id, mode,
				    pc ^ ((flags & EVF_TRY) ? 1 : 0));
	f->o = o;
	f->gen = slot->gen;
	return threads_ccache_get(t, f->key, &f->stack);
}

/* The lock engine_fast_probe() said yes to is taken: push it. */
static inline __attribute__((always_inline)) void
engine_fast_commit(struct eng_thread *t, uint64_t addr, uint32_t kind,
		   uint32_t mode, uint32_t flags, uint64_t pc,
		   const struct fast_acq *f)
{
	struct eng_obj *o = f->o;
	struct held *h;

	/* No shared write on this path: who holds a lock is read from the
	 * held stacks; acquisitions are counted only while some thread
	 * waits for the lock (starvation). */
	if (__builtin_expect(o->waiters != 0, 0))
		o->n_acquired++;
	if (t->try_fails && ((flags & EVF_TRY) || o->id == t->try_fail_id))
		t->try_fails = 0; /* progress ends a run of failed tries */
	h = &t->held[t->depth++];
	if (!f->memo) { /* a memo is the same entry, as it stands */
		h->obj = o;
		h->id = o->id;
		h->addr = addr;
		h->chain = f->key;
		h->pc = pc;
		h->prev = f->prev;
		h->stack = f->stack;
		h->gen = f->gen;
		h->mode = (uint8_t)mode;
		h->kind = (uint8_t)kind;
	}
	h->count = 1;
	h->flags = (uint8_t)((flags & EVF_TRY) | HELD_MEMO);
	if (kind == KIND_SEM && o->life_lock)
		h->flags |= HELD_LIFE;
	t->n_events++;
	/* A memo is the lock above the top, again: its tag alone. */
	if (__builtin_expect(trace_enabled, 0))
		(void)trace_fast_put(t,
				     trace_fast_what(OP_ACQUIRED, kind, mode,
						     flags),
				     addr, pc, h->stack, f->memo);
}

/* Both at once, for a lock already taken. */
static inline __attribute__((always_inline)) bool
engine_fast_acquired(struct eng_thread *t, uint64_t addr, uint32_t kind,
		     uint32_t mode, uint32_t flags, uint64_t pc)
{
	struct fast_acq f;

	if (!engine_fast_probe(t, addr, kind, mode, flags, pc, &f))
		return false;
	engine_fast_commit(t, addr, kind, mode, flags, pc, &f);
	return true;
}

/*
 * A sem_trywait of thread t on the semaphore at addr (call site pc)
 * failed: true if the engine has nothing to do with it (it knows the
 * semaphore, and a failed try on one is no step towards a livelock); the
 * trace still gets it, as a compact event.
 */
static inline __attribute__((always_inline)) bool
engine_fast_sem_try_failed(struct eng_thread *t, uint64_t addr, uint64_t pc)
{
	const struct held *h = t->depth ? &t->held[t->depth - 1] : NULL;

	if (t->blk.active)
		return false;
	/* The one it holds on top, as CPython's Condition asks "do I own
	 * my lock?" with a try that fails: known, and its entry is warm.
	 * Otherwise the thread's cache must know the record. */
	if (!h || h->addr != addr || h->kind != KIND_SEM) {
		const struct ocache_slot *slot =
			&t->ocache[threads_ocache_slot(addr)];
		const struct eng_obj *o = slot->obj;

		if (!o || slot->addr != addr || objects_gen(o) != slot->gen ||
		    o->kind != KIND_SEM)
			return false;
	}
	t->n_events++;
	if (__builtin_expect(trace_enabled, 0))
		trace_fast(t,
			   trace_fast_what(OP_TRY_FAILED, KIND_SEM, MODE_EXCL,
					   EVF_TRY),
			   addr, pc, 0);
	return true;
}

/*
 * Thread t releases the lock at addr, if it is the top of its stack: pop
 * it, and leave the trace to the caller (rt_traced_release() after the
 * real release, when trace_enabled). The entry may be stale (the object retired while held,
 * a new one at its address since): the engine would find this same entry
 * by address and pop it too.
 */
static inline __attribute__((always_inline)) bool
engine_fast_pop(struct eng_thread *t, uint64_t addr, uint32_t *kind)
{
	struct held *h;

	if (t->blk.active || !t->depth)
		return false;
	h = &t->held[t->depth - 1];
	if (h->addr != addr || h->count != 1)
		return false;
	*kind = h->kind;
	t->depth--;
	t->n_events++;
	return true;
}

/* After engine_fast_pop() of a semaphore (held[depth] is the entry
 * it popped): a creator's "alive" lock is a lock like any
 * other from now on (as engine.c's on_release). Only sem_post needs it,
 * so the other unlocks' fast path does not look; and only an entry
 * pushed while it was one (HELD_LIFE) sends it to the record. */
static inline __attribute__((always_inline)) void
engine_fast_sem_let_go(struct eng_thread *t)
{
	const struct held *h = &t->held[t->depth];

	if ((h->flags & HELD_LIFE) && h->obj->life_lock && h->obj->id == h->id)
		h->obj->life_lock = 0;
}

#endif /* COFFMAN_ENGINE_FAST_H */
