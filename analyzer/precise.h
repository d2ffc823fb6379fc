/* SPDX-License-Identifier: MIT */
/*
 * precise.h - the offline-only lock-order analysis (`coffman analyze
 * --precise`) and the edge table behind --dot. During the replay it keeps
 * every lock-order edge with the threads that took it and, per
 * occurrence, that thread's vector clock over thread creation and join.
 * Afterwards it enumerates the elementary cycles of the graph (bounded in
 * length and number, not just the first cycle per new edge as the live
 * engine does) and judges each one: a cycle cannot deadlock when its
 * locks are read-read, when one gate lock is held around every edge, when
 * one thread took every edge, or when its edges are ordered by creation
 * and join (happens-before), so no interleaving has them all at once.
 */
#ifndef COFFMAN_PRECISE_H
#define COFFMAN_PRECISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eng_threads.h"
#include "event.h"
#include "report.h"

#define PRECISE_GATES	8  /* gate locks kept per edge */
#define PRECISE_OCC	16 /* distinct (thread, clock) per edge */
#define PRECISE_LEN_MAX 16 /* longest cycle --max-length allows */

struct pobj {
	uint64_t id, addr; /* engine id, canonical address */
	uint8_t kind, mtype;
	uint8_t is_signal;   /* a semaphore seen used as a signal */
	uint8_t writer_pref; /* an rwlock that blocks new readers */
	uint32_t units;	     /* semaphore units, barrier parties */
	uint32_t init_stack;
	char name[64]; /* user name, "" none */
};

struct pocc {
	uint32_t thread; /* engine thread number */
	uint32_t clock;	 /* vector clock snapshot, 0 none */
};

struct pedge {
	uint64_t from, to; /* engine object ids */
	struct pobj *from_obj, *to_obj;
	uint8_t from_mode, to_mode;
	uint8_t timed; /* every occurrence was timed */
	uint32_t from_stack, to_stack;
	uint8_t ngate;
	uint64_t gate[PRECISE_GATES]; /* held around every occurrence */
	uint32_t nocc;
	bool occ_overflow; /* more (thread, clock) pairs than kept */
	struct pocc occ[PRECISE_OCC];
	uint64_t count; /* occurrences */
	bool in_cycle;	/* part of a reported cycle (--dot) */
};

/* Turn recording on (edges) and, with hb, vector clocks; with
 * class_identity, nodes are lock classes as the engine keys them. */
void precise_enable(bool hb, bool class_identity);

/* Thread 'child' was created by 'parent' (engine numbers), now. */
void precise_thread_start(uint32_t child, uint32_t parent);

/* 'joiner' reaped 'target' (the join returned). */
void precise_join(uint32_t joiner, uint32_t target);

/* After engine_event() of an acquired event of t, whose held stack had
 * old_depth entries before it: record the edges it added. */
void precise_acquired(struct eng_thread *t, int old_depth,
		      const struct coffman_event *ev);

/* Visit every recorded edge. */
void precise_for_each_edge(void (*fn)(void *ctx, struct pedge *e), void *ctx);

/* Mark the edge from -> to (object ids) as part of a reported cycle. */
void precise_mark_cycle_edge(uint64_t from, uint64_t to);

struct precise_params {
	int max_length; /* longest cycle searched, 2..PRECISE_LEN_MAX */
	int max_cycles; /* cycles enumerated at most */
	bool all;	/* also pass the filtered cycles to the callback */
	int pid;	/* for the reports */
	/* names objects without a user name in reasons; may be NULL */
	int (*data_name)(uint64_t addr, uint32_t kind, char *buf, size_t len);
};

/*
 * Enumerate and judge the cycles. For each kept one (and with p->all each
 * filtered one, severity info, the reason in its message) fn receives a
 * report in the runtime's format. Returns the number of kept cycles;
 * *truncated is set when a bound stopped the enumeration.
 */
int precise_cycles(const struct precise_params *p,
		   void (*fn)(void *ctx, const struct report *r), void *ctx,
		   bool *truncated);

void precise_reset(void);

#endif /* COFFMAN_PRECISE_H */
