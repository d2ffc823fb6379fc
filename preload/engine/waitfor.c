/* SPDX-License-Identifier: MIT */
/* waitfor.c - wait-for graph, actual deadlocks, all-threads-blocked. */
#include "waitfor.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "engine_internal.h"
#include "hash.h"
#include "lock.h"
#include "stackdepot.h"

#define PATH_MAX_THREADS 64
#define HOLDERS_MAX 64
#define NS_PER_MS 1000000ull
#define RECHECK_NS (100 * NS_PER_MS)
#define STARVE_MIN_GRANTS 2 /* others served while one waits */

/*
 * Lock order: wf_lock, then the thread registry. Blocked state is written
 * only under wf_lock, and a thread changes its held stack only after it
 * cleared its blocked state, so under wf_lock a blocked thread's held
 * stack is stable and may be read.
 */
static struct eng_lock wf_lock = ENG_LOCK_INIT;
int cond_waiters; /* threads in a condvar wait, anywhere */

/*
 * Signals (bit sig - 1) that have a handler and can come from outside the
 * thread: not the ones a fault raises in the faulting thread itself.
 */
static uint64_t async_handlers;

void waitfor_sigaction(int sig, bool handler)
{
	uint64_t bit;

	if (sig < 1 || sig > 64 || sig == SIGSEGV || sig == SIGBUS ||
	    sig == SIGILL || sig == SIGFPE || sig == SIGTRAP || sig == SIGSYS ||
	    sig == SIGABRT)
		return;
	bit = 1ull << (sig - 1);
	if (handler)
		__atomic_fetch_or(&async_handlers, bit, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(&async_handlers, ~bit, __ATOMIC_RELAXED);
}

struct hw_site {
	uint64_t key[2];   /* held stack, blocking stack */
	uint64_t count;    /* long waits seen */
	uint64_t max_ns;   /* longest */
	UT_hash_handle hh;
};

static struct hw_site *hw_sites;

/* ---- parked threads ----------------------------------------------------- */

/*
 * The threads whose held stacks are stable under wf_lock: blocked ones,
 * and ones that exited holding locks (they hold them for good). Only they
 * can be links of a cycle or dead owners, so holders are looked for here,
 * not in every thread: the lock paths keep no owner in shared records.
 */
static struct eng_thread **parked;
static uint32_t n_parked, parked_cap;

/* Add t (wf_lock held). Out of memory, t is not searchable: a report may
 * be missed, never made up. */
static void park(struct eng_thread *t)
{
	if (t->parked_at)
		return;
	if (n_parked == parked_cap) {
		uint32_t cap = parked_cap ? parked_cap * 2 : 64;
		struct eng_thread **p = eng_alloc(cap * sizeof(*p));

		if (!p)
			return;
		if (parked) {
			memcpy(p, parked, n_parked * sizeof(*p));
			eng_free(parked, parked_cap * sizeof(*p));
		}
		parked = p;
		parked_cap = cap;
	}
	parked[n_parked++] = t;
	t->parked_at = n_parked;
}

static void unpark(struct eng_thread *t)
{
	uint32_t i = t->parked_at;
	struct eng_thread *last;

	if (!i)
		return;
	last = parked[--n_parked];
	parked[i - 1] = last;
	last->parked_at = i;
	t->parked_at = 0;
}

/* A parked thread but self holding record id exclusively, NULL if none. */
static struct eng_thread *parked_excl_holder(uint64_t id,
					     const struct eng_thread *self)
{
	uint32_t i;

	for (i = 0; i < n_parked; i++)
		if (parked[i] != self && threads_holds_excl(parked[i], id))
			return parked[i];
	return NULL;
}

/* ---- who waits for whom ------------------------------------------------- */

struct holder_scan {
	uint64_t id;
	struct eng_thread *self;
	struct eng_thread **out;
	int n, max;
	bool shared_only;
};

/* Blocked threads holding the object (their stacks are stable). */
static void scan_holder(void *ctx, struct eng_thread *u)
{
	struct holder_scan *s = ctx;
	int i;

	if (u == s->self || !u->alive || !u->blk.active || s->n >= s->max)
		return;
	i = threads_held_find(u, s->id);
	if (i < 0)
		return;
	if (s->shared_only && u->held[i].mode != MODE_SHARED)
		return;
	s->out[s->n++] = u;
}

static bool obj_live(const struct blocked *b)
{
	return b->obj && b->obj->id == b->obj_id;
}

static void scan_parked(void (*fn)(void *ctx, struct eng_thread *u),
			void *ctx)
{
	uint32_t i;

	for (i = 0; i < n_parked; i++)
		fn(ctx, parked[i]);
}

/*
 * A condvar waiter that was signalled waits, inside glibc, to take the
 * mutex its wait let go of: if another thread holds it, it waits for
 * that thread as for any mutex (a signal, then a join holding the mutex).
 */
static bool relocking(const struct blocked *b)
{
	return b->kind == KIND_COND && b->signaled && b->relock_id &&
	       b->relock && b->relock->id == b->relock_id;
}

/* The id of what the wait waits for now: the mutex for one relocking. */
static uint64_t wait_obj_id(const struct blocked *b)
{
	return relocking(b) ? b->relock_id : b->obj_id;
}

/* The thread that holds what t waits for exclusively, if it is parked. */
static struct eng_thread *excl_holder(const struct eng_thread *t)
{
	return obj_live(&t->blk) ? parked_excl_holder(t->blk.obj_id, t) : NULL;
}

/* The threads t waits for; returns how many (out has room for max). */
static int holders_of(struct eng_thread *t, struct eng_thread **out, int max)
{
	const struct blocked *b = &t->blk;
	struct holder_scan s = { b->obj_id, t, out, 0, max, false };
	struct eng_thread *u;

	switch (b->kind) {
	case KIND_THREAD:
		u = threads_find((uint32_t)b->addr);
		if (u && u != t && u->alive)
			out[s.n++] = u;
		return s.n;
	case KIND_MUTEX:
	case KIND_SPIN:
	case KIND_ONCE:
		/* Only the holder we track: the tid the mutex recorded when
		 * we began to wait may be stale by now, and a stale edge is
		 * a false deadlock. */
		if ((u = excl_holder(t)))
			out[s.n++] = u;
		return s.n;
	case KIND_RWLOCK:
		if (!obj_live(b))
			return 0;
		if ((u = excl_holder(t))) {
			out[s.n++] = u;
			return s.n;
		}
		if (b->mode == MODE_EXCL) {
			s.shared_only = true;
			scan_parked(scan_holder, &s);
		}
		return s.n;
	case KIND_SEM:
		if (!obj_live(b) || b->obj->is_signal || b->obj->units > 1)
			return 0;
		scan_parked(scan_holder, &s);
		return s.n;
	case KIND_COND:
		if (relocking(b) && (u = parked_excl_holder(b->relock_id, t)))
			out[s.n++] = u;
		return s.n; /* else anyone may wake it */
	default:
		return 0; /* barriers: anyone may arrive */
	}
}

struct cycle {
	struct eng_thread *t[PATH_MAX_THREADS];
	int n;
};

static bool on_path(const struct cycle *c, const struct eng_thread *u)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (c->t[i] == u)
			return true;
	return false;
}

