/* SPDX-License-Identifier: MIT */
/* replay.c - recorded traces through the engine, in one canonical space. */
#include "replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "precise.h"
#include "stackdepot.h"
#include "symbolize_offline.h"
#include "text_trace.h"

#define FOLD_SHIFT	48   /* trace index above the user address space */
#define GAP_MAX		4096 /* missing thread numbers filled in, at most */
#define SITE_CANON_BASE TEXT_SITE_BASE /* canonical text call sites */
#define NS_PER_MS	1000000ull
#define RECHECK_NS	(100 * NS_PER_MS) /* waitfor.c's recheck delay */
#define NAME_BUF	4096

/* ---- a small map from 64-bit keys to 64-bit values ----------------------- */

struct u64map {
	uint64_t *keys; /* 0 = empty slot (key 0 is stored apart) */
	uint64_t *vals;
	size_t cap, n;
	bool has_zero;
	uint64_t zero_val;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return x;
}

static uint64_t *map_find(struct u64map *m, uint64_t key)
{
	size_t i;

	if (!key)
		return m->has_zero ? &m->zero_val : NULL;
	if (!m->cap)
		return NULL;
	for (i = mix(key) & (m->cap - 1); m->keys[i];
	     i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return &m->vals[i];
	return NULL;
}

static int map_put(struct u64map *m, uint64_t key, uint64_t val)
{
	size_t i;
	uint64_t *v = map_find(m, key);

	if (v) {
		*v = val;
		return 0;
	}
	if (!key) {
		m->has_zero = true;
		m->zero_val = val;
		return 0;
	}
	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64, j;
		uint64_t *nk = calloc(ncap, sizeof(*nk));
		uint64_t *nv = calloc(ncap, sizeof(*nv));

		if (!nk || !nv) {
			free(nk);
			free(nv);
			return -ENOMEM;
		}
		for (j = 0; j < m->cap; j++) {
			if (!m->keys[j])
				continue;
			for (i = mix(m->keys[j]) & (ncap - 1); nk[i];
			     i = (i + 1) & (ncap - 1))
				;
			nk[i] = m->keys[j];
			nv[i] = m->vals[j];
		}
		free(m->keys);
		free(m->vals);
		m->keys = nk;
		m->vals = nv;
		m->cap = ncap;
	}
	for (i = mix(key) & (m->cap - 1); m->keys[i];
	     i = (i + 1) & (m->cap - 1))
		;
	m->keys[i] = key;
	m->vals[i] = val;
	m->n++;
	return 0;
}

