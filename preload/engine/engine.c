/* SPDX-License-Identifier: MIT */
/* engine.c - event dispatch, lock-order checks and report assembly. */
#include "engine.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "claims.h"
#include "engine_fast.h"
#include "engine_internal.h"
#include "hash.h"
#include "lock.h"
#include "objects.h"
#include "order_graph.h"
#include "stackdepot.h"
#include "suppress.h"
#include "trace_write.h"
#include "waitfor.h"

#define TEXT_BUF (64 * 1024)
#define CLASS_KEY_BIT (1ull << 62) /* graph keys of lock classes */

#define JSON_BUF (128 * 1024)

struct seen_report {
	uint64_t key;
	UT_hash_handle hh;
};

struct coffman_options eng_opts;
static struct engine_hooks hooks;
static int engine_pid;

/* Lock order: graph_lock, report_lock, then the registries' own. */
static struct eng_lock graph_lock = ENG_LOCK_INIT;
static struct eng_lock report_lock = ENG_LOCK_INIT;
static struct seen_report *seen;
static int n_reports, n_errors;

void engine_init(const struct coffman_options *o,
		 const struct engine_hooks *h, int pid)
{
	eng_opts = *o;
	hooks = *h;
	engine_pid = pid;
}

const struct coffman_options *engine_options(void)
{
	return &eng_opts;
}

void engine_set_pid(int pid)
{
	engine_pid = pid;
}

int engine_report_count(void)
{
	return __atomic_load_n(&n_reports, __ATOMIC_RELAXED);
}

int engine_error_count(void)
{
	return __atomic_load_n(&n_errors, __ATOMIC_RELAXED);
}

struct eng_thread *engine_thread_new(int32_t tid, uint32_t parent,
				     uint32_t create_stack)
{
	struct eng_thread *t = threads_new(tid, parent);

	if (t) {
		t->create_stack = create_stack;
		claims_thread_new(t);
	}
	return t;
}

static uint64_t now_of(const struct coffman_event *ev)
{
	if (ev->ts_ns)
		return ev->ts_ns;
	return hooks.now_ns ? hooks.now_ns() : 0;
}

/* The stack captured for the event being handled, for the trace. */
static __thread uint32_t ev_stack;

uint32_t eng_capture(const struct coffman_event *ev)
{
	uint32_t id;

	if (ev->stack)
		return ev->stack;
	if (ev_stack)
		return ev_stack; /* one capture per event is enough */
	if (hooks.capture_stack)
		id = hooks.capture_stack();
	else
		id = ev->pc ? stackdepot_intern(&ev->pc, 1) : 0;
	ev_stack = id;
	return id;
}

void eng_capture_reset(void)
{
	ev_stack = 0;
}

int eng_data_name(uint64_t addr, uint32_t kind, char *buf, size_t len)
{
	return hooks.data_name ? hooks.data_name(addr, kind, buf, len)
			       : -ENOENT;
}

/* ---- reports ------------------------------------------------------------ */

struct report *eng_report_new(int kind, int severity)
{
	struct report *r = eng_alloc(sizeof(*r));

	if (!r)
		return NULL;
	r->kind = kind;
	r->severity = severity;
	r->pid = engine_pid;
	return r;
}

int eng_report_thread(struct report *r, const struct eng_thread *t)
{
	struct rep_thread rt;

	memset(&rt, 0, sizeof(rt));
	if (!t)
		return -1;
	rt.num = t->num;
	rt.tid = t->tid;
	memcpy(rt.name, t->name, sizeof(rt.name));
	rt.name[sizeof(rt.name) - 1] = 0;
	rt.create_stack = t->create_stack;
	rt.alive = t->alive;
	return report_add_thread(r, &rt);
}

int eng_report_thread_num(struct report *r, uint32_t num)
{
	return num ? eng_report_thread(r, threads_find(num)) : -1;
}

int eng_report_object(struct report *r, uint64_t id, uint64_t addr,
		      uint32_t kind, const struct eng_obj *o)
{
	struct rep_object ro;

	memset(&ro, 0, sizeof(ro));
	ro.id = id;
	ro.addr = addr;
	ro.kind = (uint8_t)kind;
	/* A class node keeps the record of one instance for its name. */
	if (o && (o->id == id || (id & CLASS_KEY_BIT))) {
		ro.mtype = o->mtype;
		ro.init_stack = o->init_stack;
		if (o->name)
			snprintf(ro.name, sizeof(ro.name), "%s", o->name);
	}
	return report_add_object(r, &ro);
}

/* Name objects that have no user name after the program's variables. */
static void name_objects(struct report *r)
{
	int i;

	if (!hooks.data_name)
		return;
	for (i = 0; i < r->nobjects; i++)
		if (!r->objects[i].name[0] &&
		    r->objects[i].kind != KIND_THREAD)
			hooks.data_name(r->objects[i].addr, r->objects[i].kind,
					r->objects[i].name,
					sizeof(r->objects[i].name));
}

/*
 * Keep one report per distinct finding: the key is the kind plus the
 * sites involved, independent of the order they were found in.
 */
bool eng_report_is_new(uint64_t key)
{
	struct seen_report *s;

	eng_lock(&report_lock);
	HASH_FIND(hh, seen, &key, sizeof(key), s);
	if (s) {
		eng_unlock(&report_lock);
		return false;
	}
	s = eng_alloc(sizeof(*s));
	if (s) {
		s->key = key;
		HASH_ADD(hh, seen, key, sizeof(s->key), s);
	}
	eng_unlock(&report_lock);
	return true;
}

/* Key of a cycle by its objects alone (order-free). */
static uint64_t cycle_objects_key(const uint64_t *ids, int n)
{
	uint64_t k = 0x636f66666d616e43ull; /* "coffmanC" */
	int i;

	for (i = 0; i < n; i++)
		k += hash_mix(ids[i] ^ 0x5a5a5a5a5a5a5a5aull);
	return k;
}

void eng_mark_deadlock_cycle(const uint64_t *ids, int n)
{
	eng_report_is_new(cycle_objects_key(ids, n));
}

static bool deadlock_cycle_marked(const uint64_t *ids, int n)
{
	uint64_t key = cycle_objects_key(ids, n);
	struct seen_report *s;

	eng_lock(&report_lock);
	HASH_FIND(hh, seen, &key, sizeof(key), s);
	eng_unlock(&report_lock);
	return s != NULL;
}

static uint64_t key_combine_unordered(uint64_t acc, uint64_t v)
{
	return acc + hash_mix(v); /* commutative: rotation-independent */
}

/* Render and write r, count it, free it. Call with no engine lock held. */
/*
 * on_deadlock=exit|abort is ending the process: the deadlock reported is
 * its last word (another thread that blocks meanwhile, on its way to the
 * same hang, is not reported; an offline replay stops there too). Reports
 * are written under emit_lock, which the ending thread keeps: none is cut
 * off half-written by the exit.
 */
static int ending;
static struct eng_lock emit_lock = ENG_LOCK_INIT;
/* A deadlock that ends the process has been found (its finder reports
 * it): the first finder only, so two threads that see the same hang at
 * once (each its own cycle, or a cycle and a knot through it) make one
 * report. */
static int end_claimed;