/*
 * u was cancelled (pthread_cancel) and waits at a cancellation point (a
 * join, a condvar or semaphore wait), or anywhere if its cancel type was
 * asynchronous: the cancel ends its wait, so it is in no deadlock. (A
 * cancel the thread has disabled is taken as enabled: a deadlock could go
 * unreported, never a false one.)
 */
static bool cancel_ends_wait(const struct eng_thread *u)
{
	return __atomic_load_n(&u->cancel_pending, __ATOMIC_RELAXED) &&
	       (__atomic_load_n(&u->cancel_any, __ATOMIC_RELAXED) ||
		u->blk.kind == KIND_THREAD || u->blk.kind == KIND_COND ||
		u->blk.kind == KIND_SEM);
}

/* Depth-first through blocked threads back to c->t[0]. */
static bool find_cycle(struct cycle *c, struct eng_thread *t)
{
	struct eng_thread *h[HOLDERS_MAX];
	int n = holders_of(t, h, HOLDERS_MAX), i;

	for (i = 0; i < n; i++) {
		struct eng_thread *u = h[i];

		if (u == c->t[0])
			return true;
		if (!u->blk.active || !u->alive || cancel_ends_wait(u) ||
		    on_path(c, u) || c->n >= PATH_MAX_THREADS)
			continue;
		c->t[c->n++] = u;
		if (find_cycle(c, u))
			return true;
		c->n--;
	}
	return false;
}

/*
 * A knot: waits that no thread outside a set of blocked threads can end.
 * A cycle proves a deadlock when each resource has one holder; a
 * semaphore with several units is free again when any holder posts, so
 * its waiters are stuck only when every unit is held by a blocked thread
 * whose own wait is stuck the same way.
 */
struct unit_scan {
	uint64_t id;
	struct cycle *k;
	uint32_t units;	    /* held by blocked threads */
	bool running;	    /* a holder is running: it may post */
};

static void add_member(struct cycle *k, struct eng_thread *u)
{
	if (!on_path(k, u) && k->n < PATH_MAX_THREADS)
		k->t[k->n++] = u;
}

static void scan_units(void *ctx, struct eng_thread *u)
{
	struct unit_scan *s = ctx;
	int i;

	if (!u->alive)
		return;
	i = threads_held_find(u, s->id);
	if (i < 0)
		return;
	if (!u->blk.active || cancel_ends_wait(u)) {
		s->running = true;
		return;
	}
	s->units += u->held[i].count;
	add_member(s->k, u);
}

static bool find_knot(struct cycle *k)
{
	int idx;

	for (idx = 0; idx < k->n; idx++) {
		struct eng_thread *t = k->t[idx], *u;
		const struct blocked *b = &t->blk;
		struct unit_scan us = { b->obj_id, k, 0, false };

		if (!b->active || !t->alive || cancel_ends_wait(t))
			return false;
		switch (b->kind) {
		case KIND_SEM:
			if (!obj_live(b) || b->obj->is_signal || !b->obj->units)
				return false;
			/* Waiting for the one unit of a semaphore it holds
			 * itself is how a waiter sleeps until signalled
			 * (CPython's Condition): no proof of anything. */
			if (b->obj->units <= 1 &&
			    threads_held_find(t, b->obj_id) >= 0)
				return false;
			threads_for_each(scan_units, &us);
			if (us.running || us.units < b->obj->units)
				return false;
			break;
		case KIND_MUTEX:
		case KIND_SPIN:
		case KIND_ONCE:
		case KIND_RWLOCK:
			u = excl_holder(t);
			if (!u || !u->blk.active || !u->alive)
				return false;
			add_member(k, u);
			break;
		case KIND_THREAD:
			u = threads_find((uint32_t)b->addr);
			if (!u || !u->alive || !u->blk.active)
				return false;
			add_member(k, u);
			break;
		default:
			return false;
		}
	}
	return k->n >= 2;
}

/* ---- reports ------------------------------------------------------------ */

/* The report's object for what t waits for. */
static int waited_object(struct report *r, const struct eng_thread *t)
{
	const struct blocked *b = &t->blk;
	struct rep_object ro;

	if (relocking(b))
		return eng_report_object(r, b->relock_id, b->relock_addr,
					 KIND_MUTEX, b->relock);
	if (b->kind != KIND_THREAD)
		return eng_report_object(r, b->obj_id, b->addr, b->kind,
					 obj_live(b) ? b->obj : NULL);
	memset(&ro, 0, sizeof(ro));
	ro.id = (1ull << 63) | b->addr; /* threads as objects */
	ro.addr = b->addr;
	ro.kind = KIND_THREAD;
	snprintf(ro.name, sizeof(ro.name), "T%llu",
		 (unsigned long long)b->addr);
	return report_add_object(r, &ro);
}

