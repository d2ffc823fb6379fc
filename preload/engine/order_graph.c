/* SPDX-License-Identifier: MIT */
/* order_graph.c - lock-order graph with bounded cycle search. */
#include "order_graph.h"

#include <errno.h>
#include <string.h>

#include "alloc.h"

#define SEARCH_BUDGET 200000 /* edge visits per cycle search */
/* Edge visits left to look for an error once a warning cycle is found:
 * a dense graph of one thread's locks (a loop taking an array of them in
 * rotating order) has more simple cycles than any budget, and each new
 * edge would spend all of it. */
#define SEARCH_AFTER_WARNING 4000

struct og_node {
	uint64_t id;
	struct og_edge *out;
	struct og_edge *in;
	uint32_t dead_epoch; /* search epoch in which it proved a dead end */
	uint32_t path_epoch; /* search epoch in which it is on the path */
	UT_hash_handle hh;
};

static struct og_node *nodes;
static struct og_edge *edges;
static uint64_t n_edges, n_nodes;
static uint32_t epoch;

static struct og_node *node_get(uint64_t id, bool create)
{
	struct og_node *n;

	HASH_FIND(hh, nodes, &id, sizeof(id), n);
	if (n || !create)
		return n;
	n = eng_alloc(sizeof(*n));
	if (!n)
		return NULL;
	n->id = id;
	HASH_ADD(hh, nodes, id, sizeof(n->id), n);
	HASH_FIND(hh, nodes, &id, sizeof(id), n);
	if (n)
		n_nodes++;
	return n;
}

/* Keep only the gates present in both sets; true if the set shrank. */
static bool gate_intersect(struct og_edge *e, const struct og_edge_info *in)
{
	int i, j, k = 0;
	bool shrank = false;

	for (i = 0; i < e->ngate; i++) {
		for (j = 0; j < in->ngate; j++)
			if (in->gate[j] == e->gate[i])
				break;
		if (j < in->ngate)
			e->gate[k++] = e->gate[i];
		else
			shrank = true;
	}
	e->ngate = (uint8_t)k;
	return shrank;
}

struct og_edge *graph_edge_covering(const struct og_edge_info *info)
{
	uint64_t key[2] = { info->from, info->to };
	struct og_edge *e;
	int i, j;

	HASH_FIND(hh, edges, key, sizeof(key), e);
	if (!e || (!e->multi_thread && info->thread != e->thread) ||
	    (e->timed && !info->timed))
		return NULL;
	for (i = 0; i < e->ngate; i++) {
		for (j = 0; j < info->ngate; j++)
			if (info->gate[j] == e->gate[i])
				break;
		if (j == info->ngate)
			return NULL; /* the gate would shrink */
	}
	return e;
}

int graph_add_edge(const struct og_edge_info *info, struct og_edge **out)
{
	uint64_t key[2] = { info->from, info->to };
	struct og_node *from, *to;
	struct og_edge *e;
	int rc = GRAPH_EDGE_KNOWN;

	*out = NULL;
	if (info->from == info->to)
		return GRAPH_EDGE_KNOWN; /* re-entry is not an ordering */
	HASH_FIND(hh, edges, key, sizeof(key), e);
	if (e) {
		e->count++;
		if (gate_intersect(e, info))
			rc = GRAPH_EDGE_WIDER;
		if (!e->multi_thread && info->thread != e->thread) {
			e->multi_thread = 1;
			e->thread2 = info->thread;
			rc = GRAPH_EDGE_WIDER;
		}
		if (e->timed && !info->timed) {
			e->timed = 0;
			e->to_stack = info->to_stack;
			e->from_stack = info->from_stack;
			rc = GRAPH_EDGE_WIDER;
		}
		*out = e;
		return rc;
	}
	from = node_get(info->from, true);
	to = node_get(info->to, true);
	if (!from || !to)
		return -ENOMEM;
	e = eng_alloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->key[0] = info->from;
	e->key[1] = info->to;
	e->from_obj = info->from_obj;
	e->to_obj = info->to_obj;
	e->from_addr = info->from_addr;
	e->to_addr = info->to_addr;
	e->from_kind = info->from_kind;
	e->to_kind = info->to_kind;
	e->from_mode = info->from_mode;
	e->to_mode = info->to_mode;
	e->timed = info->timed;
	e->thread = info->thread;
	e->from_stack = info->from_stack;
	e->to_stack = info->to_stack;
	e->ngate = info->ngate > GATE_MAX ? GATE_MAX : info->ngate;
	memcpy(e->gate, info->gate, e->ngate * sizeof(e->gate[0]));
	e->count = 1;
	HASH_ADD(hh, edges, key, sizeof(e->key), e);
	{
		struct og_edge *check;

		HASH_FIND(hh, edges, key, sizeof(key), check);
		if (!check) {
			eng_free(e, sizeof(*e));
			return -ENOMEM;
		}
	}
	e->out_next = from->out;
	if (from->out)
		from->out->out_pprev = &e->out_next;
	e->out_pprev = &from->out;
	from->out = e;
	e->in_next = to->in;
	if (to->in)
		to->in->in_pprev = &e->in_next;
	e->in_pprev = &to->in;
	to->in = e;
	/* under the graph's lock; the summary reads it without */
	__atomic_store_n(&n_edges, n_edges + 1, __ATOMIC_RELAXED);
	*out = e;
	return GRAPH_EDGE_NEW;
}