static void map_free(struct u64map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* ---- global state -------------------------------------------------------- */

/* A module path in the canonical space. */
struct cmod {
	char *path;
	size_t path_len;
	uint64_t base; /* canonical load base */
};

/* A module of the trace being replayed. */
struct tmod {
	uint64_t start, end; /* in the trace's own space */
	int64_t delta;	     /* add to reach the canonical space */
};

/* What the analyzer keeps per engine thread (eng_thread.frontend). */
struct athread {
	int trace;    /* index of its trace */
	uint32_t num; /* number in its trace */
	struct hold {
		uint64_t addr, since;
	} * holds; /* held objects, for hold times */
	size_t n_holds, cap_holds;
};

static struct replay_config cfg;
static bool sym_now;
static int n_traces = 1;

static struct cmod *cmods;
static size_t n_cmods, cap_cmods;

static struct u64map sites; /* (string hash ^ line) -> canonical pc */
static uint64_t n_sites;

static struct replay_objstat *stats;
static size_t stats_cap, stats_n;

static uint64_t n_fed;

/* Watchdog ticks: live threads blocked, next tick time. */
static int n_blocked;
static uint64_t tick_base, next_tick, last_block_ns;

/* ---- hooks -----------------------------------------------------------------
 */

uint64_t replay_display_addr(uint64_t addr)
{
	uint64_t hi = addr >> FOLD_SHIFT;

	if (hi && hi < (uint64_t)n_traces)
		return addr & ((1ull << FOLD_SHIFT) - 1);
	return addr;
}

static int sym_hook(uint64_t pc, struct coffman_frame *f)
{
	if (!sym_now) {
		/* rendered again at the end, when every pc is known */
		memset(f, 0, sizeof(*f));
		f->pc = pc;
		return -ENOENT;
	}
	return symoff_symbolize(pc, f);
}

int replay_data_name(uint64_t addr, uint32_t kind, char *buf, size_t len)
{
	return symoff_data_name(addr, kind, buf, len);
}

static void emit_hook(const struct report *r, const char *text, size_t tlen,
		      const char *json, size_t jlen)
{
	(void)text;
	(void)tlen;
	(void)json;
	(void)jlen;
	if (cfg.emit)
		cfg.emit(r);
}

/*
 * on_deadlock=exit|abort: the live process ended here, so the replay of
 * its trace ends too (no more events, no watchdog after it).
 */
static bool process_ended;

static void fatal_hook(int action, int exitcode)
{
	(void)action;
	(void)exitcode;
	process_ended = true;
}

void replay_symbolize_now(bool on)
{
	sym_now = on;
}

int replay_begin(const struct replay_config *c)
{
	static const struct engine_hooks hooks = {
		.capture_stack = NULL,
		.symbolize = sym_hook,
		.data_name = replay_data_name,
		.emit = emit_hook,
		.fatal = fatal_hook,
		.now_ns = NULL,
		.on_block = NULL,
	};
	struct coffman_options o;

	cfg = *c;
	o = c->opts;
	o.json[0] = 0; /* rendered by the analyzer at the end */
	o.suppressions[0] = 0;
	engine_init(&o, &hooks, 0);
	symoff_set_display(replay_display_addr);
	if (c->want_edges || c->want_hb)
		precise_enable(c->want_hb, c->opts.identity == IDENTITY_CLASS);
	return 0;
}

/* ---- the canonical space --------------------------------------------------
 */

static int cmp_tmod(const void *a, const void *b)
{
	const struct tmod *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

struct rt {
	struct loaded_trace *lt;
	struct trace_reader *r;
	int index;
	uint32_t offset; /* engine number = offset + trace number */
	uint64_t fold;	 /* added to addresses outside modules */
	struct tmod *mods;
	size_t n_mods;
	const struct trace_module_rec *site_mod;
	uint32_t *stack_map;   /* per stack record: engine id + 1, 0 not
				  mapped yet */
	struct u64map threads; /* trace number -> struct eng_thread * */
	uint32_t max_created;  /* highest trace number made so far */
	uint64_t last_ts;
	uint64_t skipped;
	bool warned_gap, warned_stack;
	char name[NAME_BUF];
};

static bool path_is(const struct trace_module_rec *m, const char *s)
{
	return m->path_len == strlen(s) && memcmp(m->path, s, m->path_len) == 0;
}

static struct cmod *cmod_get(const char *path, size_t len)
{
	size_t i;

	for (i = 0; i < n_cmods; i++)
		if (cmods[i].path_len == len &&
		    memcmp(cmods[i].path, path, len) == 0)
			return &cmods[i];
	return NULL;
}

static int add_modules(struct rt *rt)
{
	const struct trace_reader *r = rt->r;
	size_t i;

	rt->mods = calloc(r->n_modules + 1, sizeof(*rt->mods));
	if (!rt->mods)
		return -ENOMEM;
	for (i = 0; i < r->n_modules; i++) {
		const struct trace_module_rec *m = &r->modules[i];
		struct cmod *c;
		struct tmod *t;

		if (path_is(m, TEXT_SITE_MODULE)) {
			rt->site_mod = m;
			continue;
		}
		if (m->end <= m->start)
			continue;
		c = cmod_get(m->path, m->path_len);
		if (!c) {
			if (n_cmods == cap_cmods) {
				size_t cap = cap_cmods ? cap_cmods * 2 : 32;
				struct cmod *nc =
					realloc(cmods, cap * sizeof(*nc));

				if (!nc)
					return -ENOMEM;
				cmods = nc;
				cap_cmods = cap;
			}
			c = &cmods[n_cmods];
			c->path = malloc(m->path_len + 1);
			if (!c->path)
				return -ENOMEM;
			memcpy(c->path, m->path, m->path_len);
			c->path[m->path_len] = 0;
			c->path_len = m->path_len;
			c->base = m->base + rt->fold;
			n_cmods++;
		}
		t = &rt->mods[rt->n_mods++];
		t->start = m->start;
		t->end = m->end;
		t->delta = (int64_t)(c->base - m->base);
		if (symoff_add_module(m->path, m->path_len, c->base,
				      m->start + (uint64_t)t->delta,
				      m->end + (uint64_t)t->delta, m->build_id,
				      m->build_id_len))
			return -ENOMEM;
	}
	qsort(rt->mods, rt->n_mods, sizeof(*rt->mods), cmp_tmod);
	return 0;
}

static uint64_t map_addr(const struct rt *rt, uint64_t a)
{
	size_t lo = 0, hi = rt->n_mods;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rt->mods[mid].start <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo-- > 0) {
		if (a >= rt->mods[lo].start && a < rt->mods[lo].end)
			return a + (uint64_t)rt->mods[lo].delta;
		if (lo + 8 < rt->n_mods)
			break; /* modules do not nest deeply */
	}
	return a + rt->fold;
}

/* A text call site: the same file:line is one pc in every trace. */
static uint64_t map_site(struct rt *rt, uint64_t pc)
{
	uint64_t off = pc - TEXT_SITE_BASE;
	uint32_t sid = (uint32_t)(off >> TEXT_SITE_LINE_BITS);
	int line = (int)(off & ((1u << TEXT_SITE_LINE_BITS) - 1));
	const struct trace_string_rec *s = trace_find_string(rt->r, sid);
	uint64_t key, *v, canon;
	size_t i;

	if (!s)
		return map_addr(rt, pc);
	key = mix((uint64_t)line + 0x9e3779b97f4a7c15ull);
	for (i = 0; i < s->len; i++)
		key = mix(key ^ (unsigned char)s->bytes[i]);
	/* keys collide only by accident; a collision shares a pc */
	v = map_find(&sites, key | 1);
	if (v)
		return *v;
	canon = SITE_CANON_BASE + (++n_sites);
	if (map_put(&sites, key | 1, canon) ||
	    symoff_add_site(canon, s->bytes, s->len, line))
		return map_addr(rt, pc);
	return canon;
}

static uint64_t map_pc(struct rt *rt, uint64_t pc)
{
	if (!pc)
		return 0;
	if (rt->site_mod && pc >= rt->site_mod->start && pc < rt->site_mod->end)
		return map_site(rt, pc);
	return map_addr(rt, pc);
}

/* The engine's id of the trace's stack id, 0 if none. */
static uint32_t map_stack(struct rt *rt, uint32_t id)
{
	const struct trace_stack_rec *s;
	uint64_t pcs[STACK_MAX_DEPTH];
	size_t idx;
	uint32_t i, n, eid;

	if (!id)
		return 0;
	s = trace_find_stack(rt->r, id);
	if (!s) {
		if (!rt->warned_stack)
			fprintf(stderr,
				"coffman analyze: %s: warning: stack %u is "
				"used but not in the trace\n",
				rt->lt->path, id);
		rt->warned_stack = true;
		return 0;
	}
	idx = (size_t)(s - rt->r->stacks);
	if (rt->stack_map[idx])
		return rt->stack_map[idx] - 1;
	n = s->n < STACK_MAX_DEPTH ? s->n : STACK_MAX_DEPTH;
	for (i = 0; i < n; i++)
		pcs[i] = map_pc(rt, trace_stack_pc(s, i));
	eid = stackdepot_intern(pcs, (int)n);
	rt->stack_map[idx] = eid + 1;
	return eid;
}

/* ---- threads --------------------------------------------------------------
 */

static struct eng_thread *new_thread(struct rt *rt, uint32_t num)
{
	const struct trace_thread_rec *rec = trace_find_thread(rt->r, num);
	uint32_t parent = 0, stack = 0;
	struct eng_thread *t;
	struct athread *a;

	if (rec) {
		if (rec->parent && rec->parent != num &&
		    rec->parent <= UINT32_MAX - rt->offset)
			parent = rt->offset + rec->parent;
		stack = map_stack(rt, rec->create_stack);
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	t = engine_thread_new(rec ? rec->tid : 0, parent, stack);
	if (!t) {
		free(a);
		return NULL;
	}
	a->trace = rt->index;
	a->num = num;
	t->frontend = a;
	if (rec && rec->name[0]) {
		memcpy(t->name, rec->name, sizeof(t->name) - 1);
		t->name[sizeof(t->name) - 1] = 0;
	}
	if (map_put(&rt->threads, num, (uint64_t)(uintptr_t)t))
		return NULL;
	if (num > rt->max_created)
		rt->max_created = num;
	return t;
}

/*
 * The engine thread of trace thread num, made on first use. Numbers are
 * given in creation order, so every lower number exists by then: those
 * not made yet are made first, keeping the live run's numbering.
 */
static struct eng_thread *thread_of(struct rt *rt, uint32_t num)
{
	uint64_t *v = map_find(&rt->threads, num);
	uint32_t k;

	if (v)
		return (struct eng_thread *)(uintptr_t)*v;
	if (num > rt->max_created && num - rt->max_created <= GAP_MAX &&
	    threads_count() == rt->offset + rt->max_created) {
		for (k = rt->max_created + 1; k < num; k++)
			if (!new_thread(rt, k))
				return NULL;
	} else if (!rt->warned_gap) {
		fprintf(stderr,
			"coffman analyze: %s: warning: thread numbers are "
			"not contiguous: reports number threads differently\n",
			rt->lt->path);
		rt->warned_gap = true;
	}
	return new_thread(rt, num);
}

static struct athread *athread_of(struct eng_thread *t)
{
	return t->frontend;
}

static bool valid_num(uint64_t n)
{
	return n >= 1 && n <= 0x7fffffff;
}

/* ---- per-object counts ------------------------------------------------------
 */

static struct replay_objstat *stat_of(uint64_t addr, uint8_t kind)
{
	size_t i;

	if ((stats_n + 1) * 2 > stats_cap) {
		size_t ncap = stats_cap ? stats_cap * 2 : 256, j;
		struct replay_objstat *ns = calloc(ncap, sizeof(*ns));

		if (!ns)
			return NULL;
		for (j = 0; j < stats_cap; j++) {
			if (!stats[j].used)
				continue;
			for (i = mix(stats[j].addr) & (ncap - 1); ns[i].used;
			     i = (i + 1) & (ncap - 1))
				;
			ns[i] = stats[j];
		}
		free(stats);
		stats = ns;
		stats_cap = ncap;
	}
	for (i = mix(addr) & (stats_cap - 1); stats[i].used;
	     i = (i + 1) & (stats_cap - 1))
		if (stats[i].addr == addr)
			break;
	if (!stats[i].used) {
		stats[i].used = true;
		stats[i].addr = addr;
		stats_n++;
	}
	if (kind && kind != KIND_NONE)
		stats[i].kind = kind;
	return &stats[i];
}

const struct replay_objstat *replay_objstats(size_t *n)
{
	*n = stats_cap;
	return stats;
}

uint64_t replay_event_count(void)
{
	return n_fed;
}

static void count(struct eng_thread *t, const struct coffman_event *ev)
{
	struct athread *a = athread_of(t);
	struct replay_objstat *s;
	size_t i;

	if (ev->kind == KIND_THREAD || ev->kind == KIND_COND ||
	    ev->kind == KIND_BARRIER || ev->kind == KIND_NONE)
		return;
	switch (ev->op) {
	case OP_ACQUIRE:
		if ((s = stat_of(ev->addr, (uint8_t)ev->kind)))
			s->contended++;
		break;
	case OP_TRY_FAILED:
	case OP_TIMED_OUT:
		if ((s = stat_of(ev->addr, (uint8_t)ev->kind)))
			s->failed++;
		break;
	case OP_ACQUIRED:
		if ((s = stat_of(ev->addr, (uint8_t)ev->kind)))
			s->acquired++;
		if (a->n_holds == a->cap_holds) {
			size_t cap = a->cap_holds ? a->cap_holds * 2 : 8;
			struct hold *nh = realloc(a->holds, cap * sizeof(*nh));

			if (!nh)
				return;
			a->holds = nh;
			a->cap_holds = cap;
		}
		a->holds[a->n_holds].addr = ev->addr;
		a->holds[a->n_holds].since = ev->ts_ns;
		a->n_holds++;
		break;
	case OP_RELEASE:
		for (i = a->n_holds; i-- > 0;)
			if (a->holds[i].addr == ev->addr)
				break;
		if (i == (size_t)-1)
			return;
		if (a->holds[i].since && ev->ts_ns >= a->holds[i].since &&
		    (s = stat_of(ev->addr, (uint8_t)ev->kind))) {
			uint64_t d = ev->ts_ns - a->holds[i].since;

			if (d > s->hold_max_ns)
				s->hold_max_ns = d;
			s->hold_total_ns += d;
			s->holds_timed++;
		}
		memmove(&a->holds[i], &a->holds[i + 1],
			(a->n_holds - i - 1) * sizeof(*a->holds));
		a->n_holds--;
		break;
	case OP_NAME:
		if (ev->str && (s = stat_of(ev->addr, (uint8_t)ev->kind))) {
			char *n = strdup(ev->str);

			if (n) {
				free(s->name);
				s->name = n;
			}
		}
		break;
	default:
		break;
	}
}

/* ---- the watchdog
 * ------------------------------------------------------------ */

static uint64_t max_threshold_ns(void)
{
	const struct coffman_options *o = &cfg.opts;
	uint64_t m = (uint64_t)o->watchdog_ms;

	if ((uint64_t)o->hold_wait_ms > m)
		m = (uint64_t)o->hold_wait_ms;
	if ((uint64_t)o->starvation_ms > m)
		m = (uint64_t)o->starvation_ms;
	return m * NS_PER_MS + RECHECK_NS;
}

/* Run the ticks the live watchdog would have run up to time 'now'. */
static void ticks_until(uint64_t now)
{
	uint64_t quiet;

	if (!n_blocked || !tick_base)
		return;
	quiet = last_block_ns + max_threshold_ns() + 2 * REPLAY_TICK_NS;
	while (next_tick <= now && !process_ended) {
		engine_tick(next_tick, NULL, false);
		next_tick += REPLAY_TICK_NS;
		if (next_tick > quiet && now > next_tick) {
			/* nothing new can happen before the next event */
			next_tick += (now - next_tick) / REPLAY_TICK_NS *
				     REPLAY_TICK_NS;
		}
	}
}

/* A thread began to block at 'now': start or resume the ticks. */
static void blocked_at(uint64_t now)
{
	last_block_ns = now;
	if (!now)
		return;
	if (!tick_base) {
		tick_base = now;
		next_tick = now + REPLAY_TICK_NS;
	} else if (next_tick <= now) {
		next_tick = tick_base + ((now - tick_base) / REPLAY_TICK_NS +
					 1) * REPLAY_TICK_NS;
	}
}

/* ---- one event
 * ------------------------------------------------------------------ */

static int feed(struct rt *rt, const struct trace_ev *te)
{
	struct coffman_event ev;
	struct eng_thread *t;
	int old_depth;
	bool was_blocked;

	if (!valid_num(te->thread)) {
		rt->skipped++;
		return 0;
	}
	t = thread_of(rt, te->thread);
	if (!t)
		return -ENOMEM;
	memset(&ev, 0, sizeof(ev));
	ev.seq = te->seq;
	ev.op = te->op;
	ev.kind = te->kind;
	ev.mode = te->mode;
	ev.flags = te->flags;
	ev.arg = te->arg;
	ev.owner_tid = te->owner_tid;
	ev.pc = map_pc(rt, te->pc);
	ev.stack = map_stack(rt, te->stack);
	/* A missing time is the last one known: close enough for the
	 * watchdog, which only measures waits. */
	if (te->ts_ns && te->ts_ns > rt->last_ts)
		rt->last_ts = te->ts_ns;
	ev.ts_ns = te->ts_ns ? te->ts_ns : rt->last_ts;
	if (ev.kind == KIND_THREAD) {
		/* a thread number, or 0 for the thread itself */
		if (te->addr) {
			if (!valid_num(te->addr) ||
			    te->addr > UINT32_MAX - rt->offset) {
				rt->skipped++;
				return 0;
			}
			if (!thread_of(rt, (uint32_t)te->addr))
				return -ENOMEM;
			ev.addr = rt->offset + te->addr;
		}
	} else if (ev.op == OP_THREAD_EXIT || ev.op == OP_FORK) {
		ev.addr = te->addr;
	} else if (ev.op == OP_RELEASE && (ev.flags & EVF_TOP)) {
		/* A compact pop: the lock on top of the thread's held stack,
		 * as it was for the runtime's engine when it popped it. */
		const struct held *h;

		if (!t->depth) {
			rt->skipped++;
			return 0;
		}
		h = &t->held[t->depth - 1];
		ev.addr = h->addr;
		ev.kind = h->kind;
		ev.flags = 0;
	} else if (ev.op == OP_ACQUIRED && (ev.flags & EVF_TOP)) {
		/* A compact acquisition of the entry above the top of the
		 * thread's held stack, as the runtime's engine took it back:
		 * the lock last released from there, as it was taken. */
		const struct held *h;

		if (t->depth >= HELD_MAX || !t->held[t->depth].addr) {
			rt->skipped++;
			return 0;
		}
		h = &t->held[t->depth];
		ev.addr = h->addr;
		ev.kind = h->kind;
		ev.mode = h->mode;
		ev.pc = h->pc;
		ev.stack = h->stack;
		ev.flags = h->flags & EVF_TRY;
	} else {
		ev.addr = map_addr(rt, te->addr);
	}
	if (te->str) {
		const struct trace_string_rec *s =
			trace_find_string(rt->r, te->str);

		if (s) {
			size_t n =
				s->len < NAME_BUF - 1 ? s->len : NAME_BUF - 1;

			memcpy(rt->name, s->bytes, n);
			rt->name[n] = 0;
			ev.str = rt->name;
		}
	}
	if (ev.op == OP_NAME && !ev.str) {
		rt->skipped++;
		return 0;
	}
	if (cfg.want_summary)
		count(t, &ev);

	ticks_until(ev.ts_ns);
	/* thread_start: the creator's event, addr the new thread */
	if (cfg.want_hb && ev.op == OP_THREAD_START && ev.kind == KIND_THREAD &&
	    ev.addr && ev.addr != t->num)
		precise_thread_start((uint32_t)ev.addr, t->num);
	was_blocked = t->blk.active;
	old_depth = t->depth;
	engine_event(t, &ev);
	n_fed++;
	if (was_blocked && !t->blk.active)
		n_blocked--;
	else if (!was_blocked && t->blk.active) {
		n_blocked++;
		blocked_at(ev.ts_ns);
	}
	if (ev.op == OP_ACQUIRED && (cfg.want_edges || cfg.want_hb))
		precise_acquired(t, old_depth, &ev);
	if (cfg.want_hb && ev.op == OP_JOIN && ev.addr && ev.arg == 0 &&
	    !(ev.flags & EVF_TRY))
		precise_join(t->num, (uint32_t)ev.addr);
	return 0;
}

/* ---- a whole trace
 * ---------------------------------------------------------------- */

/* Between traces: the threads of the last one leave no trace of
 * themselves in the next (nothing held, nothing waited for). */
static void retire_threads(struct rt *rt)
{
	size_t i;

	for (i = 0; i < rt->threads.cap; i++) {
		struct eng_thread *t;
		struct coffman_event ev;
		int k;

		if (!rt->threads.keys[i])
			continue;
		t = (struct eng_thread *)(uintptr_t)rt->threads.vals[i];
		if (!t->alive)
			continue;
		memset(&ev, 0, sizeof(ev));
		if (t->blk.active) {
			ev.op = OP_PROBE;
			engine_event(t, &ev);
		}
		for (k = t->depth - 1; k >= 0 && k < t->depth; k--) {
			memset(&ev, 0, sizeof(ev));
			ev.op = OP_RELEASE;
			ev.kind = t->held[k].kind;
			ev.mode = t->held[k].mode;
			ev.flags = EVF_CONDWAIT; /* all recursion levels */
			ev.addr = t->held[k].addr;
			engine_event(t, &ev);
		}
		threads_exit(t);
	}
	n_blocked = 0;
	tick_base = next_tick = last_block_ns = 0;
}

int replay_trace(struct loaded_trace *lt, int index, int count_)
{
	struct rt rt;
	struct trace_ev te;
	uint64_t end;
	size_t i;
	int rc = 0;

	n_traces = count_;
	memset(&rt, 0, sizeof(rt));
	rt.lt = lt;
	rt.r = &lt->r;
	rt.index = index;
	rt.fold = (uint64_t)index << FOLD_SHIFT;
	rt.offset = threads_count();
	rt.stack_map = calloc(rt.r->n_stacks + 1, sizeof(*rt.stack_map));
	if (!rt.stack_map)
		return -ENOMEM;
	rc = add_modules(&rt);
	if (rc)
		goto out;
	engine_set_pid((int)rt.r->pid);
	n_blocked = 0;
	tick_base = next_tick = last_block_ns = 0;
	process_ended = false;
	trace_rewind(rt.r);
	while (!process_ended && trace_next_event(rt.r, &te)) {
		rc = feed(&rt, &te);
		if (rc)
			goto out;
	}
	/* Threads described but never seen doing anything still existed. */
	for (i = 0; i < rt.r->n_threads; i++)
		if (valid_num(rt.r->threads[i].num) &&
		    !map_find(&rt.threads, rt.r->threads[i].num) &&
		    !thread_of(&rt, rt.r->threads[i].num)) {
			rc = -ENOMEM;
			goto out;
		}
	/* The end: as long as the watchdog needed, unless we know when the
	 * process ended. */
	end = rt.r->has_end ? rt.r->end_ts_ns
	      : rt.last_ts
		      ? rt.last_ts + max_threshold_ns() + 2 * REPLAY_TICK_NS
		      : 0;
	if (end && !process_ended)
		ticks_until(end);
	/* The live watchdog may have looked once more right before the end
	 * (its report is often why the process ended): look at the end. */
	if (rt.r->has_end && end && !process_ended && n_blocked)
		engine_tick(end, NULL, false);
	if (rt.skipped)
		fprintf(stderr,
			"coffman analyze: %s: warning: %llu event(s) with a "
			"bad thread number or name, releasing the top of "
			"an empty held stack, or taking again a lock above "
			"its top that it never held, skipped\n",
			lt->path, (unsigned long long)rt.skipped);
	if (index + 1 < count_)
		retire_threads(&rt);
out:
	free(rt.stack_map);
	free(rt.mods);
	map_free(&rt.threads);
	return rc;
}

static void free_athread(void *ctx, struct eng_thread *t)
{
	struct athread *a = t->frontend;

	(void)ctx;
	if (!a)
		return;
	free(a->holds);
	free(a);
	t->frontend = NULL;
}

void replay_end(void)
{
	size_t i;

	threads_for_each(free_athread, NULL);
	for (i = 0; i < n_cmods; i++)
		free(cmods[i].path);
	free(cmods);
	cmods = NULL;
	n_cmods = cap_cmods = 0;
	map_free(&sites);
	for (i = 0; i < stats_cap; i++)
		free(stats[i].name);
	free(stats);
	stats = NULL;
	stats_cap = stats_n = 0;
	precise_reset();
	symoff_reset();
}