/* Stack where t acquired the object with this id, 0 if it does not
 * hold it (a joined thread "holds" itself). */
static uint32_t held_stack(const struct eng_thread *t, uint64_t id)
{
	int i = threads_held_find(t, id);

	return i >= 0 ? t->held[i].stack : 0;
}

/* Every lock t holds, as sites of the report. */
static void held_sites(struct report *r, struct eng_thread *t,
		       uint64_t except)
{
	int i;

	for (i = 0; i < t->depth; i++) {
		const struct held *h = &t->held[i];
		int oi;

		if (h->id == except || h->obj->id != h->id)
			continue;
		oi = eng_report_object(r, h->id, h->addr, h->kind, h->obj);
		eng_report_site(r, "also holds", t, oi, h->stack);
	}
}

static const char *wait_verb(const struct blocked *b)
{
	switch (b->kind) {
	case KIND_THREAD:
		return "joins";
	case KIND_COND:
		return relocking(b) ? "was woken on a condvar and waits to "
				      "re-lock"
				    : "waits on";
	case KIND_BARRIER:
		return "waits at";
	case KIND_SEM:
		return "waits on";
	default:
		return b->mode == MODE_SHARED ? "waits to read-lock"
					      : "waits for";
	}
}

/*
 * Cycles with a timed wait in them, as last seen (under wf_lock). A timed
 * wait may end its cycle: the waiter gives up and lets go of what the
 * others wait for. So such a cycle is a warning when it forms. When the
 * same cycle forms again with every timed waiter back in the same wait
 * after no more than its timeout and the new request (nothing released,
 * nothing else done in between), and every other thread still in its
 * wait, the waiter retries while holding on: nothing ends the cycle, an
 * error.
 */
/* What a warning for a cycle or knot with a timed wait in it says. */
static const char timed_note[] =
	" (a wait in it has a timeout: it ends if that thread gives up and "
	"lets go)";

#define TIMED_MEMO 16
#define TIMED_MEMO_THREADS 8
#define TIMED_RETRY_EVENTS 4 /* the timeout, the new request, slack */

struct timed_memo {
	uint64_t key; /* the cycle's report key, 0 free */
	int n;
	uint32_t num[TIMED_MEMO_THREADS];
	uint64_t events[TIMED_MEMO_THREADS]; /* each one's n_events then */
};

static struct timed_memo timed_memo[TIMED_MEMO];
static unsigned timed_memo_next;

/* Did cycle c (report key 'key') form again by a retry since memo m? */
static bool timed_retried(const struct timed_memo *m, const struct cycle *c)
{
	bool moved = false;
	int j, k;

	if (m->n != c->n)
		return false;
	for (j = 0; j < c->n; j++) {
		const struct eng_thread *t = c->t[j];
		uint64_t d;

		for (k = 0; k < m->n && m->num[k] != t->num; k++)
			;
		if (k == m->n)
			return false;
		d = t->n_events - m->events[k];
		if (d && (!t->blk.timed || d > TIMED_RETRY_EVENTS))
			return false;
		moved = moved || d;
	}
	return moved;
}

/* Is c a cycle that a retried timed wait formed again? Remembers c. */
static bool timed_cycle_again(uint64_t key, const struct cycle *c)
{
	struct timed_memo *m = NULL;
	bool again = false;
	int i;

	if (c->n > TIMED_MEMO_THREADS)
		return false;
	for (i = 0; i < TIMED_MEMO && !m; i++)
		if (timed_memo[i].key == key)
			m = &timed_memo[i];
	if (m)
		again = timed_retried(m, c);
	else
		m = &timed_memo[timed_memo_next++ % TIMED_MEMO];
	m->key = key;
	m->n = c->n;
	for (i = 0; i < c->n; i++) {
		m->num[i] = c->t[i]->num;
		m->events[i] = c->t[i]->n_events;
	}
	return again;
}

/*
 * The report of wait-for cycle c, NULL if made before. *severe: the cycle
 * is an error, which nothing but the deadlock action will end (false for
 * one a timed wait may still end).
 */
static struct report *deadlock_report(struct cycle *c, bool recover,
				      bool *severe)
{
	bool all_timed = true, any_timed = false, again = false;
	struct report *r;
	uint64_t key = hash_mix(REP_DEADLOCK);
	char *m;
	size_t left;
	int j, len;

	for (j = 0; j < c->n; j++) {
		key += hash_mix(c->t[j]->num * 0x10001ull +
				wait_obj_id(&c->t[j]->blk) + c->t[j]->blk.addr);
		if (!c->t[j]->blk.timed)
			all_timed = false;
		else
			any_timed = true;
	}
	if (any_timed && (again = timed_cycle_again(key, c)))
		key += hash_mix(REP_DEADLOCK + 300);
	*severe = !any_timed || again;
	recover = recover && *severe;
	if (!eng_report_is_new(key))
		return NULL;
	r = eng_report_new(REP_DEADLOCK, *severe ? SEV_ERROR : SEV_WARNING);
	if (!r)
		return NULL;
	for (j = 0; j < c->n; j++)
		eng_report_thread(r, c->t[j]);
	for (j = 0; j < c->n; j++)
		r->cycle[r->ncycle++] = waited_object(r, c->t[j]);
	{
		uint64_t ids[PATH_MAX_THREADS];
		int n = 0;

		for (j = 0; j < c->n; j++)
			if (c->t[j]->blk.kind != KIND_THREAD)
				ids[n++] = wait_obj_id(&c->t[j]->blk);
		if (n == c->n)
			eng_mark_deadlock_cycle(ids, n);
	}
	/* Thread j holds what thread j-1 waits for, and waits itself. */
	for (j = 0; j < c->n && r->nedges < REP_MAX; j++) {
		struct eng_thread *t = c->t[j];
		struct eng_thread *prev = c->t[(j + c->n - 1) % c->n];
		struct rep_edge *e = &r->edges[r->nedges++];
		uint64_t held_id = prev->blk.kind == KIND_THREAD
					   ? 0
					   : wait_obj_id(&prev->blk);

		e->thread = t->num;
		e->from = r->cycle[(j + c->n - 1) % c->n];
		e->to = r->cycle[j];
		e->from_stack = held_id ? held_stack(t, held_id) : 0;
		e->to_stack = t->blk.stack;
		e->from_mode = MODE_EXCL;
		e->to_mode = t->blk.mode;
		e->timed = t->blk.timed;
	}
	for (j = 0; j < c->n; j++) {
		struct eng_thread *prev = c->t[(j + c->n - 1) % c->n];

		held_sites(r, c->t[j], wait_obj_id(&prev->blk));
	}
	m = r->message;
	left = sizeof(r->message);
	len = snprintf(m, left, "deadlock: %d thread%s wait%s for each other%s",
		       c->n, c->n == 1 ? "" : "s", c->n == 1 ? "s" : "",
		       again	   ? ", again: a timed wait ran out and was "
				     "retried without letting go of anything, "
				     "so no timeout ends this cycle"
		       : all_timed ? " (every wait has a timeout)"
		       : any_timed ? timed_note
				   : "");
	if (len > 0 && (size_t)len < left && recover)
		snprintf(m + len, left - (size_t)len,
			 "; on_deadlock=recover: T%u's request fails with "
			 "EDEADLK (it closed the cycle, so failing it breaks "
			 "the cycle and disturbs no thread already waiting)",
			 c->t[0]->num);
	return r;
}