struct search {
	uint64_t target;
	graph_judge_fn judge;
	void *ctx;
	struct og_edge *path[CYCLE_MAX];
	int len;
	int best;
	struct og_edge **best_cycle;
	int *best_n;
	long budget;
};

/* DFS from node; returns true if the target is reachable from it. */
static bool dfs(struct search *s, struct og_node *node)
{
	struct og_edge *e;
	bool reaches = false;

	if (node->dead_epoch == epoch || node->path_epoch == epoch)
		return false;
	if (s->len >= CYCLE_MAX)
		return true; /* unknown: do not mark it dead */
	node->path_epoch = epoch;
	for (e = node->out; e && s->best < 2; e = e->out_next) {
		struct og_node *next;

		if (--s->budget < 0) {
			reaches = true; /* unknown */
			break;
		}
		s->path[s->len++] = e;
		if (e->key[1] == s->target) {
			int v = s->judge(s->ctx, s->path, s->len);

			reaches = true;
			if (v > s->best) {
				if (!s->best && s->budget > SEARCH_AFTER_WARNING)
					s->budget = SEARCH_AFTER_WARNING;
				s->best = v;
				memcpy(s->best_cycle, s->path,
				       (size_t)s->len * sizeof(s->path[0]));
				*s->best_n = s->len;
			}
		} else {
			HASH_FIND(hh, nodes, &e->key[1], sizeof(uint64_t),
				  next);
			if (next && dfs(s, next))
				reaches = true;
		}
		s->len--;
	}
	node->path_epoch = 0;
	if (!reaches)
		node->dead_epoch = epoch;
	return reaches;
}

int graph_find_cycle(struct og_edge *e, graph_judge_fn judge, void *ctx,
		     struct og_edge **cycle, int *n)
{
	struct search s;
	struct og_node *start;

	memset(&s, 0, sizeof(s));
	s.target = e->key[0];
	s.judge = judge;
	s.ctx = ctx;
	s.best_cycle = cycle;
	s.best_n = n;
	s.budget = SEARCH_BUDGET;
	*n = 0;
	if (e->key[0] == e->key[1])
		return 0;
	HASH_FIND(hh, nodes, &e->key[1], sizeof(uint64_t), start);
	if (!start)
		return 0;
	if (++epoch == 0)
		epoch = 1;
	s.path[s.len++] = e;
	dfs(&s, start);
	return s.best;
}

/* Take e out of both adjacency lists and free it. */
static void drop_edge(struct og_edge *e)
{
	*e->out_pprev = e->out_next;
	if (e->out_next)
		e->out_next->out_pprev = e->out_pprev;
	*e->in_pprev = e->in_next;
	if (e->in_next)
		e->in_next->in_pprev = e->in_pprev;
	HASH_DEL(edges, e);
	eng_free(e, sizeof(*e));
	__atomic_store_n(&n_edges, n_edges - 1, __ATOMIC_RELAXED);
}

void graph_remove_node(uint64_t id)
{
	struct og_node *n = node_get(id, false);

	if (!n)
		return;
	while (n->out)
		drop_edge(n->out);
	while (n->in)
		drop_edge(n->in);
	HASH_DEL(nodes, n);
	eng_free(n, sizeof(*n));
	n_nodes--;
}

void graph_clear(void)
{
	struct og_node *n, *ntmp;
	struct og_edge *e, *etmp;

	HASH_ITER(hh, edges, e, etmp) {
		HASH_DEL(edges, e);
		eng_free(e, sizeof(*e));
	}
	HASH_ITER(hh, nodes, n, ntmp) {
		HASH_DEL(nodes, n);
		eng_free(n, sizeof(*n));
	}
	__atomic_store_n(&n_edges, 0, __ATOMIC_RELAXED);
	n_nodes = 0;
}

uint64_t graph_edge_count(void)
{
	return __atomic_load_n(&n_edges, __ATOMIC_RELAXED);
}

uint64_t graph_node_count(void)
{
	return n_nodes;
}

void graph_for_each_edge(void (*fn)(void *ctx, const struct og_edge *e),
			 void *ctx)
{
	struct og_edge *e;

	for (e = edges; e; e = e->hh.next)
		fn(ctx, e);
}
