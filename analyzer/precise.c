/* SPDX-License-Identifier: MIT */
/* precise.c - every lock-order edge with its threads and clocks; bounded
 * enumeration and judgement of elementary cycles. */
#include "precise.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "objects.h"

#define SEARCH_STEPS 4000000 /* DFS steps for the whole enumeration */
#define HB_STEPS     100000  /* occurrence choices tried per cycle */

/* ---- tables ------------------------------------------------------------- */

static bool on;	      /* recording */
static bool hb;	      /* with vector clocks */
static bool by_class; /* identity=class: nodes are lock classes */

/* engine.c's graph key of a lock class (CLASS_KEY_BIT there) */
#define CLASS_KEY_BIT (1ull << 62)

static struct pobj **objs; /* open addressing on id */
static size_t objs_cap, objs_n;
static struct pedge **edges; /* open addressing on (from, to) */
static size_t edges_cap, edges_n;
static struct eng_obj **eobj; /* the engine record behind objs[i] */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

/* ---- vector clocks ------------------------------------------------------- */

struct vc {
	uint32_t *th, *val; /* sorted by thread */
	uint32_t n, cap;
	uint32_t snap; /* snapshot of the current value, 0 none */
};

struct snap {
	uint32_t *th, *val;
	uint32_t n;
};

static struct vc *vcs; /* by engine thread number */
static size_t vcs_cap;
static struct snap *snaps; /* snapshot ids are 1-based */
static size_t n_snaps, cap_snaps;

static struct vc *vc_of(uint32_t t)
{
	if (t >= vcs_cap) {
		size_t cap = vcs_cap ? vcs_cap : 64;
		struct vc *nv;

		while (cap <= t)
			cap *= 2;
		nv = realloc(vcs, cap * sizeof(*nv));
		if (!nv)
			return NULL;
		memset(nv + vcs_cap, 0, (cap - vcs_cap) * sizeof(*nv));
		vcs = nv;
		vcs_cap = cap;
	}
	return &vcs[t];
}