/* The report of knot k, NULL if made before. *severe as for
 * deadlock_report(): false when a wait in it has a timeout. */
static struct report *knot_report(struct cycle *k, bool *severe)
{
	uint64_t key = hash_mix(REP_DEADLOCK + 200);
	struct report *r;
	int j;

	*severe = true;
	for (j = 0; j < k->n; j++) {
		key += hash_mix(k->t[j]->num * 0x10001ull + k->t[j]->blk.obj_id);
		if (k->t[j]->blk.timed)
			*severe = false;
	}
	if (!eng_report_is_new(key) ||
	    !(r = eng_report_new(REP_DEADLOCK,
				 *severe ? SEV_ERROR : SEV_WARNING)))
		return NULL;
	snprintf(r->message, sizeof(r->message),
		 "deadlock: %d threads wait for units of what they hold "
		 "themselves: every unit that could end a wait is held by "
		 "one of these blocked threads, so none will be given back%s",
		 k->n,
		 *severe ? "" : timed_note);
	for (j = 0; j < k->n; j++) {
		struct eng_thread *t = k->t[j];
		int wi;

		eng_report_thread(r, t);
		wi = waited_object(r, t);
		if (r->ncycle < REP_MAX)
			r->cycle[r->ncycle++] = wi;
		held_sites(r, t, 0);
		eng_report_site(r, wait_verb(&t->blk), t, wi, t->blk.stack);
	}
	return r;
}

static struct report *dead_owner_report(struct eng_thread *t,
					struct eng_thread *owner)
{
	uint64_t key = hash_mix(REP_DEADLOCK + 100) + hash_mix(t->blk.obj_id) +
		       hash_mix(t->blk.stack);
	struct report *r;
	int oi;

	if (!eng_report_is_new(key) ||
	    !(r = eng_report_new(REP_DEADLOCK,
				 t->blk.timed ? SEV_WARNING : SEV_ERROR)))
		return NULL;
	eng_report_thread(r, t);
	eng_report_thread(r, owner);
	oi = waited_object(r, t);
	snprintf(r->message, sizeof(r->message),
		 "deadlock: thread T%u waits for a %s whose owner, thread "
		 "T%u, has exited without unlocking it: nobody will unlock "
		 "it%s",
		 t->num, report_object_kind_name(t->blk.kind), owner->num,
		 t->blk.timed ? " (the wait has a timeout: it ends, and the "
				"lock stays taken)"
			      : "");
	eng_report_site(r, "locked", owner, oi,
			held_stack(owner, t->blk.obj_id));
	eng_report_site(r, wait_verb(&t->blk), t, oi, t->blk.stack);
	held_sites(r, t, 0);
	return r;
}

/*
 * Blocked thread t's held locks that make it a hold-and-wait: the index of
 * the top-most (-1 if none) and their number in *n. Not a semaphore that
 * no thread but its creator has taken (nobody else has needed it: CPython
 * marks each thread's life with one, which joiners wait for), nor the one
 * it waits for itself (holding a unit and waiting for another is how a
 * waiter sleeps until signalled: CPython's Condition), nor one shared with
 * other processes (their posts are not seen: a unit taken may be a signal
 * another process sent, as multiprocessing's are).
 */
static int locks_held_across(const struct eng_thread *t, int *n)
{
	int i, top = -1;

	*n = 0;
	for (i = 0; i < t->depth; i++) {
		const struct held *h = &t->held[i];

		if (h->kind == KIND_SEM &&
		    (h->id == t->blk.obj_id ||
		     (h->obj->id == h->id &&
		      ((h->obj->init_thread && !h->obj->shared_use) ||
		       h->obj->pshared))))
			continue;
		top = i;
		(*n)++;
	}
	return top;
}

/*
 * The threads of a deadlock just found (c->t[0..n-1], or t alone): their
 * hang is explained, and an all-threads-blocked report would only say it
 * again.
 */
static void mark_deadlocked(struct cycle *c, struct eng_thread *t, int n)
{
	int i;

	if (t)
		t->blk.reported |= BLK_IN_DEADLOCK;
	for (i = 0; i < n; i++)
		c->t[i]->blk.reported |= BLK_IN_DEADLOCK;
}

/* ---- blocking ----------------------------------------------------------- */

