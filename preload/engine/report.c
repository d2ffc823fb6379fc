/* SPDX-License-Identifier: MIT */
/* report.c - text and JSON Lines renderings of a report. */
#include "report.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "event.h"

#define SYMTAB_SIZE 512

static const char *const kind_names[REP_KIND_MAX] = {
	[REP_LOCK_ORDER_INVERSION] = "lock-order-inversion",
	[REP_DEADLOCK] = "deadlock",
	[REP_SELF_DEADLOCK] = "self-deadlock",
	[REP_ALL_THREADS_BLOCKED] = "all-threads-blocked",
	[REP_UNLOCK_NOT_OWNED] = "unlock-not-owned",
	[REP_DESTROY_LOCKED] = "destroy-locked",
	[REP_EXIT_HOLDING_LOCKS] = "exit-holding-locks",
	[REP_HOLD_AND_WAIT] = "hold-and-wait",
	[REP_UNSAFE_STATE] = "unsafe-state",
	[REP_CLAIM_EXCEEDED] = "claim-exceeded",
	[REP_STARVATION] = "starvation",
	[REP_LIVELOCK] = "livelock",
	[REP_BAD_OPTION] = "bad-option",
	[REP_INVALID_OBJECT] = "invalid-object",
	[REP_DESTROY_WAITED] = "destroy-waited",
};

const char *report_kind_name(int kind)
{
	if (kind < 0 || kind >= REP_KIND_MAX)
		return "unknown";
	return kind_names[kind];
}

const char *report_severity_name(int sev)
{
	switch (sev) {
	case SEV_ERROR:
		return "error";
	case SEV_WARNING:
		return "warning";
	default:
		return "info";
	}
}

const char *report_object_kind_name(int kind)
{
	switch (kind) {
	case KIND_MUTEX:
		return "mutex";
	case KIND_RWLOCK:
		return "rwlock";
	case KIND_SPIN:
		return "spinlock";
	case KIND_SEM:
		return "semaphore";
	case KIND_COND:
		return "condvar";
	case KIND_BARRIER:
		return "barrier";
	case KIND_THREAD:
		return "thread";
	case KIND_ONCE:
		return "once";
	default:
		return "object";
	}
}

int report_add_thread(struct report *r, const struct rep_thread *t)
{
	int i;

	for (i = 0; i < r->nthreads; i++)
		if (r->threads[i].num == t->num)
			return i;
	if (r->nthreads >= REP_MAX)
		return -1;
	r->threads[r->nthreads] = *t;
	return r->nthreads++;
}

int report_add_object(struct report *r, const struct rep_object *o)
{
	int i;

	for (i = 0; i < r->nobjects; i++)
		if (r->objects[i].id == o->id)
			return i;
	if (r->nobjects >= REP_MAX)
		return -1;
	r->objects[r->nobjects] = *o;
	return r->nobjects++;
}

const char *report_object_label(const struct report *r, int i, char *buf,
				size_t len)
{
	const struct rep_object *o;

	if (i < 0 || i >= r->nobjects) {
		snprintf(buf, len, "?");
		return buf;
	}
	o = &r->objects[i];
	if (o->name[0])
		snprintf(buf, len, "%s %s", report_object_kind_name(o->kind),
			 o->name);
	else if (o->id & (1ull << 62)) /* a lock class (identity=class) */
		snprintf(buf, len, "%s class C%04llx",
			 report_object_kind_name(o->kind),
			 (unsigned long long)(o->id & 0xffff));
	else
		snprintf(buf, len, "%s M%llu", report_object_kind_name(o->kind),
			 (unsigned long long)o->id);
	return buf;
}

/* ---- output buffer ------------------------------------------------------ */

struct out {
	char *buf;
	size_t len; /* capacity */
	size_t pos; /* bytes written, < len */
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->pos + 1 >= o->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= o->len - o->pos)
		o->pos = o->len - 1;
	else
		o->pos += (size_t)n;
}

static void put_json_str(struct out *o, const char *s)
{
	put(o, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c < 0x20)
			put(o, "\\u%04x", c);
		else
			put(o, "%c", c);
	}
	put(o, "\"");
}

/* ---- symbol table: each pc resolved once per rendering ----------------- */

struct symtab {
	report_symbolize_fn sym;
	int n;
	struct coffman_frame f[SYMTAB_SIZE];
};

static const struct coffman_frame *frame_of(struct symtab *st, uint64_t pc,
					    struct coffman_frame *tmp)
{
	int i;