static uint32_t vc_get(const uint32_t *th, const uint32_t *val, uint32_t n,
		       uint32_t t)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (th[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && th[lo] == t ? val[lo] : 0;
}

static int vc_set(struct vc *v, uint32_t t, uint32_t x)
{
	uint32_t lo = 0, hi = v->n;

	v->snap = 0;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (v->th[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < v->n && v->th[lo] == t) {
		v->val[lo] = x;
		return 0;
	}
	if (v->n == v->cap) {
		uint32_t cap = v->cap ? v->cap * 2 : 4;
		uint32_t *nt = realloc(v->th, cap * sizeof(*nt));
		uint32_t *nx;

		if (!nt)
			return -ENOMEM;
		v->th = nt;
		nx = realloc(v->val, cap * sizeof(*nx));
		if (!nx)
			return -ENOMEM;
		v->val = nx;
		v->cap = cap;
	}
	memmove(v->th + lo + 1, v->th + lo, (v->n - lo) * sizeof(*v->th));
	memmove(v->val + lo + 1, v->val + lo, (v->n - lo) * sizeof(*v->val));
	v->th[lo] = t;
	v->val[lo] = x;
	v->n++;
	return 0;
}

/* A thread's clock starts at 1 for itself. */
static struct vc *vc_init(uint32_t t)
{
	struct vc *v = vc_of(t);

	if (v && !v->n && vc_set(v, t, 1))
		return NULL;
	return v;
}

void precise_thread_start(uint32_t child, uint32_t parent)
{
	struct vc *p, *c;
	uint32_t i;

	if (!hb || !(p = vc_init(parent)) || !vc_init(child))
		return;
	p = vc_of(parent); /* vc_init(child) may have moved the array */
	c = vc_of(child);
	/* the child knows everything its parent did before creating it */
	for (i = 0; i < p->n; i++)
		if (p->th[i] != child &&
		    vc_get(c->th, c->val, c->n, p->th[i]) < p->val[i])
			vc_set(c, p->th[i], p->val[i]);
	vc_set(p, parent, vc_get(p->th, p->val, p->n, parent) + 1);
}

void precise_join(uint32_t joiner, uint32_t target)
{
	struct vc *j, *x;
	uint32_t i;

	if (!hb || joiner == target || !vc_init(target) || !vc_init(joiner))
		return;
	x = vc_of(target);
	j = vc_of(joiner);
	/* everything the reaped thread did is before what follows */
	for (i = 0; i < x->n; i++)
		if (vc_get(j->th, j->val, j->n, x->th[i]) < x->val[i])
			vc_set(j, x->th[i], x->val[i]);
	vc_set(j, joiner, vc_get(j->th, j->val, j->n, joiner) + 1);
}

static uint32_t snapshot(uint32_t t)
{
	struct vc *v = vc_init(t);
	struct snap *s;

	if (!v)
		return 0;
	if (v->snap)
		return v->snap;
	if (n_snaps == cap_snaps) {
		size_t cap = cap_snaps ? cap_snaps * 2 : 64;
		struct snap *ns = realloc(snaps, cap * sizeof(*ns));

		if (!ns)
			return 0;
		snaps = ns;
		cap_snaps = cap;
	}
	s = &snaps[n_snaps];
	s->th = malloc(v->n * sizeof(*s->th));
	s->val = malloc(v->n * sizeof(*s->val));
	if (!s->th || !s->val) {
		free(s->th);
		free(s->val);
		return 0;
	}
	memcpy(s->th, v->th, v->n * sizeof(*s->th));
	memcpy(s->val, v->val, v->n * sizeof(*s->val));
	s->n = v->n;
	v->snap = (uint32_t)++n_snaps;
	return v->snap;
}

/* Did occurrence a happen before occurrence b? */
static bool happens_before(const struct pocc *a, const struct pocc *b)
{
	const struct snap *sa, *sb;

	if (!a->clock || !b->clock || a->thread == b->thread)
		return false;
	sa = &snaps[a->clock - 1];
	sb = &snaps[b->clock - 1];
	return vc_get(sa->th, sa->val, sa->n, a->thread) <=
	       vc_get(sb->th, sb->val, sb->n, a->thread);
}

/* ---- recording ----------------------------------------------------------- */

void precise_enable(bool with_hb, bool class_identity)
{
	on = true;
	hb = with_hb;
	by_class = class_identity;
}

/* The graph node of a held lock, as the engine keys it (graph_key()). */
static uint64_t node_key(const struct held *h)
{
	if (by_class && h->obj && h->obj->id == h->id && h->obj->inited &&
	    h->obj->class_pc)
		return CLASS_KEY_BIT | (h->obj->class_pc & (CLASS_KEY_BIT - 1));
	return h->id;
}

static int grow_objs(void)
{
	size_t ncap = objs_cap ? objs_cap * 2 : 256, i, j;
	struct pobj **no = calloc(ncap, sizeof(*no));
	struct eng_obj **ne = calloc(ncap, sizeof(*ne));

	if (!no || !ne) {
		free(no);
		free(ne);
		return -ENOMEM;
	}
	for (i = 0; i < objs_cap; i++) {
		if (!objs[i])
			continue;
		for (j = mix(objs[i]->id) & (ncap - 1); no[j];
		     j = (j + 1) & (ncap - 1))
			;
		no[j] = objs[i];
		ne[j] = eobj[i];
	}
	free(objs);
	free(eobj);
	objs = no;
	eobj = ne;
	objs_cap = ncap;
	return 0;
}

static size_t obj_slot(uint64_t id)
{
	size_t i;

	for (i = mix(id) & (objs_cap - 1); objs[i];
	     i = (i + 1) & (objs_cap - 1))
		if (objs[i]->id == id)
			break;
	return i;
}

/* The object record for the held entry, refreshed from the engine (a
 * class: from its first instance). */
static struct pobj *obj_of(const struct held *h)
{
	const struct eng_obj *e = h->obj;
	uint64_t key = node_key(h);
	struct pobj *o;
	size_t i;

	if ((objs_n + 1) * 2 > objs_cap && grow_objs())
		return NULL;
	i = obj_slot(key);
	o = objs[i];
	if (!o) {
		o = calloc(1, sizeof(*o));
		if (!o)
			return NULL;
		o->id = key;
		o->addr = h->addr;
		o->kind = h->kind;
		objs[i] = o;
		eobj[i] = h->obj;
		objs_n++;
	}
	if (e && e->id == h->id && (key == h->id || !o->init_stack)) {
		o->mtype = e->mtype;
		o->is_signal = e->is_signal;
		o->writer_pref = e->writer_pref;
		o->units = e->units;
		o->init_stack = e->init_stack;
		if (e->name)
			snprintf(o->name, sizeof(o->name), "%s", e->name);
	}
	return o;
}

/* Latest state of an object: the engine's record while it lives. */
static void refresh(struct pobj *o)
{
	size_t i = obj_slot(o->id);
	const struct eng_obj *e = eobj[i];

	if (e && (e->id == o->id || (o->id & CLASS_KEY_BIT))) {
		o->is_signal = e->is_signal;
		o->writer_pref = e->writer_pref;
		o->units = e->units;
		if (e->name)
			snprintf(o->name, sizeof(o->name), "%s", e->name);
	}
}

static struct pedge *edge_get(uint64_t from, uint64_t to, bool *fresh)
{
	uint64_t h = mix(from * 31 + mix(to));
	size_t i;

	*fresh = false;
	if ((edges_n + 1) * 2 > edges_cap) {
		size_t ncap = edges_cap ? edges_cap * 2 : 256, j;
		struct pedge **ne = calloc(ncap, sizeof(*ne));

		if (!ne)
			return NULL;
		for (j = 0; j < edges_cap; j++) {
			struct pedge *e = edges[j];

			if (!e)
				continue;
			for (i = mix(e->from * 31 + mix(e->to)) & (ncap - 1);
			     ne[i]; i = (i + 1) & (ncap - 1))
				;
			ne[i] = e;
		}
		free(edges);
		edges = ne;
		edges_cap = ncap;
	}
	for (i = h & (edges_cap - 1); edges[i]; i = (i + 1) & (edges_cap - 1))
		if (edges[i]->from == from && edges[i]->to == to)
			return edges[i];
	edges[i] = calloc(1, sizeof(**edges));
	if (!edges[i])
		return NULL;
	edges[i]->from = from;
	edges[i]->to = to;
	edges_n++;
	*fresh = true;
	return edges[i];
}

static void add_occ(struct pedge *e, uint32_t thread, uint32_t clock)
{
	uint32_t i;

	for (i = 0; i < e->nocc; i++)
		if (e->occ[i].thread == thread && e->occ[i].clock == clock)
			return;
	if (e->nocc < PRECISE_OCC) {
		e->occ[e->nocc].thread = thread;
		e->occ[e->nocc].clock = clock;
		e->nocc++;
		return;
	}
	/* Keep every thread at least once: replace a clock of a thread
	 * seen twice, if any; else the set is too small. */
	for (i = 0; i < e->nocc; i++)
		if (e->occ[i].thread == thread)
			break;
	if (i == e->nocc)
		e->occ_overflow = true;
	else if (clock)
		e->occ_overflow = true; /* a clock we could not keep */
}

void precise_acquired(struct eng_thread *t, int old_depth,
		      const struct coffman_event *ev)
{
	const struct held *h;
	uint32_t clock = 0;
	int i, k;

	if (!on || t->depth != old_depth + 1 || (ev->flags & EVF_TRY) ||
	    t->degraded)
		return;
	h = &t->held[t->depth - 1];
	for (i = 0; i < t->depth - 1; i++) {
		const struct held *f = &t->held[i];
		uint64_t gate[PRECISE_GATES];
		struct pedge *e;
		bool fresh;
		int g = 0, a, b;

		if (f->id == h->id || !f->obj || f->obj->id != f->id ||
		    f->obj->is_signal || node_key(f) == node_key(h))
			continue;
		for (k = 0; k < i && g < PRECISE_GATES; k++)
			if (t->held[k].mode == MODE_EXCL &&
			    t->held[k].kind != KIND_SEM &&
			    t->held[k].id != h->id)
				gate[g++] = node_key(&t->held[k]);
		e = edge_get(node_key(f), node_key(h), &fresh);
		if (!e)
			return;
		e->from_obj = obj_of(f);
		e->to_obj = obj_of(h);
		if (!e->from_obj || !e->to_obj)
			return;
		if (fresh) {
			e->from_mode = f->mode;
			e->to_mode = h->mode;
			e->timed = (ev->flags & EVF_TIMED) ? 1 : 0;
			e->from_stack = f->stack;
			e->to_stack = h->stack;
			e->ngate = (uint8_t)g;
			memcpy(e->gate, gate, (size_t)g * sizeof(gate[0]));
		} else {
			if (e->timed && !(ev->flags & EVF_TIMED)) {
				e->timed = 0;
				e->from_stack = f->stack;
				e->to_stack = h->stack;
			}
			if (f->mode == MODE_EXCL)
				e->from_mode = MODE_EXCL;
			if (h->mode == MODE_EXCL)
				e->to_mode = MODE_EXCL;
			for (a = 0, b = 0; a < e->ngate; a++) {
				for (k = 0; k < g; k++)
					if (gate[k] == e->gate[a])
						break;
				if (k < g)
					e->gate[b++] = e->gate[a];
			}
			e->ngate = (uint8_t)b;
		}
		if (hb && !clock)
			clock = snapshot(t->num);
		add_occ(e, t->num, clock);
		e->count++;
	}
}

void precise_for_each_edge(void (*fn)(void *ctx, struct pedge *e), void *ctx)
{
	size_t i;

	for (i = 0; i < edges_cap; i++)
		if (edges[i])
			fn(ctx, edges[i]);
}

void precise_mark_cycle_edge(uint64_t from, uint64_t to)
{
	uint64_t h = mix(from * 31 + mix(to));
	size_t i;

	if (!edges_cap)
		return;
	for (i = h & (edges_cap - 1); edges[i]; i = (i + 1) & (edges_cap - 1))
		if (edges[i]->from == from && edges[i]->to == to) {
			edges[i]->in_cycle = true;
			return;
		}
}

/* ---- judging a cycle -------------------------------------------------------
 */

struct judge {
	int verdict;	  /* 0 cannot deadlock, 1 warning, 2 error */
	char reason[440]; /* why not, when verdict is 0 */
	uint32_t thread[PRECISE_LEN_MAX]; /* a feasible thread per edge */
};

static int (*data_name)(uint64_t addr, uint32_t kind, char *buf, size_t len);

static const char *label(const struct pobj *o, char *buf, size_t len)
{
	if (o->name[0])
		snprintf(buf, len, "%s", o->name);
	else if (!data_name || data_name(o->addr, o->kind, buf, len) != 0 ||
		 !buf[0])
		snprintf(buf, len, "M%llu", (unsigned long long)o->id);
	return buf;
}

/* Does the holder of in->to stop out's thread? (engine.c node_blocks) */
static bool node_blocks(const struct pedge *in, const struct pedge *out,
			char *why, size_t len)
{
	const struct pobj *o = in->to_obj;
	char l[80];

	switch (o->kind) {
	case KIND_SEM:
		if (o->is_signal) {
			snprintf(why, len,
				 "semaphore %s is a signal (posted by threads "
				 "that never took it), not a lock",
				 label(o, l, sizeof(l)));
			return false;
		}
		if (o->units > 1) {
			snprintf(why, len,
				 "semaphore %s has %u units: one holder does "
				 "not stop the next",
				 label(o, l, sizeof(l)), o->units);
			return false;
		}
		return true;
	case KIND_RWLOCK:
		if (in->to_mode == MODE_EXCL || out->from_mode == MODE_EXCL ||
		    o->writer_pref)
			return true;
		snprintf(why, len,
			 "rwlock %s is only read-locked in the cycle: readers "
			 "do not block readers",
			 label(o, l, sizeof(l)));
		return false;
	default:
		return true;
	}
}

struct hbsearch {
	struct pedge *const *e;
	int n;
	const struct pocc *pick[PRECISE_LEN_MAX];
	long steps;
	/* the ordered pair that stopped the search most recently: the
	 * occurrence of edge ea happens before that of edge eb */
	int ea, eb;
	const struct pocc *bad_a, *bad_b;
};

static bool compatible(struct hbsearch *s, int i, const struct pocc *o)
{
	int j;

	for (j = 0; j < i; j++) {
		const struct pocc *p = s->pick[j];

		if (p->thread == o->thread)
			return false;
		if (happens_before(p, o)) {
			s->ea = j;
			s->eb = i;
			s->bad_a = p;
			s->bad_b = o;
			return false;
		}
		if (happens_before(o, p)) {
			s->ea = i;
			s->eb = j;
			s->bad_a = o;
			s->bad_b = p;
			return false;
		}
	}
	return true;
}

static bool hb_search(struct hbsearch *s, int i)
{
	uint32_t k;

	if (i == s->n)
		return true;
	for (k = 0; k < s->e[i]->nocc; k++) {
		if (--s->steps < 0)
			return true; /* undecided: assume it can happen */
		if (!compatible(s, i, &s->e[i]->occ[k]))
			continue;
		s->pick[i] = &s->e[i]->occ[k];
		if (hb_search(s, i + 1))
			return true;
	}
	return false;
}

static void judge_cycle(struct pedge *const *e, int n, struct judge *j)
{
	char l[80];
	uint32_t first_thread = 0;
	bool one_thread = true, all_timed = true, overflow = false;
	struct hbsearch s;
	int i, g, k;

	memset(j, 0, sizeof(*j));
	for (i = 0; i < n; i++)
		j->thread[i] = e[i]->nocc ? e[i]->occ[0].thread : 0;
	for (i = 0; i < n; i++)
		if (!node_blocks(e[i], e[(i + 1) % n], j->reason,
				 sizeof(j->reason)))
			return;
	for (g = 0; g < e[0]->ngate; g++) {
		uint64_t gate = e[0]->gate[g];

		for (i = 1; i < n; i++) {
			for (k = 0; k < e[i]->ngate; k++)
				if (e[i]->gate[k] == gate)
					break;
			if (k == e[i]->ngate)
				break;
		}
		if (i == n) {
			size_t slot = obj_slot(gate);

			snprintf(j->reason, sizeof(j->reason),
				 "gate lock %s is held around every edge: only "
				 "one thread at a time can be in the cycle",
				 objs_cap && objs[slot]
					 ? label(objs[slot], l, sizeof(l))
					 : "?");
			return;
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t k2;

		if (e[i]->occ_overflow)
			overflow = true;
		if (!e[i]->timed)
			all_timed = false;
		for (k2 = 0; k2 < e[i]->nocc; k2++) {
			if (!first_thread)
				first_thread = e[i]->occ[k2].thread;
			else if (e[i]->occ[k2].thread != first_thread)
				one_thread = false;
		}
	}
	if (one_thread && !overflow) {
		snprintf(j->reason, sizeof(j->reason),
			 "thread T%u took every edge: a thread cannot wait "
			 "for itself this way",
			 first_thread);
		return;
	}
	if (!overflow) {
		memset(&s, 0, sizeof(s));
		s.e = e;
		s.n = n;
		s.steps = HB_STEPS;
		s.ea = -1;
		if (!hb_search(&s, 0)) {
			if (s.ea >= 0) {
				char a[80], b[80], c[80];

				snprintf(j->reason, sizeof(j->reason),
					 "ordered by thread creation and join: "
					 "T%u took %s -> %s before T%u took "
					 "%s -> %s",
					 s.bad_a->thread,
					 label(e[s.ea]->from_obj, a, sizeof(a)),
					 label(e[s.ea]->to_obj, b, sizeof(b)),
					 s.bad_b->thread,
					 label(e[s.eb]->from_obj, c, sizeof(c)),
					 label(e[s.eb]->to_obj, l, sizeof(l)));
			} else {
				snprintf(j->reason, sizeof(j->reason),
					 "a deadlock needs a different thread "
					 "on each edge, and no such choice "
					 "exists");
			}
			return;
		}
		if (s.steps >= 0)
			for (i = 0; i < n; i++)
				j->thread[i] = s.pick[i]->thread;
	}
	j->verdict = all_timed ? 1 : 2;
}

/* ---- building reports
 * ---------------------------------------------------------- */

static int add_obj(struct report *r, struct pobj *o)
{
	struct rep_object ro;

	refresh(o);
	memset(&ro, 0, sizeof(ro));
	ro.id = o->id;
	ro.addr = o->addr;
	ro.kind = o->kind;
	ro.mtype = o->mtype;
	ro.init_stack = o->init_stack;
	snprintf(ro.name, sizeof(ro.name), "%s", o->name);
	return report_add_object(r, &ro);
}

static void add_thread(struct report *r, uint32_t num)
{
	const struct eng_thread *t = num ? threads_find(num) : NULL;
	struct rep_thread rt;

	if (!t)
		return;
	memset(&rt, 0, sizeof(rt));
	rt.num = t->num;
	rt.tid = t->tid;
	memcpy(rt.name, t->name, sizeof(rt.name));
	rt.name[sizeof(rt.name) - 1] = 0;
	rt.create_stack = t->create_stack;
	rt.alive = t->alive;
	report_add_thread(r, &rt);
}

static void make_report(struct pedge *const *e, int n, const struct judge *j,
			int pid, struct report *r)
{
	int i;
	uint32_t k;

	memset(r, 0, sizeof(*r));
	r->kind = REP_LOCK_ORDER_INVERSION;
	r->severity = j->verdict == 2	? SEV_ERROR
		      : j->verdict == 1 ? SEV_WARNING
					: SEV_INFO;
	r->pid = pid;
	for (i = 0; i < n && i < REP_MAX; i++)
		r->cycle[r->ncycle++] = add_obj(r, e[i]->from_obj);
	for (i = 0; i < n && i < REP_MAX; i++) {
		struct rep_edge *re = &r->edges[r->nedges++];

		re->thread = j->thread[i];
		re->thread2 = 0;
		for (k = 0; k < e[i]->nocc; k++)
			if (e[i]->occ[k].thread != re->thread) {
				re->thread2 = e[i]->occ[k].thread;
				break;
			}
		re->from = add_obj(r, e[i]->from_obj);
		re->to = add_obj(r, e[i]->to_obj);
		re->from_stack = e[i]->from_stack;
		re->to_stack = e[i]->to_stack;
		re->from_mode = e[i]->from_mode;
		re->to_mode = e[i]->to_mode;
		re->timed = e[i]->timed;
		add_thread(r, re->thread);
		if (re->thread2)
			add_thread(r, re->thread2);
	}
	if (j->verdict == 2)
		snprintf(r->message, sizeof(r->message),
			 "potential deadlock: %d lock%s taken in an order "
			 "that can deadlock",
			 n, n == 1 ? "" : "s");
	else if (j->verdict == 1)
		snprintf(r->message, sizeof(r->message),
			 "potential deadlock (warning): %d locks taken in an "
			 "order that can deadlock (every wait in it times out)",
			 n);
	else
		snprintf(r->message, sizeof(r->message),
			 "not a deadlock: a cycle of %d locks that cannot "
			 "happen: %s",
			 n, j->reason);
}

/* ---- enumerating cycles
 * ---------------------------------------------------------- */

struct node {
	uint64_t id;
	size_t first, count; /* its out-edges in the sorted edge array */
};

struct enumr {
	struct node *nodes;
	size_t n_nodes;
	struct pedge **out; /* edges sorted by (from index, to index) */
	size_t *to_index;   /* node index of out[i]->to */
	bool *on_path;
	struct pedge *path[PRECISE_LEN_MAX];
	int len;
	size_t start;
	long steps;
	int found, kept, max_cycles, max_length;
	int target;	     /* length of the cycles looked for now */
	bool stop;	     /* a bound was reached */
	const struct precise_params *p;
	void (*fn)(void *ctx, const struct report *r);
	void *ctx;
	struct report *r;
};

static size_t node_index(const struct enumr *en, uint64_t id)
{
	size_t lo = 0, hi = en->n_nodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (en->nodes[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void found_cycle(struct enumr *en)
{
	struct judge j;
	int i;

	en->found++;
	judge_cycle(en->path, en->len, &j);
	if (j.verdict) {
		en->kept++;
		for (i = 0; i < en->len; i++)
			en->path[i]->in_cycle = true;
	}
	if (j.verdict || en->p->all) {
		make_report(en->path, en->len, &j, en->p->pid, en->r);
		en->fn(en->ctx, en->r);
	}
}

/* Cycles of exactly en->target edges through en->start, whose other
 * nodes all come after it (so each cycle is found once). */
static void dfs(struct enumr *en, size_t v)
{
	const struct node *nd = &en->nodes[v];
	size_t i;

	for (i = nd->first; i < nd->first + nd->count; i++) {
		size_t w = en->to_index[i];

		if (en->found >= en->max_cycles || --en->steps < 0) {
			en->stop = true;
			return;
		}
		if (w == en->start) {
			if (en->len + 1 == en->target) {
				en->path[en->len++] = en->out[i];
				found_cycle(en);
				en->len--;
			}
			continue;
		}
		if (w < en->start || en->on_path[w] ||
		    en->len + 1 >= en->target)
			continue;
		en->path[en->len++] = en->out[i];
		en->on_path[w] = true;
		dfs(en, w);
		en->on_path[w] = false;
		en->len--;
		if (en->stop)
			return;
	}
}

static int cmp_edge(const void *a, const void *b)
{
	const struct pedge *x = *(struct pedge *const *)a;
	const struct pedge *y = *(struct pedge *const *)b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	return x->to < y->to ? -1 : x->to > y->to;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int precise_cycles(const struct precise_params *p,
		   void (*fn)(void *ctx, const struct report *r), void *ctx,
		   bool *truncated)
{
	struct enumr en;
	uint64_t *ids = NULL;
	size_t i, k = 0, n_ids = 0;
	int rc = -ENOMEM;

	memset(&en, 0, sizeof(en));
	*truncated = false;
	data_name = p->data_name;
	en.p = p;
	en.fn = fn;
	en.ctx = ctx;
	en.max_cycles = p->max_cycles > 0 ? p->max_cycles : 1000;
	en.max_length = p->max_length < 2		  ? 2
			: p->max_length > PRECISE_LEN_MAX ? PRECISE_LEN_MAX
							  : p->max_length;
	en.steps = SEARCH_STEPS;
	en.r = malloc(sizeof(*en.r));
	en.out = malloc((edges_n + 1) * sizeof(*en.out));
	ids = malloc((2 * edges_n + 1) * sizeof(*ids));
	if (!en.r || !en.out || !ids)
		goto out;
	for (i = 0; i < edges_cap; i++)
		if (edges[i]) {
			en.out[k++] = edges[i];
			ids[n_ids++] = edges[i]->from;
			ids[n_ids++] = edges[i]->to;
		}
	qsort(en.out, k, sizeof(*en.out), cmp_edge);
	qsort(ids, n_ids, sizeof(*ids), cmp_u64);
	en.nodes = calloc(n_ids + 1, sizeof(*en.nodes));
	en.to_index = malloc((k + 1) * sizeof(*en.to_index));
	en.on_path = calloc(n_ids + 1, sizeof(*en.on_path));
	if (!en.nodes || !en.to_index || !en.on_path)
		goto out;
	for (i = 0; i < n_ids; i++)
		if (!en.n_nodes || en.nodes[en.n_nodes - 1].id != ids[i])
			en.nodes[en.n_nodes++].id = ids[i];
	for (i = 0; i < k; i++) {
		size_t f = node_index(&en, en.out[i]->from);

		if (!en.nodes[f].count)
			en.nodes[f].first = i;
		en.nodes[f].count++;
		en.to_index[i] = node_index(&en, en.out[i]->to);
	}
	/* Shortest cycles first: they are the likeliest to happen and the
	 * easiest to fix, and a bound then cuts the long ones. */
	for (en.target = 2; en.target <= en.max_length && !en.stop;
	     en.target++) {
		for (en.start = 0; en.start < en.n_nodes && !en.stop;
		     en.start++) {
			en.on_path[en.start] = true;
			dfs(&en, en.start);
			en.on_path[en.start] = false;
		}
	}
	*truncated = en.stop;
	rc = en.kept;
out:
	free(en.r);
	free(en.out);
	free(ids);
	free(en.nodes);
	free(en.to_index);
	free(en.on_path);
	return rc;
}

void precise_reset(void)
{
	size_t i;

	for (i = 0; i < edges_cap; i++)
		free(edges[i]);
	free(edges);
	edges = NULL;
	edges_cap = edges_n = 0;
	for (i = 0; i < objs_cap; i++)
		free(objs[i]);
	free(objs);
	free(eobj);
	objs = NULL;
	eobj = NULL;
	objs_cap = objs_n = 0;
	for (i = 0; i < vcs_cap; i++) {
		free(vcs[i].th);
		free(vcs[i].val);
	}
	free(vcs);
	vcs = NULL;
	vcs_cap = 0;
	for (i = 0; i < n_snaps; i++) {
		free(snaps[i].th);
		free(snaps[i].val);
	}
	free(snaps);
	snaps = NULL;
	n_snaps = cap_snaps = 0;
	on = hb = false;
}