static void record_wait(struct eng_thread *t, struct eng_obj *o,
			const struct coffman_event *ev, uint64_t now_ns)
{
	struct blocked *b = &t->blk;

	memset(b, 0, sizeof(*b));
	b->kind = (uint8_t)ev->kind;
	b->mode = (uint8_t)ev->mode;
	b->timed = (ev->flags & EVF_TIMED) ? 1 : 0;
	b->addr = ev->addr;
	b->obj = o;
	b->obj_id = o ? o->id : 0;
	b->owner_tid = ev->owner_tid;
	b->stack = eng_capture(ev);
	b->since_ns = now_ns;
	b->acq_count = o ? o->n_acquired : 0;
	if (b->kind == KIND_COND && t->cw_id) {
		b->relock = t->cw_obj;
		b->relock_id = t->cw_id;
		b->relock_addr = t->cw_addr;
	}
	t->cw_id = 0;
	if (o)
		__atomic_fetch_add(&o->waiters, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&b->active, 1, __ATOMIC_RELEASE);
	park(t);
}

/* A waiter on condvar id, other than t, and signalled or not. */
static struct eng_thread *cond_waiter(uint64_t id, const struct eng_thread *t,
				      bool signaled, bool untimed)
{
	uint32_t i;

	for (i = 0; i < n_parked; i++) {
		struct eng_thread *u = parked[i];

		if (u != t && u->blk.active && u->blk.kind == KIND_COND &&
		    u->blk.obj_id == id && u->blk.signaled == signaled &&
		    (!untimed || !u->blk.timed))
			return u;
	}
	return NULL;
}

/*
 * t's condvar wait is over. If no signal was marked for t, t took one
 * meant for another waiter (glibc wakes any of them), whose mark goes:
 * it sleeps on. Not for a timed wait, which may have timed out, nor for
 * a cancelled one: glibc hands their signal on to another waiter.
 */
static void cond_wait_over(struct eng_thread *t)
{
	struct eng_thread *u;

	if (t->blk.signaled || t->blk.timed || t->cancel_pending)
		return;
	u = cond_waiter(t->blk.obj_id, t, true, false);
	if (u)
		u->blk.signaled = 0;
}

/*
 * A thread arrived at barrier o (parked, wf_lock held). o->holders counts
 * the arrivals of the round; the one that completes it (o->units
 * parties, known from its init) releases the round's waiters: they are
 * marked woken (blk.signaled), not asleep even before they run, and the
 * next round starts.
 */
static void barrier_arrived(struct eng_obj *o)
{
	uint32_t k;

	if (!o->units ||
	    __atomic_add_fetch(&o->holders, 1, __ATOMIC_RELAXED) < o->units)
		return;
	__atomic_store_n(&o->holders, 0, __ATOMIC_RELAXED);
	for (k = 0; k < n_parked; k++) {
		struct eng_thread *u = parked[k];

		if (u->blk.active && u->blk.kind == KIND_BARRIER &&
		    u->blk.obj_id == o->id)
			u->blk.signaled = 1;
	}
}

/* t's wait is over (wf_lock held). */
static void end_wait(struct eng_thread *t)
{
	struct blocked *b = &t->blk;

	if (!b->active)
		return;
	if (b->kind == KIND_COND) {
		cond_wait_over(t);
		__atomic_fetch_sub(&cond_waiters, 1, __ATOMIC_RELAXED);
		if (obj_live(b))
			__atomic_fetch_sub(&b->obj->holders, 1,
					   __ATOMIC_RELAXED);
	}
	/* A barrier waiter gone before its round was complete (it died
	 * there): one arrival less. */
	if (b->kind == KIND_BARRIER && !b->signaled && obj_live(b) &&
	    b->obj->units && __atomic_load_n(&b->obj->holders,
					     __ATOMIC_RELAXED))
		__atomic_fetch_sub(&b->obj->holders, 1, __ATOMIC_RELAXED);
	if (obj_live(b))
		__atomic_fetch_sub(&b->obj->waiters, 1, __ATOMIC_RELAXED);
	b->active = 0;
	if (t->alive || !t->depth)
		unpark(t);
}

int waitfor_block(struct eng_thread *t, struct eng_obj *o,
		  const struct coffman_event *ev, uint64_t now_ns)
{
	struct report *r = NULL;
	struct eng_thread *dead;
	struct cycle c;
	int found = 0;

	/* Capture outside the lock: it may take a while. */
	struct coffman_event e = *ev;

	e.stack = eng_capture(ev);
	eng_lock(&wf_lock);
	eng_trace_reseq();
	end_wait(t);
	record_wait(t, o, &e, now_ns);
	if (e.kind == KIND_COND) { /* waiters, for cheap signals */
		__atomic_fetch_add(&cond_waiters, 1, __ATOMIC_RELAXED);
		if (o)
			__atomic_fetch_add(&o->holders, 1, __ATOMIC_RELAXED);
	}
	if (e.kind == KIND_BARRIER && o)
		barrier_arrived(o);
	if (o && (t->blk.kind == KIND_MUTEX || t->blk.kind == KIND_SPIN ||
		  t->blk.kind == KIND_RWLOCK) &&
	    !o->robust && (dead = excl_holder(t)) && !dead->alive) {
		r = dead_owner_report(t, dead);
		found = !t->blk.timed; /* a timed wait ends: a warning */
		mark_deadlocked(&c, t, 0);
	} else if (!cancel_ends_wait(t)) {
		c.t[0] = t;
		c.n = 1;
		if (find_cycle(&c, t)) {
			bool severe;

			r = deadlock_report(
				&c, eng_opts.on_deadlock == ON_DEADLOCK_RECOVER,
				&severe);
			found = severe;
			mark_deadlocked(&c, NULL, c.n);
		} else if (t->blk.kind == KIND_SEM) {
			c.n = 1;
			if (find_knot(&c)) {
				bool severe;

				r = knot_report(&c, &severe);
				found = severe;
				mark_deadlocked(&c, NULL, c.n);
			}
		}
	}
	if (found && !eng_claim_ending()) {
		/* Another thread's report of this hang ends the process. */
		if (r)
			eng_free(r, sizeof(*r));
		r = NULL;
		found = 0;
	}
	if (found && eng_opts.on_deadlock == ON_DEADLOCK_RECOVER)
		end_wait(t); /* the victim will not wait */
	eng_unlock(&wf_lock);
	if (r)
		eng_report_emit(r);
	if (found)
		eng_deadlock_action();
	return found;
}