	if (st) {
		for (i = 0; i < st->n; i++)
			if (st->f[i].pc == pc)
				return &st->f[i];
	}
	memset(tmp, 0, sizeof(*tmp));
	tmp->pc = pc;
	if (st && st->sym)
		st->sym(pc, tmp);
	if (st && st->n < SYMTAB_SIZE) {
		st->f[st->n] = *tmp;
		return &st->f[st->n++];
	}
	return tmp;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

#define STACK_MAX_FRAMES_SITE 64

struct ctx {
	const struct report *r;
	struct symtab *st;
	report_stack_fn stacks;
	int depth;
};

static const char *stack_site(struct ctx *c, uint32_t id, char *buf,
			      size_t len);

static void text_stack(struct out *o, struct ctx *c, uint32_t id,
		       const char *indent)
{
	const uint64_t *pcs = NULL;
	struct coffman_frame tmp;
	int n = id && c->stacks ? c->stacks(id, &pcs) : 0, i;

	if (n <= 0) {
		put(o, "coffman: %s(no stack recorded)\n", indent);
		return;
	}
	for (i = 0; i < n && i < c->depth; i++) {
		const struct coffman_frame *f = frame_of(c->st, pcs[i], &tmp);

		put(o, "coffman: %s#%d 0x%llx", indent, i,
		    (unsigned long long)f->pc);
		if (f->function[0])
			put(o, " in %s", f->function);
		if (f->file[0])
			put(o, " %s:%d", f->file, f->line);
		if (f->module[0])
			put(o, " (%s+0x%llx)", base_name(f->module),
			    (unsigned long long)f->offset);
		put(o, "\n");
	}
}

static bool stack_any_pc(report_stack_fn stacks, uint32_t id,
			 bool (*pred)(uint64_t pc))
{
	const uint64_t *pcs;
	int n, i;

	if (!id || !stacks || (n = stacks(id, &pcs)) <= 0)
		return false;
	for (i = 0; i < n; i++)
		if (pred(pcs[i]))
			return true;
	return false;
}

bool report_any_pc(const struct report *r, report_stack_fn stacks,
		   bool (*pred)(uint64_t pc))
{
	int i;

	for (i = 0; i < r->nsites; i++)
		if (stack_any_pc(stacks, r->sites[i].stack, pred))
			return true;
	for (i = 0; i < r->nedges; i++)
		if (stack_any_pc(stacks, r->edges[i].from_stack, pred) ||
		    stack_any_pc(stacks, r->edges[i].to_stack, pred))
			return true;
	for (i = 0; i < r->nobjects; i++)
		if (stack_any_pc(stacks, r->objects[i].init_stack, pred))
			return true;
	for (i = 0; i < r->nthreads; i++)
		if (stack_any_pc(stacks, r->threads[i].create_stack, pred))
			return true;
	return false;
}

const char *report_stack_site(report_symbolize_fn sym, report_stack_fn stacks,
			      uint32_t id, char *buf, size_t len)
{
	struct ctx c = { NULL, NULL, stacks, STACK_MAX_FRAMES_SITE };
	struct symtab *st = eng_alloc(sizeof(*st));
	const char *s;

	if (st)
		st->sym = sym;
	c.st = st;
	if (!st) {
		snprintf(buf, len, "stack %u", id);
		return buf;
	}
	s = stack_site(&c, id, buf, len);
	eng_free(st, sizeof(*st));
	return s;
}

/* "file:line" of the first frame of a stack that has one, for summaries. */
static const char *stack_site(struct ctx *c, uint32_t id, char *buf,
			      size_t len)
{
	const uint64_t *pcs = NULL;
	struct coffman_frame tmp;
	int n = id && c->stacks ? c->stacks(id, &pcs) : 0, i, pass;

	/* The program's first line: not a system header's (a std::thread
	 * constructor the compiler kept out of line), if any is known. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < n && i < c->depth; i++) {
			const struct coffman_frame *f =
				frame_of(c->st, pcs[i], &tmp);

			if (f->file[0] &&
			    (pass || !frame_system_header(f->file))) {
				snprintf(buf, len, "%.120s:%d",
					 base_name(f->file), f->line);
				return buf;
			}
		}
	if (n > 0) {
		const struct coffman_frame *f = frame_of(c->st, pcs[0], &tmp);

		if (f->function[0])
			snprintf(buf, len, "%.150s", f->function);
		else
			snprintf(buf, len, "0x%llx",
				 (unsigned long long)pcs[0]);
		return buf;
	}
	snprintf(buf, len, "an unknown place");
	return buf;
}

static const struct rep_thread *thread_of(const struct report *r,
					  uint32_t num)
{
	int i;

	for (i = 0; i < r->nthreads; i++)
		if (r->threads[i].num == num)
			return &r->threads[i];
	return NULL;
}

static const char *thread_label(const struct report *r, uint32_t num,
				char *buf, size_t len)
{
	const struct rep_thread *t = thread_of(r, num);

	if (!t)
		snprintf(buf, len, "T%u", num);
	else if (t->name[0])
		snprintf(buf, len, "T%u \"%s\" (tid %d)", num, t->name,
			 (int)t->tid);
	else
		snprintf(buf, len, "T%u (tid %d)", num, (int)t->tid);
	return buf;
}

/* ---- the Banker's table (unsafe-state, claim-exceeded) ----------------- */

static unsigned digits(uint32_t v)
{
	unsigned n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/* One line of the table: three groups (Max, Allocation, Need) of 'gw'
 * characters each, or one (v2 NULL: totals). */
static void text_banker_row(struct out *o, const struct rep_banker *bk,
			    const char *label, const uint32_t *v1,
			    const uint32_t *v2, int w, int gw)
{
	char line[512];
	size_t pos = 0;
	int c, g, k;

	pos += (size_t)snprintf(line, sizeof(line), "coffman:   %-18s", label);
	for (g = 0; g < (v2 ? 3 : 1) && pos < sizeof(line); g++) {
		size_t start = pos;

		for (c = 0; c < bk->nres && pos < sizeof(line); c++) {
			uint32_t v = g == 0   ? v1[c]
				     : g == 1 ? v2[c]
					      : v1[c] - v2[c];

			k = snprintf(line + pos, sizeof(line) - pos, " %*u", w,
				     (unsigned)v);
			pos += k > 0 ? (size_t)k : 0;
		}
		while (pos - start < (size_t)gw && pos + 1 < sizeof(line))
			line[pos++] = ' ';
	}
	if (pos >= sizeof(line))
		pos = sizeof(line) - 1;
	while (pos && line[pos - 1] == ' ')
		pos--;
	line[pos] = 0;
	put(o, "%s\n", line);
}

static void text_banker(struct out *o, const struct report *r)
{
	static const char *const group[3] = { "Max", "Allocation", "Need" };
	const struct rep_banker *bk = &r->banker;
	uint32_t cols[REP_BANKER_MAX];
	char lab[96], t[96], line[512];
	int w = 2, gw, a, c, g;
	size_t pos;

	if (!bk->nthreads || !bk->nres)
		return;
	for (c = 0; c < bk->nres; c++) {
		if ((int)digits(bk->total[c]) > w)
			w = (int)digits(bk->total[c]);
		for (a = 0; a < bk->nthreads; a++)
			if ((int)digits(bk->max[a][c]) > w)
				w = (int)digits(bk->max[a][c]);
	}
	if ((int)digits((uint32_t)bk->nres) + 1 > w)
		w = (int)digits((uint32_t)bk->nres) + 1;
	gw = (w + 1) * bk->nres + 3;
	if (gw < 14)
		gw = 14;
	put(o, "coffman: the Banker's state before the request%s:\n",
	    bk->truncated ? " (the first 16 threads and objects)" : "");
	for (c = 0; c < bk->nres; c++)
		put(o, "coffman:   R%d = %s\n", c + 1,
		    report_object_label(r, bk->object[c], lab, sizeof(lab)));
	/* The titles, then R1 R2 ... under each. */
	pos = (size_t)snprintf(line, sizeof(line), "coffman:   %-18s", "");
	for (g = 0; g < 3; g++)
		pos += (size_t)snprintf(line + pos, sizeof(line) - pos,
					" %-*s", gw - 1, group[g]);
	while (pos && line[pos - 1] == ' ')
		pos--;
	line[pos] = 0;
	put(o, "%s\n", line);
	pos = (size_t)snprintf(line, sizeof(line), "coffman:   %-18s", "");
	for (g = 0; g < 3; g++) {
		size_t start = pos;

		for (c = 0; c < bk->nres && pos < sizeof(line) - 8; c++) {
			snprintf(lab, sizeof(lab), "R%d", c + 1);
			pos += (size_t)snprintf(line + pos, sizeof(line) - pos,
						" %*s", w, lab);
		}
		while (pos - start < (size_t)gw && pos < sizeof(line) - 1)
			line[pos++] = ' ';
	}
	while (pos && line[pos - 1] == ' ')
		pos--;
	line[pos] = 0;
	put(o, "%s\n", line);
	for (a = 0; a < bk->nthreads; a++) {
		const struct rep_thread *th = thread_of(r, bk->thread[a]);

		snprintf(t, sizeof(t), "T%u%s%.15s", bk->thread[a],
			 th && th->name[0] ? " " : "", th ? th->name : "");
		text_banker_row(o, bk, t, bk->max[a], bk->alloc[a], w, gw);
	}
	for (c = 0; c < bk->nres; c++)
		cols[c] = bk->total[c];
	text_banker_row(o, bk, "total", cols, NULL, w, gw);
	text_banker_row(o, bk, "available", bk->available, NULL, w, gw);
	put(o, "coffman: request: %s asks for %u unit%s of R%d",
	    thread_label(r, bk->thread[bk->req_row], t, sizeof(t)),
	    (unsigned)bk->req_units, bk->req_units == 1 ? "" : "s",
	    bk->req_col + 1);
	if (r->kind == REP_UNSAFE_STATE) {
		if (!bk->nfinish) {
			put(o, "; if it is granted, no thread with claims can "
			       "finish");
		} else {
			put(o, "; if it is granted, only ");
			for (a = 0; a < bk->nfinish; a++)
				put(o, "%sT%u", a ? ", " : "",
				    bk->thread[bk->finish[a]]);
			put(o, " can finish, in that order");
		}
	} else if (r->kind == REP_CLAIM_EXCEEDED) {
		put(o, ", more than its Need");
	}
	put(o, "\n");
}

static void json_u32s(struct out *o, const uint32_t *v, int n)
{
	int i;

	put(o, "[");
	for (i = 0; i < n; i++)
		put(o, "%s%u", i ? "," : "", (unsigned)v[i]);
	put(o, "]");
}

static void json_banker(struct out *o, const struct report *r)
{
	const struct rep_banker *bk = &r->banker;
	uint32_t need[REP_BANKER_MAX];
	int a, c, g;

	if (!bk->nthreads || !bk->nres)
		return;
	put(o, ",\"banker\":{\"objects\":[");
	for (c = 0; c < bk->nres; c++)
		put(o, "%s%llu", c ? "," : "",
		    bk->object[c] >= 0
			    ? (unsigned long long)r->objects[bk->object[c]].id
			    : 0ull);
	put(o, "],\"threads\":");
	json_u32s(o, bk->thread, bk->nthreads);
	put(o, ",\"total\":");
	json_u32s(o, bk->total, bk->nres);
	put(o, ",\"available\":");
	json_u32s(o, bk->available, bk->nres);
	for (g = 0; g < 3; g++) {
		put(o, ",\"%s\":[", g == 0   ? "max"
				    : g == 1 ? "allocation"
					     : "need");
		for (a = 0; a < bk->nthreads; a++) {
			for (c = 0; c < bk->nres; c++)
				need[c] = bk->max[a][c] - bk->alloc[a][c];
			put(o, "%s", a ? "," : "");
			json_u32s(o, g == 0   ? bk->max[a]
				     : g == 1 ? bk->alloc[a]
					      : need,
				  bk->nres);
		}
		put(o, "]");
	}
	put(o, ",\"request\":{\"thread\":%u,\"object\":%llu,\"units\":%u}",
	    (unsigned)bk->thread[bk->req_row],
	    bk->object[bk->req_col] >= 0
		    ? (unsigned long long)r->objects[bk->object[bk->req_col]].id
		    : 0ull,
	    (unsigned)bk->req_units);
	put(o, ",\"can_finish\":[");
	for (a = 0; a < bk->nfinish; a++)
		put(o, "%s%u", a ? "," : "", (unsigned)bk->thread[bk->finish[a]]);
	put(o, "],\"truncated\":%s}", bk->truncated ? "true" : "false");
}

/* A thread waits for a lock whose owner exited: no cycle, just a lock
 * nobody will ever release. */
static bool is_dead_owner(const struct report *r)
{
	return r->kind == REP_DEADLOCK && !r->ncycle && !r->nedges;
}

static bool has_cycle_explanation(const struct report *r)
{
	return r->kind == REP_LOCK_ORDER_INVERSION ||
	       (r->kind == REP_DEADLOCK && !is_dead_owner(r)) ||
	       r->kind == REP_SELF_DEADLOCK;
}

/* The four conditions, each with its evidence from this run. */
struct coffman_text {
	char mutex[512], hold[1024], nopre[384], circ[512];
};

static void coffman_explain(struct ctx *c, struct coffman_text *ct)
{
	const struct report *r = c->r;
	struct out o;
	char a[96], b[96], t[96], s1[160], s2[160];
	int i;

	o = (struct out){ ct->mutex, sizeof(ct->mutex), 0 };
	ct->mutex[0] = 0;
	for (i = 0; i < r->nobjects; i++)
		put(&o, "%s%s", i ? ", " : "",
		    report_object_label(r, i, a, sizeof(a)));
	if (r->kind == REP_DEADLOCK && !r->nedges) /* a knot of units */
		put(&o, ": each unit is held by one thread at a time");
	else
		put(&o, r->nobjects > 1
				? " are each held by one thread at a time"
				: " is held by one thread at a time");

	o = (struct out){ ct->hold, sizeof(ct->hold), 0 };
	ct->hold[0] = 0;
	if (r->kind == REP_SELF_DEADLOCK && r->nsites >= 2) {
		put(&o, "%s holds %s (taken at %s) and asks for it again at %s",
		    thread_label(r, r->sites[0].thread, t, sizeof(t)),
		    report_object_label(r, r->sites[0].object, a, sizeof(a)),
		    stack_site(c, r->sites[0].stack, s1, sizeof(s1)),
		    stack_site(c, r->sites[1].stack, s2, sizeof(s2)));
	}
	/* A knot of semaphores has no edges: what each thread holds and
	 * waits for is in its sites. */
	for (i = 0; !r->nedges && r->kind == REP_DEADLOCK && i < r->nsites;
	     i++)
		put(&o, "%s%s %s %s (%s)", i ? "; " : "",
		    thread_label(r, r->sites[i].thread, t, sizeof(t)),
		    r->sites[i].what,
		    report_object_label(r, r->sites[i].object, a, sizeof(a)),
		    stack_site(c, r->sites[i].stack, s1, sizeof(s1)));
	for (i = 0; i < r->nedges; i++) {
		const struct rep_edge *e = &r->edges[i];

		if (r->objects[e->from].kind == KIND_THREAD)
			put(&o, "%s%s waits for %s (%s) and must end before "
				"the thread joining it can go on",
			    i ? "; " : "",
			    thread_label(r, e->thread, t, sizeof(t)),
			    report_object_label(r, e->to, b, sizeof(b)),
			    stack_site(c, e->to_stack, s2, sizeof(s2)));
		else
			put(&o, "%s%s %s %s (%s) while %s %s (%s)",
			    i ? "; " : "",
			    thread_label(r, e->thread, t, sizeof(t)),
			    r->kind == REP_DEADLOCK ? "holds" : "held",
			    report_object_label(r, e->from, a, sizeof(a)),
			    stack_site(c, e->from_stack, s1, sizeof(s1)),
			    r->kind == REP_DEADLOCK ? "waiting for"
						    : "acquiring",
			    report_object_label(r, e->to, b, sizeof(b)),
			    stack_site(c, e->to_stack, s2, sizeof(s2)));
	}

	o = (struct out){ ct->nopre, sizeof(ct->nopre), 0 };
	ct->nopre[0] = 0;
	put(&o, "a held lock is released only by its owner; nothing can "
		"take it away from a thread that waits");
	for (i = 0; i < r->nedges; i++)
		if (r->kind == REP_DEADLOCK && r->edges[i].timed) {
			put(&o, ", but %s waits with a timeout: the cycle "
				"ends if it then lets go of what it holds",
			    thread_label(r, r->edges[i].thread, t, sizeof(t)));
			break;
		}

	o = (struct out){ ct->circ, sizeof(ct->circ), 0 };
	ct->circ[0] = 0;
	if (r->kind == REP_SELF_DEADLOCK) {
		put(&o, "the thread waits for itself");
	} else {
		for (i = 0; i < r->ncycle; i++)
			put(&o, "%s -> ",
			    report_object_label(r, r->cycle[i], a, sizeof(a)));
		if (r->ncycle)
			put(&o, "%s",
			    report_object_label(r, r->cycle[0], a, sizeof(a)));
		put(&o, r->kind != REP_DEADLOCK ? ": the threads take these "
						  "locks in opposite orders"
			: r->nedges ? ": each thread waits for the next"
				    : ": each thread waits for units only "
				      "the others can give back");
	}
}

static const char remedy_mutex[] =
	"share what can be shared (a read lock, a lock-free structure)";
static const char remedy_hold[] =
	"take every lock at once, or trylock the next and release all on "
	"failure";
static const char remedy_nopre[] =
	"use timed locks that give up and release what they hold";
static const char remedy_circ[] =
	"take the locks in one global order everywhere";

size_t report_format_text(const struct report *r, report_symbolize_fn sym,
			  report_stack_fn stacks, int depth, char *buf,
			  size_t len)
{
	struct out o = { buf, len, 0 };
	struct symtab *st = eng_alloc(sizeof(*st));
	struct ctx c = { r, st, stacks, depth };
	char a[96], b[96], t[96];
	int i;

	if (!len)
		return 0;
	buf[0] = 0;
	if (st)
		st->sym = sym;
	put(&o, "coffman: ==== %s (%s) in pid %d ====\n",
	    report_kind_name(r->kind), report_severity_name(r->severity),
	    r->pid);
	if (r->message[0])
		put(&o, "coffman: %s\n", r->message);
	if (r->ncycle) {
		put(&o, "coffman: cycle: ");
		for (i = 0; i < r->ncycle; i++)
			put(&o, "%s -> ",
			    report_object_label(r, r->cycle[i], a, sizeof(a)));
		put(&o, "%s\n",
		    report_object_label(r, r->cycle[0], a, sizeof(a)));
	}
	for (i = 0; i < r->nedges; i++) {
		const struct rep_edge *e = &r->edges[i];

		report_object_label(r, e->from, a, sizeof(a));
		report_object_label(r, e->to, b, sizeof(b));
		if (r->kind == REP_DEADLOCK) {
			bool joined = r->objects[e->from].kind == KIND_THREAD;

			if (joined)
				put(&o, "coffman: thread %s is joined by the "
					"thread before it, and waits for %s%s:\n",
				    thread_label(r, e->thread, t, sizeof(t)), b,
				    e->timed ? " (with a timeout)" : "");
			else
				put(&o, "coffman: thread %s holds %s and waits "
					"for %s%s:\n",
				    thread_label(r, e->thread, t, sizeof(t)), a,
				    b, e->timed ? " (with a timeout)" : "");
			if (!joined) {
				put(&o, "coffman:   %s was acquired at:\n", a);
				text_stack(&o, &c, e->from_stack, "    ");
			}
			put(&o, "coffman:   it waits for %s at:\n", b);
			text_stack(&o, &c, e->to_stack, "    ");
		} else {
			put(&o, "coffman: thread %s acquired %s%s while "
				"holding %s:\n",
			    thread_label(r, e->thread, t, sizeof(t)), b,
			    e->timed ? " (with a timeout)" : "", a);
			put(&o, "coffman:   %s was acquired at:\n", a);
			text_stack(&o, &c, e->from_stack, "    ");
			put(&o, "coffman:   %s was acquired at:\n", b);
			text_stack(&o, &c, e->to_stack, "    ");
		}
		if (e->thread2)
			put(&o, "coffman:   (also taken in this order by %s)\n",
			    thread_label(r, e->thread2, t, sizeof(t)));
	}
	for (i = 0; i < r->nsites; i++) {
		const struct rep_site *s = &r->sites[i];

		put(&o, "coffman: %s%s%s", s->thread ? "thread " : "",
		    s->thread ? thread_label(r, s->thread, t, sizeof(t)) : "",
		    s->thread ? " " : "");
		if (s->object >= 0)
			put(&o, "%s %s at:\n", s->what,
			    report_object_label(r, s->object, a, sizeof(a)));
		else
			put(&o, "%s at:\n", s->what);
		text_stack(&o, &c, s->stack, "  ");
	}
	text_banker(&o, r);
	for (i = 0; i < r->nobjects; i++) {
		const struct rep_object *ob = &r->objects[i];

		if (ob->kind == KIND_THREAD)
			continue;
		if (!ob->addr) { /* a claims file's object, never used */
			put(&o, "coffman: %s (not seen yet)\n",
			    report_object_label(r, i, a, sizeof(a)));
			continue;
		}
		put(&o, "coffman: %s at 0x%llx", report_object_label(r, i, a,
								     sizeof(a)),
		    (unsigned long long)ob->addr);
		if (ob->init_stack) {
			char s1[160];

			put(&o, ", first seen at %s",
			    stack_site(&c, ob->init_stack, s1, sizeof(s1)));
		}
		put(&o, "\n");
	}
	for (i = 0; i < r->nthreads; i++) {
		const struct rep_thread *th = &r->threads[i];
		char s1[160];

		put(&o, "coffman: thread %s", thread_label(r, th->num, t,
							   sizeof(t)));
		if (th->num == 1 && !th->create_stack)
			put(&o, " is the main thread");
		else if (th->create_stack)
			put(&o, " was created at %s",
			    stack_site(&c, th->create_stack, s1, sizeof(s1)));
		put(&o, "%s\n", th->alive ? "" : " (exited)");
	}
	if (has_cycle_explanation(r)) {
		struct coffman_text *ct = eng_alloc(sizeof(*ct));

		if (ct) {
			coffman_explain(&c, ct);
			put(&o, "coffman: why it %s (the four Coffman "
				"conditions hold):\n",
			    r->kind == REP_LOCK_ORDER_INVERSION
				    ? "can deadlock"
				    : "deadlocks");
			put(&o, "coffman:   1. mutual exclusion: %s.\n",
			    ct->mutex);
			put(&o, "coffman:   2. hold and wait: %s.\n", ct->hold);
			put(&o, "coffman:   3. no preemption: %s.\n",
			    ct->nopre);
			put(&o, "coffman:   4. circular wait: %s.\n", ct->circ);
			put(&o, "coffman:   to fix, break one: %s (circular "
				"wait); %s (hold and wait); %s (no "
				"preemption); %s (mutual exclusion).\n",
			    remedy_circ, remedy_hold, remedy_nopre,
			    remedy_mutex);
			eng_free(ct, sizeof(*ct));
		}
	}
	if (is_dead_owner(r))
		put(&o, "coffman: why it hangs: no cycle is needed here. A "
			"lock is released only by its owner (no preemption), "
			"and this one's owner is gone. Unlock on every way "
			"out of a thread (pthread_cleanup_push for "
			"cancellation), or make the mutex robust so that the "
			"next locker gets EOWNERDEAD and can repair the "
			"state.\n");
	if (r->kind == REP_ALL_THREADS_BLOCKED)
		put(&o, "coffman: nothing is wrong with any one lock here: "
			"every thread sleeps until another acts, and no "
			"thread is left to act. Check that each wait has a "
			"matching signal or post that comes after it (wait in "
			"a loop on a predicate), that every barrier party "
			"arrives, and that each join's thread can finish.\n");
	put(&o, "coffman: ====\n");
	if (st)
		eng_free(st, sizeof(*st));
	return o.pos;
}

static void json_stack(struct out *o, struct ctx *c, uint32_t id)
{
	const uint64_t *pcs = NULL;
	struct coffman_frame tmp;
	int n = id && c->stacks ? c->stacks(id, &pcs) : 0, i;

	put(o, "[");
	for (i = 0; i < n && i < c->depth; i++) {
		const struct coffman_frame *f = frame_of(c->st, pcs[i], &tmp);

		put(o, "%s{\"pc\":\"0x%llx\",\"function\":", i ? "," : "",
		    (unsigned long long)f->pc);
		put_json_str(o, f->function);
		put(o, ",\"file\":");
		put_json_str(o, f->file);
		put(o, ",\"line\":%d,\"module\":", f->line);
		put_json_str(o, f->module);
		put(o, ",\"offset\":\"0x%llx\"}", (unsigned long long)f->offset);
	}
	put(o, "]");
}

size_t report_format_json(const struct report *r, report_symbolize_fn sym,
			  report_stack_fn stacks, int depth, char *buf,
			  size_t len)
{
	struct out o = { buf, len, 0 };
	struct symtab *st = eng_alloc(sizeof(*st));
	struct ctx c = { r, st, stacks, depth };
	int i;

	if (!len)
		return 0;
	buf[0] = 0;
	if (st)
		st->sym = sym;
	put(&o, "{\"kind\":\"%s\",\"severity\":\"%s\",\"pid\":%d,\"message\":",
	    report_kind_name(r->kind), report_severity_name(r->severity),
	    r->pid);
	put_json_str(&o, r->message);
	put(&o, ",\"threads\":[");
	for (i = 0; i < r->nthreads; i++) {
		const struct rep_thread *t = &r->threads[i];

		put(&o, "%s{\"id\":%u,\"tid\":%d,\"name\":", i ? "," : "",
		    t->num, (int)t->tid);
		put_json_str(&o, t->name);
		put(&o, ",\"alive\":%s,\"created_at\":",
		    t->alive ? "true" : "false");
		json_stack(&o, &c, t->create_stack);
		put(&o, "}");
	}
	put(&o, "],\"objects\":[");
	for (i = 0; i < r->nobjects; i++) {
		const struct rep_object *ob = &r->objects[i];
		char label[96];

		put(&o, "%s{\"id\":%llu,\"kind\":\"%s\",\"address\":\"0x%llx\","
			"\"name\":",
		    i ? "," : "", (unsigned long long)ob->id,
		    report_object_kind_name(ob->kind),
		    (unsigned long long)ob->addr);
		put_json_str(&o, ob->name);
		put(&o, ",\"label\":");
		put_json_str(&o, report_object_label(r, i, label,
						     sizeof(label)));
		put(&o, ",\"init\":");
		json_stack(&o, &c, ob->init_stack);
		put(&o, "}");
	}
	put(&o, "],\"cycle\":[");
	for (i = 0; i < r->ncycle; i++)
		put(&o, "%s%llu", i ? "," : "",
		    (unsigned long long)r->objects[r->cycle[i]].id);
	put(&o, "],\"edges\":[");
	for (i = 0; i < r->nedges; i++) {
		const struct rep_edge *e = &r->edges[i];

		put(&o, "%s{\"thread\":%u,\"held\":%llu,\"acquired\":%llu,"
			"\"held_mode\":\"%s\",\"acquired_mode\":\"%s\","
			"\"timed\":%s,\"other_thread\":%u,\"held_stack\":",
		    i ? "," : "", e->thread,
		    (unsigned long long)r->objects[e->from].id,
		    (unsigned long long)r->objects[e->to].id,
		    e->from_mode == MODE_SHARED ? "shared" : "exclusive",
		    e->to_mode == MODE_SHARED ? "shared" : "exclusive",
		    e->timed ? "true" : "false", e->thread2);
		json_stack(&o, &c, e->from_stack);
		put(&o, ",\"acquired_stack\":");
		json_stack(&o, &c, e->to_stack);
		put(&o, "}");
	}
	put(&o, "],\"sites\":[");
	for (i = 0; i < r->nsites; i++) {
		const struct rep_site *s = &r->sites[i];

		put(&o, "%s{\"what\":", i ? "," : "");
		put_json_str(&o, s->what);
		put(&o, ",\"thread\":%u,\"object\":%llu,\"stack\":", s->thread,
		    s->object >= 0
			    ? (unsigned long long)r->objects[s->object].id
			    : 0ull);
		json_stack(&o, &c, s->stack);
		put(&o, "}");
	}
	put(&o, "]");
	json_banker(&o, r);
	if (has_cycle_explanation(r)) {
		struct coffman_text *ct = eng_alloc(sizeof(*ct));

		if (ct) {
			coffman_explain(&c, ct);
			put(&o, ",\"coffman\":{\"mutual_exclusion\":{\"holds\":"
				"true,\"evidence\":");
			put_json_str(&o, ct->mutex);
			put(&o, ",\"remedy\":");
			put_json_str(&o, remedy_mutex);
			put(&o, "},\"hold_and_wait\":{\"holds\":true,"
				"\"evidence\":");
			put_json_str(&o, ct->hold);
			put(&o, ",\"remedy\":");
			put_json_str(&o, remedy_hold);
			put(&o, "},\"no_preemption\":{\"holds\":true,"
				"\"evidence\":");
			put_json_str(&o, ct->nopre);
			put(&o, ",\"remedy\":");
			put_json_str(&o, remedy_nopre);
			put(&o, "},\"circular_wait\":{\"holds\":true,"
				"\"evidence\":");
			put_json_str(&o, ct->circ);
			put(&o, ",\"remedy\":");
			put_json_str(&o, remedy_circ);
			put(&o, "}}");
			eng_free(ct, sizeof(*ct));
		}
	}
	put(&o, "}\n");
	if (o.pos + 1 >= o.len && len > 2) {
		/* Truncated: still end the line so the file stays parseable
		 * line by line (the object itself is cut). */
		buf[len - 2] = '\n';
		buf[len - 1] = 0;
	}
	if (st)
		eng_free(st, sizeof(*st));
	return o.pos;
}