bool eng_claim_ending(void)
{
	int zero = 0;

	if (eng_opts.on_deadlock != ON_DEADLOCK_EXIT &&
	    eng_opts.on_deadlock != ON_DEADLOCK_ABORT)
		return true;
	return __atomic_compare_exchange_n(&end_claimed, &zero, 1, false,
					   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

void eng_report_emit(struct report *r)
{
	char *text, *json;
	size_t tlen = 0, jlen = 0;

	if (__atomic_load_n(&ending, __ATOMIC_ACQUIRE)) {
		eng_free(r, sizeof(*r));
		return;
	}
	if (hooks.report_begin)
		hooks.report_begin(r);
	name_objects(r);
	if (suppress_rules() &&
	    suppress_match(r, hooks.symbolize, stackdepot_get)) {
		if (hooks.report_end)
			hooks.report_end();
		eng_free(r, sizeof(*r));
		return;
	}
	text = eng_alloc(TEXT_BUF);
	json = eng_opts.json[0] ? eng_alloc(JSON_BUF) : NULL;
	if (text)
		tlen = report_format_text(r, hooks.symbolize, stackdepot_get,
					  eng_opts.stack_depth, text, TEXT_BUF);
	if (json)
		jlen = report_format_json(r, hooks.symbolize, stackdepot_get,
					  eng_opts.stack_depth, json, JSON_BUF);
	if (hooks.report_end)
		hooks.report_end();
	eng_lock(&emit_lock);
	if (!__atomic_load_n(&ending, __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&n_reports, 1, __ATOMIC_RELAXED);
		if (r->severity == SEV_ERROR)
			__atomic_fetch_add(&n_errors, 1, __ATOMIC_RELAXED);
		if (hooks.emit)
			hooks.emit(r, text ? text : "", tlen,
				   json ? json : "", jlen);
	}
	eng_unlock(&emit_lock);
	if (text)
		eng_free(text, TEXT_BUF);
	if (json)
		eng_free(json, JSON_BUF);
	eng_free(r, sizeof(*r));
}

/* An actual deadlock was reported: apply on_deadlock. */
static void trace_current(void);

void eng_deadlock_action(void)
{
	if (eng_opts.on_deadlock == ON_DEADLOCK_EXIT ||
	    eng_opts.on_deadlock == ON_DEADLOCK_ABORT) {
		eng_lock(&emit_lock); /* kept until the process is gone */
		__atomic_store_n(&ending, 1, __ATOMIC_RELEASE);
		/* The process ends here: the event that closed the deadlock
		 * must still reach the trace. */
		trace_current();
		if (hooks.fatal)
			hooks.fatal(eng_opts.on_deadlock, eng_opts.exitcode);
		/* Still here: a replay, which stops this trace; the next one
		 * reports again. */
		__atomic_store_n(&ending, 0, __ATOMIC_RELEASE);
		__atomic_store_n(&end_claimed, 0, __ATOMIC_RELEASE);
		eng_unlock(&emit_lock);
	}
}

void engine_tick(uint64_t now_ns, bool (*tid_alive)(int32_t tid),
		 bool others_unknown)
{
	waitfor_tick(now_ns, tid_alive, others_unknown);
}

size_t engine_summary(char *buf, size_t len)
{
	return waitfor_summary(buf, len, hooks.symbolize);
}

/* bytes as "N KiB" or "N.N MiB" */
static void put_bytes(char *buf, size_t len, size_t bytes)
{
	if (bytes < ((size_t)1 << 20))
		snprintf(buf, len, "%zu KiB", (bytes + 1023) >> 10);
	else
		snprintf(buf, len, "%.1f MiB", (double)bytes / (1 << 20));
}

size_t engine_stats_line(char *buf, size_t len)
{
	uint64_t events = 0, waits = 0, edges;
	uint32_t i, n = threads_count();
	char used[32], peak[32];
	int rc;

	/* Counters each thread keeps for itself: a sum read as they stand
	 * (the threads may still run). */
	for (i = 1; i <= n; i++) {
		const struct eng_thread *t = threads_find(i);

		if (t) {
			events += __atomic_load_n(&t->n_events,
						  __ATOMIC_RELAXED);
			waits += __atomic_load_n(&t->n_waits,
						 __ATOMIC_RELAXED);
		}
	}
	edges = graph_edge_count(); /* a count, read as it stands */
	put_bytes(used, sizeof(used), eng_alloc_in_use());
	put_bytes(peak, sizeof(peak), eng_alloc_peak());
	rc = snprintf(buf, len,
		      "%u thread(s), %llu object(s), %llu lock-order edge(s), "
		      "%llu event(s), %llu wait(s) recorded; memory %s "
		      "(peak %s), %zu B an object record, %zu B an edge",
		      n, (unsigned long long)objects_count(),
		      (unsigned long long)edges, (unsigned long long)events,
		      (unsigned long long)waits, used, peak,
		      sizeof(struct eng_obj), sizeof(struct og_edge));
	return rc < 0 ? 0 : (size_t)rc;
}

bool engine_busy(void)
{
	return waitfor_busy();
}

void engine_report_bad_option(const char *msg)
{
	struct report *r = eng_report_new(REP_BAD_OPTION, SEV_WARNING);

	uint64_t key = hash_mix(REP_BAD_OPTION);
	size_t i;

	if (!r)
		return;
	snprintf(r->message, sizeof(r->message), "%s", msg);
	/* The whole message: two bad lines of one file differ late. */
	for (i = 0; msg[i]; i++)
		key = hash_mix(key ^ (uint8_t)msg[i]);
	if (eng_report_is_new(key))
		eng_report_emit(r);
	else
		eng_free(r, sizeof(*r));
}

/* ---- object lookup ------------------------------------------------------ */

/* Record what the front end read from the object itself. */
static void apply_subtype(struct eng_obj *o, const struct coffman_event *ev)
{
	if (!(ev->flags & EVF_TYPE_KNOWN))
		return;
	switch (o->kind) {
	case KIND_MUTEX:
		o->mtype = (uint8_t)(ev->arg & 3);
		o->robust = (ev->arg & MTYPE_ROBUST_BIT) ? 1 : 0;
		o->pi = (ev->arg & MTYPE_PI_BIT) ? 1 : 0;
		break;
	case KIND_BARRIER:
		if (ev->op == OP_INIT)
			o->units = (uint32_t)ev->arg;
		break;
	case KIND_RWLOCK:
		o->writer_pref = ev->arg == RWKIND_PREFER_WRITER_NONRECURSIVE;
		break;
	case KIND_SEM:
		if (ev->op != OP_INIT)
			break;
		o->units = (uint32_t)ev->arg;
		/*
		 * Shared with other processes and created empty: whoever
		 * posts it first holds no unit, and may be a process we do
		 * not see. A signal from the start, not a lock.
		 */
		if (!ev->arg && (ev->flags & EVF_PSHARED))
			o->is_signal = 1;
		break;
	default:
		break;
	}
}

static void forget_object(uint64_t id)
{
	if (!id)
		return;
	eng_lock(&graph_lock);
	graph_remove_node(id);
	eng_unlock(&graph_lock);
}

/*
 * The live record for addr, through the thread's cache; created on first
 * use (statically initialised objects never see an init call).
 */
/* Seen to be process-shared: for good (the object's life). */
static struct eng_obj *mark_pshared(struct eng_obj *o)
{
	o->pshared = 1;
	return o;
}

struct eng_obj *eng_lookup(struct eng_thread *t,
			      const struct coffman_event *ev, bool create)
{
	struct ocache_slot *slot = &t->ocache[threads_ocache_slot(ev->addr)];
	struct eng_obj *o = slot->obj;
	uint64_t retired = 0;
	uint32_t stack = 0;

	if (o && slot->addr == ev->addr && objects_gen(o) == slot->gen &&
	    o->addr == ev->addr && (o->kind == ev->kind || !ev->kind))
		return (ev->flags & EVF_PSHARED) && !o->pshared
			       ? mark_pshared(o)
			       : o;
	o = objects_get(ev->addr, ev->kind, false, 0, NULL);
	if (!o && create) {
		/* First use: its site is the object's birthplace. */
		stack = eng_capture(ev);
		o = objects_get(ev->addr, ev->kind, true, stack, &retired);
		forget_object(retired);
	}
	if (!o)
		return NULL;
	apply_subtype(o, ev);
	if ((ev->flags & EVF_PSHARED) && !o->pshared)
		mark_pshared(o);
	if (t->ocache == threads_ocache_none)
		return o; /* an exited thread's: never written */
	slot->addr = ev->addr;
	slot->obj = o;
	slot->gen = objects_gen(o);
	return o;
}

/* ---- lock-order checks -------------------------------------------------- */

/*
 * Can this cycle deadlock? Not if one exclusive lock was held under every
 * edge (a gate). A cycle whose edges all come from one thread is a
 * warning: that thread alone cannot deadlock with itself this way, but any
 * other thread running the same code can.
 */
/*
 * Does the thread holding lock X (edge out of X) stop the thread that
 * wants it (edge into X)? Two shared holds of a reader-preferring rwlock
 * do not; a semaphore that turned out to be a signal, or one with several
 * units, is not a lock at all for this purpose.
 */
static bool node_blocks(const struct og_edge *in, const struct og_edge *out)
{
	const struct eng_obj *o = in->to_obj;
	bool live = o && o->id == in->key[1];

	switch (in->to_kind) {
	case KIND_SEM:
		return live && !o->is_signal && o->units <= 1;
	case KIND_RWLOCK:
		if (in->to_mode == MODE_EXCL || out->from_mode == MODE_EXCL)
			return true;
		return live && o->writer_pref;
	default:
		return true;
	}
}

static int judge(void *ctx, struct og_edge *const *edges, int n)
{
	uint32_t thread = edges[0]->thread;
	bool one_thread = true, all_timed = true;
	int i, g, j;

	(void)ctx;
	for (i = 0; i < n; i++)
		if (!node_blocks(edges[i], edges[(i + 1) % n]))
			return 0;
	for (g = 0; g < edges[0]->ngate; g++) {
		uint64_t gate = edges[0]->gate[g];

		for (i = 1; i < n; i++) {
			for (j = 0; j < edges[i]->ngate; j++)
				if (edges[i]->gate[j] == gate)
					break;
			if (j == edges[i]->ngate)
				break;
		}
		if (i == n)
			return 0;
	}
	/* banker=avoid holds back the grant that would close it. */
	if (claims_cover_cycle(edges, n))
		return 0;
	for (i = 0; i < n; i++) {
		if (edges[i]->multi_thread || edges[i]->thread != thread)
			one_thread = false;
		if (!edges[i]->timed)
			all_timed = false;
	}
	if (one_thread) {
		/*
		 * One thread inverting semaphores is weak evidence: they have
		 * no owner, and a successful sem_trywait counts as a blocking
		 * acquisition (CPython). CPython's Condition.wait(timeout)
		 * does exactly this with its private waiter semaphore, which
		 * no other thread ever takes. If other threads take them in
		 * the other order, the edges say so and it is an error.
		 */
		for (i = 0; i < n; i++)
			if (edges[i]->to_kind == KIND_SEM)
				return 0;
		return 1;
	}
	if (all_timed)
		return 1;
	return 2;
}

static struct report *inversion_report(struct og_edge **cyc, int n,
				       int verdict)
{
	struct report *r = eng_report_new(REP_LOCK_ORDER_INVERSION,
				      verdict == 2 ? SEV_ERROR : SEV_WARNING);
	int i;

	if (!r)
		return NULL;
	for (i = 0; i < n && i < REP_MAX; i++) {
		struct og_edge *e = cyc[i];
		int from = eng_report_object(r, e->key[0], e->from_addr, e->from_kind,
				      e->from_obj);

		r->cycle[r->ncycle++] = from;
		(void)from;
	}
	/* Present the cycle starting from its oldest edge. */
	for (i = 0; i < n && i < REP_MAX; i++) {
		/* cyc[0] is the edge just added: list it last. */
		struct og_edge *e = cyc[(i + 1) % n];
		struct rep_edge *re = &r->edges[r->nedges++];

		re->thread = e->thread;
		re->thread2 = e->multi_thread ? e->thread2 : 0;
		re->from = eng_report_object(r, e->key[0], e->from_addr, e->from_kind,
				      e->from_obj);
		re->to = eng_report_object(r, e->key[1], e->to_addr, e->to_kind,
				    e->to_obj);
		re->from_stack = e->from_stack;
		re->to_stack = e->to_stack;
		re->from_mode = e->from_mode;
		re->to_mode = e->to_mode;
		re->timed = e->timed;
		eng_report_thread_num(r, e->thread);
		if (re->thread2)
			eng_report_thread_num(r, re->thread2);
	}
	/* Rotate the cycle so it starts where the listed edges start. */
	if (n > 1) {
		int first = r->cycle[0];

		memmove(&r->cycle[0], &r->cycle[1],
			(size_t)(r->ncycle - 1) * sizeof(int));
		r->cycle[r->ncycle - 1] = first;
	}
	snprintf(r->message, sizeof(r->message),
		 "%s: %d lock%s taken in an order that can deadlock%s",
		 verdict == 2 ? "potential deadlock" : "potential deadlock "
						     "(warning)",
		 n, n == 1 ? "" : "s",
		 verdict == 2 ? ""
			      : (r->edges[0].timed ? " (every wait in it "
						     "times out)"
						   : " (all edges come from "
						     "one thread)"));
	return r;
}

/* Cycles reported through one set of sites that cannot tell locks
 * apart: beyond this many, the others are left out. */
#define SAME_SITES_MAX 3

/*
 * Is this cycle a new finding? Sites alone name it, unless they cannot
 * tell locks apart: no stacks (hand-written traces), or both ends taken
 * at the very same stack (an interpreter such as CPython takes every
 * lock from one C call site; a loop takes an array of locks). Then the
 * objects are part of the key too, and at most SAME_SITES_MAX such cycles
 * are reported per set of sites: a loop that takes 45 locks in rotating
 * order closes thousands of cycles, all the same mistake in the code.
 */
static bool cycle_is_new(struct og_edge **cyc, int n, int verdict)
{
	uint64_t k = hash_mix(REP_LOCK_ORDER_INVERSION * 31 + verdict), objs;
	uint64_t pair[CYCLE_MAX], v;
	int i, j;

	/* The set of (held, acquired) site pairs, each once: a cycle that
	 * goes round the same two lines again is the same finding. */
	for (i = 0; i < n && i < CYCLE_MAX; i++) {
		v = hash_mix(cyc[i]->from_stack) * 3 +
		    hash_mix(cyc[i]->to_stack ^ 0xabcdef);
		for (j = i; j > 0 && pair[j - 1] > v; j--)
			pair[j] = pair[j - 1];
		pair[j] = v;
	}
	for (i = 0; i < n && i < CYCLE_MAX; i++)
		if (!i || pair[i] != pair[i - 1])
			k = key_combine_unordered(k, pair[i]);
	for (i = 0; i < n; i++)
		if (cyc[i]->from_stack == cyc[i]->to_stack)
			break;
	if (i == n)
		return eng_report_is_new(k);
	objs = k;
	for (i = 0; i < n; i++)
		objs = key_combine_unordered(objs, hash_mix(cyc[i]->key[0]));
	if (!eng_report_is_new(objs))
		return false;
	/* Count them in the set of seen keys: sites key + 1, + 2, ... */
	for (i = 1; i <= SAME_SITES_MAX; i++)
		if (eng_report_is_new(hash_mix(k + (uint64_t)i)))
			return true;
	return false;
}

/*
 * The graph node of a held lock: the lock itself, or with identity=class
 * its class (where it was initialised, or first used), so that inversions
 * between different instances of the same two classes are found.
 */
static uint64_t graph_key(const struct held *h)
{
	if (eng_opts.identity == IDENTITY_CLASS && h->obj->id == h->id &&
	    h->obj->inited && h->obj->class_pc)
		return CLASS_KEY_BIT | (h->obj->class_pc & (CLASS_KEY_BIT - 1));
	return h->id;
}

/* The edge from held[i] into h as the graph records it; false when there
 * is none to record (re-entry, a lock retired while held, a signal). */
static bool edge_info(const struct eng_thread *t, int i, const struct held *h,
		      const struct coffman_event *ev, struct og_edge_info *info)
{
	const struct held *from = &t->held[i];
	int k, g = 0;

	/*
	 * Holding a thread's "alive" lock orders nothing: every lock the
	 * thread takes would follow it, and a join under a lock (the
	 * joiner waits for the alive lock) would close a cycle with any of
	 * them. A join is no lock-order edge (as pthread_join is not); a
	 * join that does hang is a wait-for cycle, found as it forms.
	 */
	if (from->id == h->id || from->obj->id != from->id ||
	    from->obj->is_signal || from->obj->life_lock)
		return false;
	memset(info, 0, sizeof(*info));
	info->from = graph_key(from);
	info->to = graph_key(h);
	if (info->from == info->to) {
		/* Two locks of one class nested (a ring of philosophers'
		 * forks from one array): their order is the instances'. */
		info->from = from->id;
		info->to = h->id;
	}
	info->from_obj = from->obj;
	info->to_obj = h->obj;
	info->from_addr = from->addr;
	info->to_addr = h->addr;
	info->from_kind = from->kind;
	info->to_kind = h->kind;
	info->from_mode = from->mode;
	info->to_mode = h->mode;
	info->timed = (ev->flags & EVF_TIMED) ? 1 : 0;
	info->thread = t->num;
	info->from_stack = from->stack;
	info->to_stack = h->stack;
	/* Gates: exclusive locks taken before 'from'. */
	for (k = 0; k < i && g < GATE_MAX; k++)
		if (t->held[k].mode == MODE_EXCL && t->held[k].kind != KIND_SEM &&
		    t->held[k].id != h->id)
			info->gate[g++] = graph_key(&t->held[k]);
	info->ngate = (uint8_t)g;
	return true;
}

/*
 * A nesting this thread's cache has forgotten (or never had) whose every
 * edge the graph already holds, each taken before just so: nothing to
 * learn, and no stack to capture. Counts the occurrence and returns the
 * stack the lock was taken at then; 0 when something is new.
 */
/* Was stack captured at call site pc (its innermost frame)? */
static bool stack_at(uint32_t stack, uint64_t pc)
{
	const uint64_t *pcs;

	return pc && stackdepot_get(stack, &pcs) > 0 && pcs[0] == pc;
}

static uint32_t order_known(struct eng_thread *t, const struct held *h,
			    const struct coffman_event *ev)
{
	struct og_edge *known[HELD_MAX];
	struct og_edge_info info;
	uint32_t stack = 0;
	int i, n = 0;

	if (t->degraded || !t->depth)
		return 0;
	eng_lock(&graph_lock);
	for (i = 0; i < t->depth; i++) {
		if (!edge_info(t, i, h, ev, &info))
			continue;
		known[n] = graph_edge_covering(&info);
		if (!known[n] || !known[n]->to_stack) {
			n = 0;
			break;
		}
		stack = known[n++]->to_stack;
	}
	for (i = 0; i < n; i++)
		known[i]->count++;
	eng_unlock(&graph_lock);
	return n && stack_at(stack, ev->pc) ? stack : 0;
}

/* Acquisition of a new chain: add edges from every held lock, check. */
static void order_slow_path(struct eng_thread *t, struct held *h,
			    const struct coffman_event *ev)
{
	struct og_edge *cyc[CYCLE_MAX];
	struct report *pending[4];
	int npending = 0, i;

	if (t->degraded || !t->depth)
		return;
	eng_lock(&graph_lock);
	for (i = 0; i < t->depth; i++) {
		struct og_edge_info info;
		struct og_edge *e;
		int rc, n, verdict;

		if (!edge_info(t, i, h, ev, &info))
			continue;
		rc = graph_add_edge(&info, &e);
		if (rc <= 0 || !e)
			continue;
		verdict = graph_find_cycle(e, judge, NULL, cyc, &n);
		if (!verdict || npending >= 4)
			continue;
		{
			/* Already reported as a deadlock that happened (then
			 * recovered from): the inversion is the same finding. */
			uint64_t ids[CYCLE_MAX];
			int j;

			for (j = 0; j < n; j++)
				ids[j] = cyc[j]->key[0];
			if (deadlock_cycle_marked(ids, n))
				continue;
		}
		if (!cycle_is_new(cyc, n, verdict))
			continue;
		pending[npending] = inversion_report(cyc, n, verdict);
		if (pending[npending])
			npending++;
	}
	eng_unlock(&graph_lock);
	for (i = 0; i < npending; i++)
		eng_report_emit(pending[i]);
}

/* ---- event handlers ----------------------------------------------------- */

void eng_report_site(struct report *r, const char *what, struct eng_thread *t,
		      int obj, uint32_t stack)
{
	struct rep_site *s;

	if (r->nsites >= REP_MAX)
		return;
	s = &r->sites[r->nsites++];
	snprintf(s->what, sizeof(s->what), "%s", what);
	s->thread = t ? t->num : 0;
	s->object = obj;
	s->stack = stack;
	if (t)
		eng_report_thread(r, t);
}

static void on_init(struct eng_thread *t, const struct coffman_event *ev)
{
	struct eng_obj *o = objects_get(ev->addr, KIND_NONE, false, 0, NULL);
	uint64_t retired;

	/* A barrier made again over one that threads wait at: they wait
	 * on the old one's round, which nothing will end. */
	if (o && o->kind == KIND_BARRIER && ev->kind == KIND_BARRIER &&
	    o->units && !o->pshared && !(ev->flags & EVF_PSHARED) &&
	    __atomic_load_n(&o->waiters, __ATOMIC_RELAXED))
		waitfor_destroyed(t, o, eng_capture(ev), true);
	retired = objects_retire(ev->addr);

	forget_object(retired);
	o = objects_get(ev->addr, ev->kind, true, eng_capture(ev), &retired);
	forget_object(retired);
	if (o) {
		const uint64_t *pcs;

		apply_subtype(o, ev);
		if (ev->flags & EVF_PSHARED)
			mark_pshared(o);
		/* Its class: where it is initialised (lockdep's rule). */
		o->inited = 1;
		o->init_thread = t->num;
		o->class_pc = stackdepot_get(o->init_stack, &pcs) > 0 ? pcs[0]
								      : ev->pc;
	}
}

static void on_destroy(struct eng_thread *t, const struct coffman_event *ev)
{
	struct eng_obj *o = objects_get(ev->addr, KIND_NONE, false, 0, NULL);
	int i = o ? threads_held_find(t, o->id) : -1;
	struct eng_thread *holder = NULL;

	/* A condvar or barrier with threads asleep on it (waiters is a
	 * hint: 0 when none is blocked on it, so that a destroy costs
	 * nothing then). Not one shared with other processes, whose
	 * signals and arrivals this one does not see; nor a barrier whose
	 * parties are unknown (its init not seen): its rounds are not
	 * counted. */
	if (o && !o->pshared && !(ev->flags & EVF_PSHARED) &&
	    (o->kind == KIND_COND || (o->kind == KIND_BARRIER && o->units)) &&
	    __atomic_load_n(&o->waiters, __ATOMIC_RELAXED))
		waitfor_destroyed(t, o, eng_capture(ev), false);

	/* Held by another thread: only when the object says it is locked
	 * (the wrappers pass what it records), so a destroy does not scan
	 * every thread. */
	if (o && o->kind != KIND_SEM && i < 0 && ev->owner_tid != 0)
		holder = threads_excl_holder(o->id, t);
	if (o && o->kind != KIND_SEM && (i >= 0 || holder)) {
		uint32_t stack = eng_capture(ev);
		uint64_t key = hash_mix(REP_DESTROY_LOCKED) ^ hash_mix(stack);
		struct report *r;

		if (eng_report_is_new(key) &&
		    (r = eng_report_new(REP_DESTROY_LOCKED, SEV_ERROR))) {
			int oi = eng_report_object(r, o->id, o->addr, o->kind, o);
			snprintf(r->message, sizeof(r->message),
				 "%s destroyed while it is locked",
				 report_object_kind_name(o->kind));
			eng_report_site(r, "destroyed", t, oi, stack);
			if (i >= 0)
				eng_report_site(r, "locked", t, oi, t->held[i].stack);
			else
				eng_report_thread(r, holder);
			eng_report_emit(r);
		}
	}
	if (i >= 0)
		threads_held_remove(t, i);
	forget_object(objects_retire(ev->addr));
}

/*
 * A thread asks for an object it holds (mode 'held'): severity of the
 * self-deadlock, or -1 when that is fine or cannot hang.
 */
static int self_deadlock_severity(const struct eng_obj *o, uint8_t held,
				  const struct coffman_event *ev)
{
	int sev = (ev->flags & EVF_TIMED) ? SEV_WARNING : SEV_ERROR;

	/* Shared with other processes: one of them may unlock it. */
	if (o->pshared)
		return -1;
	switch (o->kind) {
	case KIND_MUTEX:
		/* recursive: fine; errorcheck: the call fails, EDEADLK */
		if (o->mtype != MTYPE_NORMAL && o->mtype != MTYPE_ADAPTIVE)
			return -1;
		return sev;
	case KIND_RWLOCK:
		/* glibc answers EDEADLK to these two, but a program that
		 * does not check hangs or corrupts: report them anyway. */
		if (ev->mode == MODE_EXCL || held == MODE_EXCL)
			return sev;
		/* A second read lock waits behind a queued writer. */
		return o->writer_pref ? SEV_WARNING : -1;
	case KIND_SEM:
		/* No owner: someone else may post (a signal). */
		return -1;
	default:
		return sev;
	}
}

static int block_on(struct eng_thread *t, struct eng_obj *o,
		    const struct coffman_event *ev)
{
	uint32_t stack;

	if (hooks.on_block)
		hooks.on_block();
	/*
	 * Contended again where it was taken before, in the same nesting:
	 * reuse that stack instead of unwinding on every contended lock.
	 */
	if (o && !ev->stack && !ev_stack &&
	    threads_ccache_get(t,
			       threads_chain_next(t, o->id, ev->mode,
						  ev->pc ^ ((ev->flags & EVF_TRY)
								    ? 1
								    : 0)),
			       &stack))
		ev_stack = stack;
	if (waitfor_block(t, o, ev, now_of(ev)) &&
	    eng_opts.on_deadlock == ON_DEADLOCK_RECOVER)
		return -EDEADLK;
	return 0;
}

/*
 * Report t asking for o, which it holds at held[i]. 'potential': the
 * request went through this time (a writer-preferring rwlock re-read with
 * no writer queued); otherwise the thread is about to wait for itself.
 */
static void self_deadlock_report(struct eng_thread *t, struct eng_obj *o,
				 int i, const struct coffman_event *ev,
				 int sev, bool potential)
{
	uint32_t stack = eng_capture(ev);
	uint64_t key = hash_mix(REP_SELF_DEADLOCK) ^
		       hash_mix(t->held[i].stack * 7 + stack);
	struct report *r;
	int oi;

	if (!eng_report_is_new(key) ||
	    !(r = eng_report_new(REP_SELF_DEADLOCK, sev)))
		return;
	oi = eng_report_object(r, o->id, o->addr, o->kind, o);
	if (potential)
		snprintf(r->message, sizeof(r->message),
			 "thread T%u read-locks a writer-preferring rwlock it "
			 "already reads: a writer that queues in between "
			 "waits for the first read, and the second read waits "
			 "behind that writer, so the thread would wait for "
			 "itself",
			 t->num);
	else if (o->kind == KIND_RWLOCK && t->held[i].mode == MODE_EXCL)
		/* glibc knows its writer: it refuses both requests. */
		snprintf(r->message, sizeof(r->message),
			 "thread T%u %s a rwlock it already holds for "
			 "writing: it would wait for itself, and glibc fails "
			 "the call with EDEADLK; a caller that does not check "
			 "goes on without the lock",
			 t->num,
			 ev->mode == MODE_SHARED ? "read-locks" : "write-locks");
	else
		snprintf(r->message, sizeof(r->message),
			 "thread T%u %s a %s it already holds%s: it waits for "
			 "itself%s",
			 t->num,
			 o->kind == KIND_ONCE	   ? "re-enters"
			 : ev->mode == MODE_SHARED ? "read-locks"
						   : "locks",
			 report_object_kind_name(o->kind),
			 o->kind != KIND_RWLOCK		       ? ""
			 : t->held[i].mode == MODE_SHARED ? " for reading"
							  : " for writing",
			 (ev->flags & EVF_TIMED) ? " (until the timeout)"
						 : " forever");
	eng_report_site(r, "acquired", t, oi, t->held[i].stack);
	eng_report_site(r, o->kind == KIND_ONCE ? "enters it again"
						: "locks it again",
			t, oi, stack);
	r->cycle[r->ncycle++] = oi;
	eng_report_emit(r);
}

static int on_acquire(struct eng_thread *t, const struct coffman_event *ev)
{
	struct eng_obj *o = eng_lookup(t, ev, true);
	int i, sev;

	if (!o)
		return 0;
	i = threads_held_find(t, o->id);
	if (i < 0)
		return block_on(t, o, ev);
	sev = self_deadlock_severity(o, t->held[i].mode, ev);
	if (sev < 0)
		return block_on(t, o, ev); /* it still waits */
	self_deadlock_report(t, o, i, ev, sev, false);
	/* glibc fails an rwlock request of its writer (EDEADLK): no hang
	 * for on_deadlock to end. */
	if (sev == SEV_ERROR &&
	    !(o->kind == KIND_RWLOCK && t->held[i].mode == MODE_EXCL)) {
		int rc;

		eng_deadlock_action();
		if (eng_opts.on_deadlock == ON_DEADLOCK_RECOVER)
			return -EDEADLK;
		rc = block_on(t, o, ev);
		waitfor_explained(t);
		return rc;
	}
	return block_on(t, o, ev);
}

static int on_wait(struct eng_thread *t, const struct coffman_event *ev)
{
	struct eng_obj *o = NULL;

	if (ev->kind != KIND_THREAD)
		o = eng_lookup(t, ev, true);
	return block_on(t, o, ev);
}

/*
 * Livelock: threads that keep failing trylocks on locks the other one
 * holds, backing off and trying again, without ever getting through.
 */
#define LIVELOCK_TRIES 20
#define LIVELOCK_NS (100 * 1000000ull)

static void on_try_failed(struct eng_thread *t, const struct coffman_event *ev)
{
	struct eng_obj *o = eng_lookup(t, ev, true);
	struct eng_thread *u;
	uint64_t key;
	struct report *r;
	int oi, ui;

	/* Only locks with an owner can hold each other off this way. */
	if (!o || o->kind == KIND_SEM || o->kind == KIND_ONCE)
		return;
	if (!t->try_fails)
		t->try_fail_since = now_of(ev);
	t->try_fails++;
	t->try_fail_id = o->id;
	/*
	 * Who holds it matters only once the run of failures is long and
	 * has lasted (a livelock lasts): looked up then, in the held stacks,
	 * so that a short spin on a trylock costs no scan of every thread.
	 */
	t->try_fail_owner = NULL;
	if (t->try_fails < LIVELOCK_TRIES ||
	    now_of(ev) - t->try_fail_since < LIVELOCK_NS)
		return;
	t->try_fail_owner = threads_excl_holder(o->id, t);
	u = t->try_fail_owner;
	if (!u || u == t || u->try_fails < LIVELOCK_TRIES ||
	    u->try_fail_owner != t ||
	    now_of(ev) - u->try_fail_since < LIVELOCK_NS)
		return;
	key = hash_mix(REP_LIVELOCK) + hash_mix(t->num) + hash_mix(u->num);
	if (!eng_report_is_new(key) ||
	    !(r = eng_report_new(REP_LIVELOCK, SEV_WARNING)))
		return;
	snprintf(r->message, sizeof(r->message),
		 "livelock: threads T%u and T%u keep failing to take the "
		 "lock the other holds (%u and %u failed tries in a row): "
		 "both back off and retry in step, and neither gets through",
		 t->num, u->num, t->try_fails, u->try_fails);
	oi = eng_report_object(r, o->id, o->addr, o->kind, o);
	eng_report_site(r, "fails to take", t, oi, eng_capture(ev));
	ui = threads_held_find(t, o->id);
	(void)ui;
	eng_report_thread(r, u);
	eng_report_emit(r);
}

static void on_acquired(struct eng_thread *t, const struct coffman_event *ev)
{
	struct eng_obj *o = eng_lookup(t, ev, true);
	struct held *h;
	uint64_t key, prev;
	uint32_t stack;
	bool ordered;
	int i;

	if (!o)
		return;
	if (o->kind == KIND_SEM && o->is_signal) {
		/* Taking a signal is not holding anything; any unit this
		 * thread seemed to hold was a signal too. */
		while ((i = threads_held_find(t, o->id)) >= 0)
			threads_held_remove(t, i);
		return;
	}
	i = threads_held_find(t, o->id);
	if (__builtin_expect(t->bk_on, 0)) /* banker: a request */
		claims_acquired(t, o, ev, i >= 0);
	if (i >= 0 && o->kind == KIND_RWLOCK && o->writer_pref &&
	    ev->mode == MODE_SHARED && t->held[i].mode == MODE_SHARED &&
	    !(ev->flags & EVF_TRY))
		self_deadlock_report(t, o, i, ev, SEV_WARNING, true);
	if (i >= 0 && o->pshared && ev->mode == MODE_EXCL &&
	    t->held[i].mode == MODE_EXCL && o->kind != KIND_SEM &&
	    !(o->kind == KIND_MUTEX && o->mtype == MTYPE_RECURSIVE)) {
		/* Taken again, so another process let it go meanwhile: it
		 * is held once, now. */
		t->held[i].count = 1;
		return;
	}
	if (i >= 0 && ev->mode == t->held[i].mode &&
	    (o->kind != KIND_MUTEX || o->mtype == MTYPE_RECURSIVE)) {
		t->held[i].count++;
		return;
	}
	if (t->depth >= HELD_MAX) {
		/* A unit of a semaphore shared with other processes may
		 * have been posted back by one of them (multiprocessing's
		 * Lock, released in a child): make room by forgetting the
		 * oldest such hold before giving up on order. */
		for (i = 0; i < t->depth; i++)
			if (t->held[i].kind == KIND_SEM &&
			    t->held[i].obj->id == t->held[i].id &&
			    t->held[i].obj->pshared)
				break;
		if (i < t->depth) {
			threads_held_remove(t, i);
		} else {
			t->overflow++;
			t->degraded = 1;
			return;
		}
	}
	/* Who holds it is found in the held stacks: no shared write. */
	o->n_acquired++; /* racy between readers: a hint for starvation */
	/* Progress: any successful try, or getting the lock it failed on. */
	if (t->try_fails && ((ev->flags & EVF_TRY) || o->id == t->try_fail_id))
		t->try_fails = 0;
	prev = t->depth ? t->held[t->depth - 1].chain : 0;
	key = threads_chain_step(prev, o->id, ev->mode,
				 ev->pc ^ ((ev->flags & EVF_TRY) ? 1 : 0));
	h = &t->held[t->depth];
	h->obj = o;
	h->id = o->id;
	h->addr = ev->addr;
	h->pc = ev->pc;
	h->prev = prev;
	h->gen = objects_gen(o);
	h->mode = (uint8_t)ev->mode;
	h->flags = (uint8_t)(ev->flags & (EVF_TRY | EVF_TIMED));
	if (o->life_lock)
		h->flags |= HELD_LIFE;
	h->kind = (uint8_t)ev->kind;
	h->count = 1;
	if (threads_ccache_get(t, key, &stack)) {
		/* A nesting this thread has seen before: nothing to learn. */
		h->stack = ev->stack ? ev->stack : stack;
		h->chain = key;
		h->flags |= HELD_MEMO;
		t->depth++;
		return;
	}
	h->chain = key;
	/*
	 * A trylock cannot block: it adds no edge into the lock it took.
	 * Neither can the first acquisition of a semaphore by the thread that
	 * just created it (nobody else can hold it yet): CPython creates each
	 * thread's "tstate" lock that way and holds it for the thread's life.
	 */
	ordered = !(ev->flags & EVF_TRY) &&
		  !(o->kind == KIND_SEM && !o->acquired &&
		    o->init_thread == t->num);
	if (o->kind == KIND_SEM && !o->acquired && o->init_thread == t->num) {
		o->life_lock = 1;
		h->flags |= HELD_LIFE;
	}
	if (o->init_thread != t->num)
		o->shared_use = 1;
	/* More nestings than the cache holds, all known to the graph: the
	 * stack they were taken at first stands for this one too (and is
	 * what the trace records for it). */
	if (ordered && !ev->stack && !ev_stack &&
	    (stack = order_known(t, h, ev))) {
		ev_stack = stack;
		h->stack = stack;
	} else {
		h->stack = eng_capture(ev);
		if (ordered)
			order_slow_path(t, h, ev);
	}
	o->acquired = 1;
	t->depth++;
	if (threads_ccache_put(t, key, h->stack))
		h->flags |= HELD_MEMO;
}

/*
 * Recursive, error-checking, robust and priority-inheriting mutexes check
 * their owner: glibc refuses another thread's unlock (EPERM). The type is
 * the record's, or the event's for a mutex first seen at this unlock (a
 * static one).
 */
static bool unlock_refused(const struct eng_obj *o,
			   const struct coffman_event *ev)
{
	uint32_t type = (uint32_t)ev->arg & 3;

	if (o)
		return o->kind == KIND_MUTEX &&
		       (o->mtype == MTYPE_RECURSIVE ||
			o->mtype == MTYPE_ERRORCHECK || o->robust || o->pi);
	return ev->kind == KIND_MUTEX && (ev->flags & EVF_TYPE_KNOWN) &&
	       (type == MTYPE_RECURSIVE || type == MTYPE_ERRORCHECK ||
		(ev->arg & (MTYPE_ROBUST_BIT | MTYPE_PI_BIT)));
}

/*
 * A call that only looked at the object (OP_PROBE). For a mutex lock: the
 * front end found no initialised mutex there (bytes never initialised as
 * one, or a mutex destroyed since), and glibc refused the call with
 * EINVAL: the program goes on without the lock it asked for.
 */
static void on_probe(struct eng_thread *t, const struct coffman_event *ev)
{
	uint32_t stack;
	struct report *r;
	int oi;

	if (ev->kind != KIND_MUTEX || !(ev->flags & EVF_TYPE_KNOWN) ||
	    !(ev->arg & MTYPE_INVALID_BIT) || eng_lookup(t, ev, false))
		return;
	stack = eng_capture(ev);
	if (!eng_report_is_new(hash_mix(REP_INVALID_OBJECT) ^
			       hash_mix(stack)) ||
	    !(r = eng_report_new(REP_INVALID_OBJECT, SEV_ERROR)))
		return;
	oi = eng_report_object(r, 0, ev->addr, ev->kind, NULL);
	snprintf(r->message, sizeof(r->message),
		 "thread T%u locks memory that holds no initialised mutex "
		 "(never initialised, or destroyed): the call fails with "
		 "EINVAL, and the code it guards runs without the lock",
		 t->num);
	eng_report_site(r, "locks", t, oi, stack);
	eng_report_emit(r);
}

static void on_release(struct eng_thread *t, const struct coffman_event *ev)
{
	struct eng_obj *o = eng_lookup(t, ev, false);
	int i = o ? threads_held_find(t, o->id) : -1;

	if (o && o->life_lock)
		o->life_lock = 0; /* let go: a lock like any other from now */

	if (i < 0)
		i = threads_held_find_addr(t, ev->addr);
	if (i >= 0) {
		struct held *h = &t->held[i];

		/* banker: a lock's last hold, or one semaphore unit */
		if (ev->flags & EVF_CONDWAIT) {
			t->cw_obj = h->obj;
			t->cw_id = h->id;
			t->cw_addr = h->addr;
		}
		if (__builtin_expect(t->bk_row, 0) &&
		    (h->count == 1 || (ev->flags & EVF_CONDWAIT) ||
		     h->kind == KIND_SEM))
			claims_released(t, h->addr, h->kind);
		if (h->count > 1 && !(ev->flags & EVF_CONDWAIT)) {
			h->count--;
			return;
		}
		if (i == t->depth - 1)
			t->depth--; /* LIFO release: nothing to re-chain */
		else
			threads_held_remove(t, i);
		return;
	}
	if (ev->kind == KIND_SEM) {
		/* A post by a thread that holds no unit: the semaphore
		 * signals between threads, it does not lock. For good. */
		o = o ? o : eng_lookup(t, ev, true);
		if (o && !o->is_signal)
			o->is_signal = 1;
		return;
	}
	if (t->overflow) {
		/* One the held stack had no room for. With the last of them
		 * gone the stack is exact again: edges count again. */
		if (!--t->overflow)
			t->degraded = 0;
		return;
	}
	/* Taken where we could not see it, by this thread (or by someone
	 * we cannot tell: a reader of an rwlock). */
	if (ev->owner_tid && ev->owner_tid == t->tid)
		return;
	if (ev->kind != KIND_MUTEX && ev->kind != KIND_RWLOCK &&
	    ev->kind != KIND_SPIN)
		return;
	{
		struct eng_thread *owner =
			o ? threads_excl_holder(o->id, t) : NULL;
		/* Recursive, error-checking, robust and priority-inheriting
		 * mutexes check their owner: glibc refuses the unlock
		 * (EPERM), nothing changes, and the program may be
		 * checking just that. A warning. */
		bool refused = unlock_refused(o, ev);
		const char *effect = refused ? ": the call fails with EPERM "
					       "and unlocks nothing"
					     : "";
		bool invalid = !o && ev->kind == KIND_MUTEX &&
			       (ev->flags & EVF_TYPE_KNOWN) &&
			       (ev->arg & MTYPE_INVALID_BIT);
		uint32_t stack;
		uint64_t key;
		struct report *r;

		if (ev->owner_tid < 0 && !owner && !invalid)
			return;
		stack = eng_capture(ev);
		key = hash_mix(REP_UNLOCK_NOT_OWNED) ^ hash_mix(stack);
		int oi;

		if (!eng_report_is_new(key) ||
		    !(r = eng_report_new(REP_UNLOCK_NOT_OWNED,
					 refused ? SEV_WARNING : SEV_ERROR)))
			return;
		oi = o ? eng_report_object(r, o->id, o->addr, o->kind, o)
		       : eng_report_object(r, 0, ev->addr, ev->kind, NULL);
		if (invalid) {
			snprintf(r->message, sizeof(r->message),
				 "thread T%u unlocks memory that holds no "
				 "initialised mutex (never initialised, or "
				 "destroyed): the call fails with EINVAL and "
				 "unlocks nothing",
				 t->num);
		} else if (owner && owner != t) {
			eng_report_thread(r, owner);
			snprintf(r->message, sizeof(r->message),
				 "thread T%u unlocks a %s held by thread T%u%s",
				 t->num, report_object_kind_name(ev->kind),
				 owner->num, effect);
		} else {
			snprintf(r->message, sizeof(r->message),
				 "thread T%u unlocks a %s it does not hold%s%s",
				 t->num, report_object_kind_name(ev->kind),
				 ev->owner_tid ? "" : " (it is not locked)",
				 effect);
		}
		eng_report_site(r, "unlocks", t, oi, stack);
		eng_report_emit(r);
	}
}

static void on_thread_exit(struct eng_thread *t,
			   const struct coffman_event *ev)
{
	struct report *r;
	uint32_t stack;
	uint64_t key;
	int i;

	if (ev->flags & EVF_FORK_GONE) {
		/* Replaying a fork child: one of the parent's other threads,
		 * gone without a word, holding what it held for good. */
		threads_exit(t);
		threads_ccache_free(t);
		threads_ocache_free(t);
		waitfor_thread_exit(t);
		return;
	}
	/* Semaphores have no owner: leaving with a unit is no error; locks
	 * destroyed while held are gone; and a robust mutex is there for
	 * this: its next locker is told (EOWNERDEAD) and recovers it. */
	for (i = t->depth - 1; i >= 0; i--)
		if (t->held[i].kind == KIND_SEM ||
		    t->held[i].obj->id != t->held[i].id ||
		    (t->held[i].kind == KIND_MUTEX && t->held[i].obj->robust))
			threads_held_remove(t, i);
	if (t->depth > 0) {
		stack = eng_capture(ev);
		key = hash_mix(REP_EXIT_HOLDING_LOCKS) ^ hash_mix(stack);
		for (i = 0; i < t->depth; i++)
			key ^= hash_mix(t->held[i].stack + 77);
		if (eng_report_is_new(key) &&
		    (r = eng_report_new(REP_EXIT_HOLDING_LOCKS, SEV_ERROR))) {
			snprintf(r->message, sizeof(r->message),
				 "thread T%u exits holding %d lock%s: %s "
				 "stay locked forever",
				 t->num, t->depth, t->depth == 1 ? "" : "s",
				 t->depth == 1 ? "it will" : "they will");
			for (i = 0; i < t->depth; i++) {
				struct held *h = &t->held[i];
				int oi = eng_report_object(r, h->id, h->addr, h->kind,
						    h->obj);

				eng_report_site(r, "still holds", t, oi, h->stack);
			}
			eng_report_site(r, "exits", t, -1, stack);
			eng_report_emit(r);
		}
	}
	t->exit_stack = ev->stack;
	if (t->bk_row || t->bk_on)
		claims_thread_exit(t);
	threads_exit(t);
	threads_ccache_free(t);
	threads_ocache_free(t);
	waitfor_thread_exit(t);
}

static void on_name(struct eng_thread *t, const struct coffman_event *ev)
{
	struct eng_obj *o;

	if (!ev->str)
		return;
	if (ev->kind == KIND_THREAD) {
		struct eng_thread *target =
			ev->addr ? threads_find((uint32_t)ev->addr) : t;

		if (target) {
			snprintf(target->name, sizeof(target->name), "%s",
				 ev->str);
			claims_thread_named(t, target);
		}
		return;
	}
	o = eng_lookup(t, ev, true);
	if (o) {
		objects_set_name(o, ev->str);
		claims_object_named(o, ev->str);
	}
}

static void retired_cb(void *ctx, uint64_t id, uint64_t addr)
{
	(void)ctx;
	(void)addr;
	forget_object(id);
}

static int dispatch(struct eng_thread *t, const struct coffman_event *ev);

/* The event being handled, so a fatal action can trace it first. */
static __thread struct eng_thread *cur_thread;
static __thread const struct coffman_event *cur_event;
static __thread int cur_blocked; /* the thread was blocked before it */
static __thread uint64_t cur_seq; /* its place in the trace's order */
#define SEQ_LATER UINT64_MAX	  /* cur_seq: taken by eng_trace_reseq() */

/*
 * The event being handled takes its place in the trace's order now: a
 * wait does it under the wait-for graph's lock, since the order the waits
 * took that lock in is the order the replay must see them in (a thread
 * may stall between the start of engine_event and the lock while another
 * thread's wait goes through first). Once only: numbers stay 1..N.
 */
void eng_trace_reseq(void)
{
	if (cur_seq == SEQ_LATER)
		cur_seq = trace_next_seq();
}

/*
 * Write the current event to the trace, once. Blocking events and the
 * first event after a block carry their time, so offline analysis can
 * replay how long threads waited (the rest skip the clock: it costs).
 */
static void trace_current(void)
{
	struct coffman_event e;

	if (!cur_event || !trace_enabled)
		return;
	e = *cur_event;
	eng_trace_reseq(); /* a wait that did not get as far as waiting */
	if (!e.seq)
		e.seq = cur_seq;
	if (!e.ts_ns && hooks.now_ns &&
	    (cur_blocked || e.op == OP_ACQUIRE || e.op == OP_WAIT ||
	     e.op == OP_TIMED_OUT || e.op == OP_TRY_FAILED))
		e.ts_ns = hooks.now_ns();
	trace_event(cur_thread, &e, e.stack ? e.stack : ev_stack);
	cur_event = NULL;
}

int engine_event(struct eng_thread *t, const struct coffman_event *ev)
{
	int rc, cancel = eng_cancel_off();

	eng_event_begin();
	ev_stack = 0;
	cur_thread = t;
	cur_event = ev;
	cur_blocked = t->blk.active;
	/* The order the engine takes events in is the order to replay; a
	 * wait's is the order it gets the wait-for graph's lock in. */
	cur_seq = !trace_enabled ? 0
		  : ev->op == OP_ACQUIRE || ev->op == OP_WAIT ? SEQ_LATER
							    : trace_next_seq();
	rc = dispatch(t, ev);
	trace_current();
	eng_event_end();
	eng_cancel_restore(cancel);
	return rc;
}

static int dispatch(struct eng_thread *t, const struct coffman_event *ev)
{
	t->n_events++;
	if (ev->op == OP_ACQUIRE || ev->op == OP_WAIT)
		t->n_waits++;
	/* Any event of t means t runs: whatever it waited for, it got. */
	if (t->blk.active && ev->op != OP_ACQUIRE && ev->op != OP_WAIT)
		waitfor_unblock(t, now_of(ev));
	switch (ev->op) {
	case OP_WAIT:
		return on_wait(t, ev);
	case OP_SIGNAL: {
		struct eng_obj *o;

		if (!__atomic_load_n(&cond_waiters, __ATOMIC_RELAXED))
			break; /* nobody waits anywhere: the common case */
		o = eng_lookup(t, ev, false);

		/* Only when someone waits: signals are frequent. */
		if (o && o->kind == KIND_COND &&
		    __atomic_load_n(&o->holders, __ATOMIC_RELAXED))
			waitfor_signal(o, ev->arg != 0);
		break;
	}
	case OP_SIGACTION:
		waitfor_sigaction((int)(ev->arg & SIGACTION_SIG_MASK),
				  (ev->arg & SIGACTION_HANDLER) != 0);
		break;
	case OP_CANCEL: {
		struct eng_thread *u = threads_find((uint32_t)ev->addr);

		if (u && (ev->arg & 1))
			__atomic_store_n(&u->cancel_any, 1, __ATOMIC_RELAXED);
		if (u)
			__atomic_store_n(&u->cancel_pending, 1,
					 __ATOMIC_RELAXED);
		break;
	}
	case OP_TRY_FAILED:
		on_try_failed(t, ev);
		break;
	case OP_PROBE:
		on_probe(t, ev);
		break;
	case OP_INIT:
		on_init(t, ev);
		break;
	case OP_DESTROY:
		on_destroy(t, ev);
		break;
	case OP_ACQUIRE:
		return on_acquire(t, ev);
	case OP_ACQUIRED:
		on_acquired(t, ev);
		break;
	case OP_RELEASE:
		on_release(t, ev);
		break;
	case OP_THREAD_EXIT:
		on_thread_exit(t, ev);
		break;
	case OP_NAME:
		on_name(t, ev);
		break;
	case OP_CLAIM:
		return claims_event(t, ev);
	case OP_RETIRE_RANGE:
		objects_retire_range(ev->addr, ev->addr + ev->arg, retired_cb,
				     NULL);
		break;
	default:
		break;
	}
	return 0;
}

/* ---- fork --------------------------------------------------------------- */

void engine_fork_prepare(void)
{
	waitfor_lock_all();
	eng_lock(&graph_lock);
	eng_lock(&report_lock);
	claims_fork_prepare();
	objects_lock_all();
	threads_lock_all();
	stackdepot_lock_all();
	eng_alloc_lock_all();
}

void engine_fork_parent(void)
{
	eng_alloc_unlock_all();
	stackdepot_unlock_all();
	threads_unlock_all();
	objects_unlock_all();
	claims_fork_parent();
	eng_unlock(&report_lock);
	eng_unlock(&graph_lock);
	waitfor_unlock_all();
}

void engine_fork_child(struct eng_thread *self, int pid)
{
	struct seen_report *s, *tmp;

	engine_fork_parent();
	engine_pid = pid;
	n_reports = 0;
	n_errors = 0;
	/* A report another thread was writing is the parent's. */
	eng_lock_reset(&emit_lock);
	end_claimed = 0;
	/*
	 * A fresh start: the parent's threads are gone, and orders they took
	 * mixed with the child's would make cycles no thread of the child
	 * can close. The child's own findings are its own reports.
	 */
	graph_clear();
	HASH_ITER(hh, seen, s, tmp) {
		HASH_DEL(seen, s);
		eng_free(s, sizeof(*s));
	}
	if (self) {
		int i;

		/* Units of semaphores the parent's thread held mean nothing
		 * here: a semaphore has no owner to inherit, and runtimes
		 * such as CPython re-create their locks in the child. */
		for (i = self->depth - 1; i >= 0; i--)
			if (self->held[i].kind == KIND_SEM)
				threads_held_remove(self, i);
		threads_ccache_clear(self);
		threads_after_fork(self);
	}
	waitfor_fork_child();
	claims_fork_child(self);
}