static struct report *hold_wait_report(struct eng_thread *t, uint64_t dur);

/* The signal woke u, who must re-take a mutex: is it held by a thread
 * that waits, in a cycle back to u? The report, or NULL (wf_lock held). */
static struct report *relock_cycle(struct eng_thread *u, bool *found)
{
	struct report *r = NULL;
	struct cycle c = { { u }, 1 };
	bool severe;

	if (!relocking(&u->blk) || !find_cycle(&c, u))
		return NULL;
	r = deadlock_report(&c, false, &severe);
	mark_deadlocked(&c, NULL, c.n);
	if (r && severe && !eng_claim_ending()) {
		/* Another thread's report of this hang ends the process. */
		eng_free(r, sizeof(*r));
		return NULL;
	}
	*found = r && severe;
	return r;
}

void waitfor_signal(struct eng_obj *cond, bool broadcast)
{
	struct eng_thread *u;
	struct report *r = NULL;
	bool found = false;

	eng_lock(&wf_lock);
	if (broadcast) {
		while ((u = cond_waiter(cond->id, NULL, false, false))) {
			u->blk.signaled = 1;
			if (!r)
				r = relock_cycle(u, &found);
		}
	} else if ((u = cond_waiter(cond->id, NULL, false, true)) ||
		   (u = cond_waiter(cond->id, NULL, false, false))) {
		u->blk.signaled = 1;
		r = relock_cycle(u, &found);
	}
	eng_unlock(&wf_lock);
	if (r)
		eng_report_emit(r);
	if (found && eng_opts.on_deadlock != ON_DEADLOCK_RECOVER)
		eng_deadlock_action();
}

void waitfor_destroyed(struct eng_thread *t, const struct eng_obj *o,
		       uint32_t stack, bool reinit)
{
	struct eng_thread *sleepers[REP_MAX];
	struct report *r = NULL;
	int n = 0, untimed = 0, oi, i;
	uint32_t k;

	eng_lock(&wf_lock);
	for (k = 0; k < n_parked && n < REP_MAX - 1; k++) {
		struct eng_thread *u = parked[k];

		/* Not one woken (or released), nor one cancelled there:
		 * glibc takes it out of the wait to act on its cancel. */
		if (u != t && u->alive && u->blk.active &&
		    u->blk.kind == o->kind && u->blk.obj_id == o->id &&
		    !u->blk.signaled && !cancel_ends_wait(u)) {
			sleepers[n++] = u;
			untimed += !u->blk.timed;
		}
	}
	if (n && eng_report_is_new(hash_mix(REP_DESTROY_WAITED) ^
				   hash_mix(stack)) &&
	    (r = eng_report_new(REP_DESTROY_WAITED,
				untimed ? SEV_ERROR : SEV_WARNING))) {
		oi = eng_report_object(r, o->id, o->addr, o->kind, o);
		if (reinit)
			snprintf(r->message, sizeof(r->message),
				 "barrier initialised again while %d "
				 "thread%s wait%s at it for parties that have "
				 "not come: their round is gone",
				 n, n == 1 ? "" : "s", n == 1 ? "s" : "");
		else if (o->kind == KIND_BARRIER)
			snprintf(r->message, sizeof(r->message),
				 "barrier destroyed while %d thread%s wait%s "
				 "at it for parties that have not come: "
				 "pthread_barrier_destroy waits until they "
				 "leave",
				 n, n == 1 ? "" : "s", n == 1 ? "s" : "");
		else
			snprintf(r->message, sizeof(r->message),
				 "condition variable destroyed while %d "
				 "thread%s sleep%s on it, woken by no signal "
				 "or broadcast: pthread_cond_destroy waits "
				 "until they leave%s",
				 n, n == 1 ? "" : "s", n == 1 ? "s" : "",
				 untimed ? "" : " (each wait has a timeout)");
		eng_report_site(r, reinit ? "initialised again" : "destroyed", t,
				oi, stack);
		for (i = 0; i < n; i++)
			eng_report_site(r, wait_verb(&sleepers[i]->blk),
					sleepers[i], oi,
					sleepers[i]->blk.stack);
	}
	eng_unlock(&wf_lock);
	if (r)
		eng_report_emit(r);
}

void waitfor_explained(struct eng_thread *t)
{
	eng_lock(&wf_lock);
	if (t->blk.active)
		t->blk.reported |= BLK_IN_DEADLOCK;
	eng_unlock(&wf_lock);
}

void waitfor_unblock(struct eng_thread *t, uint64_t now_ns)
{
	struct blocked *b = &t->blk;
	struct report *r = NULL;
	int top, nheld;

	eng_lock(&wf_lock);
	if (b->active && (top = locks_held_across(t, &nheld)) >= 0 &&
	    b->since_ns && now_ns > b->since_ns &&
	    now_ns - b->since_ns >= (uint64_t)eng_opts.hold_wait_ms * NS_PER_MS) {
		uint64_t key[2] = { t->held[top].stack, b->stack };
		struct hw_site *s;

		HASH_FIND(hh, hw_sites, key, sizeof(key), s);
		if (!s && (s = eng_alloc(sizeof(*s)))) {
			memcpy(s->key, key, sizeof(key));
			HASH_ADD(hh, hw_sites, key, sizeof(s->key), s);
		}
		if (s) {
			s->count++;
			if (now_ns - b->since_ns > s->max_ns)
				s->max_ns = now_ns - b->since_ns;
		}
		/* The watchdog may not have looked yet: report it here, in
		 * the thread, before the program can end. */
		if (!(b->reported & BLK_REPORTED_HOLD)) {
			b->reported |= BLK_REPORTED_HOLD;
			r = hold_wait_report(t, now_ns - b->since_ns);
		}
	}
	end_wait(t);
	eng_unlock(&wf_lock);
	if (r)
		eng_report_emit(r);
}

