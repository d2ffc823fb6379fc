/* SPDX-License-Identifier: MIT */
/*
 * order_graph.h - the lock-order graph. Edge A->B: "B was acquired while A
 * was held". Nodes are object ids. Pure data structure: no I/O, no
 * interposed calls, no locking -- callers serialise.
 */
#ifndef COFFMAN_ORDER_GRAPH_H
#define COFFMAN_ORDER_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "hash.h"

#define GATE_MAX 8	  /* gate locks remembered per edge */
#define CYCLE_MAX 64	  /* longest cycle searched for */

struct eng_obj;

struct og_edge {
	uint64_t key[2];	/* from id, to id */
	struct eng_obj *from_obj, *to_obj; /* records (type-stable; check
					      ->id against key before use) */
	uint64_t from_addr, to_addr;
	uint8_t from_kind, to_kind; /* enum ev_kind */
	uint8_t from_mode, to_mode; /* enum ev_mode */
	uint8_t multi_thread;	/* taken by more than one thread */
	uint8_t timed;		/* every acquisition of 'to' was timed */
	uint8_t ngate;		/* entries in gate[] */
	uint32_t thread;	/* first thread (num) to take it */
	uint32_t thread2;	/* a second thread, if multi_thread */
	uint32_t from_stack;	/* where 'from' was acquired */
	uint32_t to_stack;	/* where 'to' was acquired */
	uint64_t gate[GATE_MAX]; /* locks held (exclusively) below 'from',
				    intersected over every occurrence */
	uint64_t count;		/* occurrences seen by the slow path */
	struct og_edge *out_next; /* next edge out of the same node */
	struct og_edge *in_next;  /* next edge into the same node */
	struct og_edge **out_pprev; /* what points at it in those lists, */
	struct og_edge **in_pprev;  /* so a node leaves in O(its edges) */
	UT_hash_handle hh;
};

struct og_edge_info {
	uint64_t from, to;
	struct eng_obj *from_obj, *to_obj;
	uint64_t from_addr, to_addr;
	uint8_t from_kind, to_kind, from_mode, to_mode, timed;
	uint32_t thread;
	uint32_t from_stack, to_stack;
	uint8_t ngate;
	uint64_t gate[GATE_MAX];
};

enum {
	GRAPH_EDGE_KNOWN = 0,	/* nothing changed */
	GRAPH_EDGE_NEW = 1,	/* a new edge: may close a cycle */
	GRAPH_EDGE_WIDER = 2,	/* known, but less protected than before
				   (gate shrank, second thread, untimed) */
};

/*
 * Record one occurrence of an edge. Returns GRAPH_EDGE_* or -ENOMEM, and
 * the edge in *out. Only NEW and WIDER can create or worsen a cycle.
 */
int graph_add_edge(const struct og_edge_info *info, struct og_edge **out);

/*
 * The edge info->from -> info->to if the graph has it and adding info
 * would change nothing but its count (no gate lost, no new thread, no
 * untimed occurrence of a timed edge); NULL otherwise.
 */
struct og_edge *graph_edge_covering(const struct og_edge_info *info);

/*
 * Judge a candidate cycle edges[0..n-1] (edges[0] is the one just added):
 * return 0 if it cannot deadlock, 1 for a warning, 2 for an error.
 */
typedef int (*graph_judge_fn)(void *ctx, struct og_edge *const *edges, int n);

/*
 * Search the cycles through edge e (e->to ->* e->from, then e) and return
 * the worst verdict found (0 none). The cycle with that verdict is copied
 * to cycle[] (cycle[0] = e) and its length to *n. The search is bounded.
 */
int graph_find_cycle(struct og_edge *e, graph_judge_fn judge, void *ctx,
		     struct og_edge **cycle, int *n);

/* Remove a node and all its edges (the object was retired). */
void graph_remove_node(uint64_t id);

/* Forget every node and edge (a fork child starts afresh). */
void graph_clear(void);

/* Counts, for the summary. */
uint64_t graph_edge_count(void);
uint64_t graph_node_count(void);

/* Visit every edge (analyzer output). */
void graph_for_each_edge(void (*fn)(void *ctx, const struct og_edge *e),
			 void *ctx);

#endif /* COFFMAN_ORDER_GRAPH_H */