static void park_dead_holder(void *ctx, struct eng_thread *t)
{
	(void)ctx;
	if (!t->alive && t->depth > 0)
		park(t);
}

void waitfor_thread_exit(struct eng_thread *t)
{
	eng_lock(&wf_lock);
	/* Cancelled in a wait, or gone without a word: the wait is over. */
	end_wait(t);
	if (t->depth > 0)
		park(t);
	eng_unlock(&wf_lock);
}

void waitfor_fork_child(void)
{
	uint32_t i;

	/* Every other thread is gone: those that held locks hold them
	 * for good, the others are nothing to search. */
	for (i = 0; i < n_parked; i++)
		parked[i]->parked_at = 0;
	n_parked = 0;
	threads_for_each(park_dead_holder, NULL);
}

/* ---- the periodic tick ------------------------------------------------- */

struct snapshot {
	struct eng_thread **t;
	int n, max;
};

static void take(void *ctx, struct eng_thread *t)
{
	struct snapshot *s = ctx;

	if (s->n < s->max)
		s->t[s->n++] = t;
}

/* Reports decided by a tick and not yet written (see waitfor_busy). */
static int tick_pending;

bool waitfor_busy(void)
{
	return __atomic_load_n(&tick_pending, __ATOMIC_ACQUIRE) > 0;
}

static struct report *hold_wait_report(struct eng_thread *t, uint64_t dur)
{
	int n, top = locks_held_across(t, &n);
	const struct held *h = &t->held[top];
	uint64_t key = hash_mix(REP_HOLD_AND_WAIT) + hash_mix(h->stack) * 3 +
		       hash_mix(t->blk.stack);
	struct report *r;
	int oi, wi;

	if (!eng_report_is_new(key) ||
	    !(r = eng_report_new(REP_HOLD_AND_WAIT, SEV_WARNING)))
		return NULL;
	oi = eng_report_object(r, h->id, h->addr, h->kind, h->obj);
	wi = waited_object(r, t);
	snprintf(r->message, sizeof(r->message),
		 "hold and wait: thread T%u has waited %llu ms while holding "
		 "%d lock%s; every thread that needs %s waits as long",
		 t->num, (unsigned long long)(dur / NS_PER_MS), n,
		 n == 1 ? "" : "s", n == 1 ? "it" : "them");
	eng_report_site(r, "holds", t, oi, h->stack);
	eng_report_site(r, wait_verb(&t->blk), t, wi, t->blk.stack);
	held_sites(r, t, h->id);
	return r;
}

static struct report *starvation_report(struct eng_thread *t, uint64_t dur,
					uint64_t grants)
{
	uint64_t key = hash_mix(REP_STARVATION) + hash_mix(t->blk.stack) +
		       hash_mix(t->blk.obj->init_stack);
	struct report *r;
	int wi;

	if (!eng_report_is_new(key) ||
	    !(r = eng_report_new(REP_STARVATION, SEV_WARNING)))
		return NULL;
	wi = waited_object(r, t);
	snprintf(r->message, sizeof(r->message),
		 "starvation: thread T%u has waited %llu ms for a %s that "
		 "was granted %llu times to other threads meanwhile",
		 t->num, (unsigned long long)(dur / NS_PER_MS),
		 report_object_kind_name(t->blk.kind),
		 (unsigned long long)grants);
	eng_report_site(r, wait_verb(&t->blk), t, wi, t->blk.stack);
	return r;
}

static struct report *all_blocked_report(struct snapshot *s)
{
	uint64_t key = hash_mix(REP_ALL_THREADS_BLOCKED);
	struct report *r;
	int i, n = 0;

	for (i = 0; i < s->n; i++) {
		struct eng_thread *t = s->t[i];

		if (!t->alive)
			continue;
		key += hash_mix(t->num * 0x10001ull + t->blk.obj_id +
				t->blk.addr);
		n++;
	}
	if (!eng_report_is_new(key) ||
	    !(r = eng_report_new(REP_ALL_THREADS_BLOCKED, SEV_ERROR)))
		return NULL;
	snprintf(r->message, sizeof(r->message),
		 "all %d live thread%s blocked, none with a timeout: nothing "
		 "left running can wake %s (a lost wake-up, a missing barrier "
		 "party, a semaphore nobody posts, or a cycle)",
		 n, n == 1 ? " is" : "s are", n == 1 ? "it" : "them");
	for (i = 0; i < s->n; i++) {
		struct eng_thread *t = s->t[i];
		int wi;

		if (!t->alive)
			continue;
		eng_report_thread(r, t);
		wi = waited_object(r, t);
		eng_report_site(r, wait_verb(&t->blk), t, wi, t->blk.stack);
		held_sites(r, t, 0);
	}
	return r;
}

/* Asleep in an untimed wait that nothing running will end by itself. */
static bool sync_wait(const struct blocked *b)
{
	struct eng_thread *u;

	if (!b->active || b->timed || b->kind == KIND_NONE)
		return false;
	/* Another process may end it: no proof that nothing can. */
	if (obj_live(b) && b->obj->pshared)
		return false;
	/* A signal handler may post it, or make the wait fail (EINTR). */
	if (b->kind == KIND_SEM &&
	    __atomic_load_n(&async_handlers, __ATOMIC_RELAXED))
		return false;
	/* Woken, or its barrier's round complete, and just not running
	 * yet. */
	if ((b->kind == KIND_COND || b->kind == KIND_BARRIER) && b->signaled)
		return false;
	if (b->kind == KIND_THREAD) {
		/* A join of a thread that has exited (or that we never saw)
		 * is over, whether or not the joiner has run yet. */
		u = b->addr ? threads_find((uint32_t)b->addr) : NULL;
		return u && u->alive;
	}
	return true;
}

/*
 * t waits for a mutex or spinlock that no thread holds (every holder of
 * one would be parked: blocked, or gone holding it). Then it is the next
 * to take it, woken and not running yet (its CPU went to other threads or
 * processes), or racing its releaser: nothing has to act for it to go on,
 * so it is not asleep for good, however long it has waited.
 */
static bool waits_for_free_lock(const struct eng_thread *t)
{
	const struct blocked *b = &t->blk;

	return (b->kind == KIND_MUTEX || b->kind == KIND_SPIN) &&
	       obj_live(b) && !excl_holder(t) &&
	       !threads_holds_excl(t, b->obj_id);
}

void waitfor_tick(uint64_t now_ns, bool (*tid_alive)(int32_t tid),
		  bool others_unknown)
{
	struct report *pending[16];
	int npending = 0, i, live = 0, asleep = 0, nheld;
	bool explained = false; /* a deadlock found already holds them */
	struct snapshot s;
	bool deadlock = false;

	s.max = (int)threads_count() + 8;
	s.t = eng_alloc((size_t)s.max * sizeof(*s.t));
	s.n = 0;
	if (!s.t)
		return;
	eng_lock(&wf_lock);
	threads_for_each(take, &s);
	for (i = 0; i < s.n && npending < 14; i++) {
		struct eng_thread *t = s.t[i];
		struct blocked *b = &t->blk;
		uint64_t dur;

		if (!t->alive)
			continue;
		if (tid_alive && t->tid && !tid_alive(t->tid)) {
			threads_exit(t); /* it left without telling us */
			if (t->depth > 0)
				park(t);
			continue;
		}
		live++;
		if (!b->active)
			continue;
		dur = b->since_ns && now_ns > b->since_ns ? now_ns - b->since_ns
							  : 0;
		if (sync_wait(b) && !cancel_ends_wait(t) &&
		    !waits_for_free_lock(t) &&
		    dur >= (uint64_t)eng_opts.watchdog_ms * NS_PER_MS)
			asleep++;
		if (b->reported & BLK_IN_DEADLOCK)
			explained = true;
		if (dur >= RECHECK_NS && !(b->reported & BLK_RECHECKED)) {
			struct cycle c = { { t }, 1 };

			b->reported |= BLK_RECHECKED;
			if (!cancel_ends_wait(t) && find_cycle(&c, t)) {
				bool severe;

				mark_deadlocked(&c, NULL, c.n);
				pending[npending] =
					deadlock_report(&c, false, &severe);
				if (pending[npending] && severe &&
				    !eng_claim_ending()) {
					/* another thread's report ends it */
					eng_free(pending[npending],
						 sizeof(struct report));
					pending[npending] = NULL;
				}
				if (pending[npending]) {
					npending++;
					deadlock = deadlock || severe;
				}
			}
		}
		/* A thread in a deadlock already reported waits for good:
		 * that report says it all. */
		if (locks_held_across(t, &nheld) >= 0 &&
		    !(b->reported & (BLK_REPORTED_HOLD | BLK_IN_DEADLOCK)) &&
		    dur >= (uint64_t)eng_opts.hold_wait_ms * NS_PER_MS) {
			b->reported |= BLK_REPORTED_HOLD;
			pending[npending] = hold_wait_report(t, dur);
			if (pending[npending])
				npending++;
		}
		if (obj_live(b) && !(b->reported & BLK_REPORTED_STARVE) &&
		    dur >= (uint64_t)eng_opts.starvation_ms * NS_PER_MS &&
		    b->obj->n_acquired - b->acq_count >= STARVE_MIN_GRANTS) {
			b->reported |= BLK_REPORTED_STARVE;
			pending[npending] = starvation_report(
				t, dur, b->obj->n_acquired - b->acq_count);
			if (pending[npending])
				npending++;
		}
	}
	if (live > 0 && asleep == live && !others_unknown && !explained &&
	    !deadlock) {
		pending[npending] = all_blocked_report(&s);
		if (pending[npending] && !eng_claim_ending()) {
			eng_free(pending[npending], sizeof(struct report));
			pending[npending] = NULL;
		}
		if (pending[npending]) {
			npending++;
			deadlock = true;
		}
	}
	if (npending)
		__atomic_fetch_add(&tick_pending, 1, __ATOMIC_ACQ_REL);
	eng_unlock(&wf_lock);
	eng_free(s.t, (size_t)s.max * sizeof(*s.t));
	for (i = 0; i < npending; i++)
		eng_report_emit(pending[i]);
	if (npending)
		__atomic_fetch_sub(&tick_pending, 1, __ATOMIC_ACQ_REL);
	if (deadlock)
		eng_deadlock_action();
}

size_t waitfor_summary(char *buf, size_t len, report_symbolize_fn sym)
{
	struct hw_site *s;
	size_t pos = 0;
	int n;

	if (!len)
		return 0;
	buf[0] = 0;
	eng_lock(&wf_lock);
	if (!hw_sites) {
		eng_unlock(&wf_lock);
		return 0;
	}
	n = snprintf(buf, len,
		     "coffman: hold-and-wait sites (lock held at -> waited at: "
		     "times, longest wait):\n");
	pos = n > 0 ? (size_t)n : 0;
	for (s = hw_sites; s && pos + 1 < len; s = s->hh.next) {
		char held[160], waited[160];

		n = snprintf(buf + pos, len - pos,
			     "coffman:   %s -> %s: %llu, %llu ms\n",
			     report_stack_site(sym, stackdepot_get,
					       (uint32_t)s->key[0], held,
					       sizeof(held)),
			     report_stack_site(sym, stackdepot_get,
					       (uint32_t)s->key[1], waited,
					       sizeof(waited)),
			     (unsigned long long)s->count,
			     (unsigned long long)(s->max_ns / NS_PER_MS));
		if (n < 0)
			break;
		pos += (size_t)n;
	}
	eng_unlock(&wf_lock);
	return pos < len ? pos : len - 1;
}

void waitfor_lock_all(void)
{
	eng_lock(&wf_lock);
}

void waitfor_unlock_all(void)
{
	eng_unlock(&wf_lock);
}
