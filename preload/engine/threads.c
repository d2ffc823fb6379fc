/* SPDX-License-Identifier: MIT */
/* threads.c - per-thread held stacks, caches and the thread registry. */
#include "eng_threads.h"

#include <string.h>

#include "alloc.h"
#include "event.h"
#include "hash.h"
#include "lock.h"

static struct eng_lock reg_lock = ENG_LOCK_INIT;
static struct eng_thread *all_threads;
static uint32_t n_threads;
/* Indexes, under reg_lock: by number (by_num[num - 1]), and live threads
 * by handle (joins and renames look threads up by pthread_t). */
static struct eng_thread **by_num;
static uint32_t by_num_cap;
static struct eng_thread *by_handle;
static bool handle_index_lossy; /* an insert failed: scan when missing */

/* Room for thread number n in by_num (reg_lock held). */
static bool by_num_room(uint32_t n)
{
	struct eng_thread **grown;
	uint32_t cap = by_num_cap ? by_num_cap : 64;

	if (n <= by_num_cap)
		return true;
	while (cap < n)
		cap *= 2;
	grown = eng_alloc((size_t)cap * sizeof(*grown));
	if (!grown)
		return false;
	if (by_num) {
		memcpy(grown, by_num, (size_t)by_num_cap * sizeof(*grown));
		eng_free(by_num, (size_t)by_num_cap * sizeof(*grown));
	}
	by_num = grown;
	by_num_cap = cap;
	return true;
}

/* Take t out of the handle index (reg_lock held). */
static void handle_out(struct eng_thread *t)
{
	if (t->handle_in) {
		HASH_DELETE(hh_handle, by_handle, t);
		t->handle_in = 0;
	}
}
static uint32_t n_live;

struct ccache_slot threads_ccache_empty[CCACHE_PROBES];
struct ocache_slot threads_ocache_none[OCACHE_SIZE];

#define OCACHE_BYTES (OCACHE_SIZE * sizeof(struct ocache_slot))
#define HELD_BYTES (HELD_MAX * sizeof(struct held))

/*
 * Held stacks of threads that exited holding nothing, for new threads,
 * under reg_lock; linked through the prev word of their first entry
 * (and cleared when taken). Never given back to the allocator: a block
 * is a held stack for good.
 */
static struct held *held_pool;

static struct held *held_pool_next(const struct held *h)
{
	return (struct held *)(uintptr_t)h[0].prev;
}

/* Point t at the shared empty table. */
static void ccache_none(struct eng_thread *t)
{
	t->ccache = threads_ccache_empty;
	t->ccache_mask = CCACHE_PROBES - 1;
	t->ccache_shift = 64 - __builtin_ctz(CCACHE_PROBES);
	t->ccache_used = 0;
}

static bool ccache_resize(struct eng_thread *t, int bits);

struct eng_thread *threads_new(int32_t tid, uint32_t parent)
{
	/* In the creator, faulted in by eng_alloc before the thread runs. */
	struct eng_thread *t = eng_alloc(sizeof(*t));

	if (!t)
		return NULL;
	t->ocache = eng_alloc(OCACHE_BYTES);
	eng_lock(&reg_lock);
	t->held = held_pool;
	if (t->held)
		held_pool = held_pool_next(t->held);
	eng_unlock(&reg_lock);
	if (t->held) /* another thread's: what it remembers is not ours */
		memset(t->held, 0, HELD_BYTES);
	else
		t->held = eng_alloc(HELD_BYTES);
	if (!t->ocache || !t->held) {
		if (t->ocache)
			eng_free(t->ocache, OCACHE_BYTES);
		if (t->held)
			eng_free(t->held, HELD_BYTES);
		eng_free(t, sizeof(*t));
		return NULL;
	}
	ccache_none(t);
	/* Its first table too: made in its first lock, it was most of what
	 * that lock cost inside the program's critical section. */
	ccache_resize(t, CCACHE_MIN_BITS);
	t->tid = tid;
	t->parent = parent;
	t->alive = 1;
	eng_lock(&reg_lock);
	if (!by_num_room(n_threads + 1)) {
		eng_unlock(&reg_lock);
		threads_ccache_free(t);
		threads_ocache_free(t);
		eng_free(t->held, HELD_BYTES);
		eng_free(t, sizeof(*t));
		return NULL;
	}
	t->num = ++n_threads;
	by_num[t->num - 1] = t;
	n_live++;
	t->next = all_threads;
	all_threads = t;
	eng_unlock(&reg_lock);
	return t;
}

struct eng_thread *threads_find(uint32_t num)
{
	struct eng_thread *t = NULL;

	eng_lock(&reg_lock);
	if (num >= 1 && num <= n_threads)
		t = by_num[num - 1];
	eng_unlock(&reg_lock);
	return t;
}

struct eng_thread *threads_find_tid(int32_t tid)
{
	struct eng_thread *t;

	eng_lock(&reg_lock);
	for (t = all_threads; t; t = t->next)
		if (t->tid == tid && t->alive)
			break;
	eng_unlock(&reg_lock);
	return t;
}

struct eng_thread *threads_find_handle(uint64_t handle)
{
	struct eng_thread *t;

	eng_lock(&reg_lock);
	HASH_FIND(hh_handle, by_handle, &handle, sizeof(handle), t);
	if (!t && handle_index_lossy)
		for (t = all_threads; t; t = t->next)
			if (t->handle == handle && t->alive)
				break;
	eng_unlock(&reg_lock);
	return t;
}

void threads_set_handle(struct eng_thread *t, uint64_t handle)
{
	unsigned long oom;

	eng_lock(&reg_lock);
	if (!t->handle_in || t->handle != handle) {
		handle_out(t);
		t->handle = handle;
		if (t->alive) {
			oom = hash_oom_count;
			HASH_ADD(hh_handle, by_handle, handle, sizeof(handle),
				 t);
			if (hash_oom_count != oom)
				handle_index_lossy = true;
			else
				t->handle_in = 1;
		}
	}
	eng_unlock(&reg_lock);
}

void threads_exit(struct eng_thread *t)
{
	eng_lock(&reg_lock);
	if (t->alive) {
		t->alive = 0;
		n_live--;
		/* Holding nothing, it never will again: its stack is free.
		 * t->held still points at it, with depth 0 nothing reads it
		 * through t. A dead holder keeps its own (held for good). */
		if (!t->depth) {
			t->held[0].prev = (uint64_t)(uintptr_t)held_pool;
			held_pool = t->held;
		}
	}
	handle_out(t);
	eng_unlock(&reg_lock);
}

void threads_for_each(void (*fn)(void *ctx, struct eng_thread *t),
		      void *ctx)
{
	struct eng_thread *t;

	eng_lock(&reg_lock);
	for (t = all_threads; t; t = t->next)
		fn(ctx, t);
	eng_unlock(&reg_lock);
}

uint32_t threads_count(void)
{
	return __atomic_load_n(&n_threads, __ATOMIC_RELAXED);
}

uint32_t threads_live(void)
{
	return __atomic_load_n(&n_live, __ATOMIC_RELAXED);
}

void threads_after_fork(struct eng_thread *self)
{
	struct eng_thread *t;

	n_live = 0;
	for (t = all_threads; t; t = t->next) {
		t->alive = (t == self);
		if (t->alive) {
			n_live++;
		} else {
			/* Not in this process: its caches are nobody's. */
			handle_out(t);
			threads_ccache_free(t);
			threads_ocache_free(t);
		}
	}
}

bool threads_holds_excl(const struct eng_thread *t, uint64_t id)
{
	int i, n = __atomic_load_n(&t->depth, __ATOMIC_RELAXED);

	if (n > HELD_MAX)
		n = HELD_MAX;
	for (i = 0; i < n; i++)
		if (t->held[i].id == id && t->held[i].mode == MODE_EXCL)
			return true;
	return false;
}

struct eng_thread *threads_excl_holder(uint64_t id,
				       const struct eng_thread *except)
{
	struct eng_thread *t;

	eng_lock(&reg_lock);
	for (t = all_threads; t; t = t->next)
		if (t != except && threads_holds_excl(t, id))
			break;
	eng_unlock(&reg_lock);
	return t;
}

void threads_lock_all(void)
{
	eng_lock(&reg_lock);
}

void threads_unlock_all(void)
{
	eng_unlock(&reg_lock);
}

int threads_held_find(const struct eng_thread *t, uint64_t id)
{
	int i;

	for (i = t->depth - 1; i >= 0; i--)
		if (t->held[i].id == id)
			return i;
	return -1;
}

int threads_held_find_addr(const struct eng_thread *t, uint64_t addr)
{
	int i;

	for (i = t->depth - 1; i >= 0; i--)
		if (t->held[i].addr == addr)
			return i;
	return -1;
}

void threads_held_remove(struct eng_thread *t, int i)
{
	int j;

	memmove(&t->held[i], &t->held[i + 1],
		(size_t)(t->depth - i - 1) * sizeof(t->held[0]));
	t->depth--;
	for (j = i; j < t->depth; j++) {
		uint64_t prev = j ? t->held[j - 1].chain : 0;

		t->held[j].prev = prev;
		t->held[j].chain = threads_chain_step(prev, t->held[j].id,
					      t->held[j].mode, t->held[j].pc);
		t->held[j].flags &= (uint8_t)~HELD_MEMO; /* a new chain */
	}
}

size_t threads_ccache_bytes(const struct eng_thread *t)
{
	return t->ccache == threads_ccache_empty
		       ? 0
		       : ((size_t)t->ccache_mask + 1) * sizeof(*t->ccache);
}

void threads_ccache_free(struct eng_thread *t)
{
	size_t bytes = threads_ccache_bytes(t);
	struct ccache_slot *old = t->ccache;

	ccache_none(t);
	if (bytes)
		eng_free(old, bytes);
}

void threads_ocache_free(struct eng_thread *t)
{
	if (t->ocache != threads_ocache_none) {
		eng_free(t->ocache, OCACHE_BYTES);
		t->ocache = threads_ocache_none;
	}
}

void threads_ccache_clear(struct eng_thread *t)
{
	int i;

	if (t->ccache != threads_ccache_empty)
		memset(t->ccache, 0, threads_ccache_bytes(t));
	t->ccache_used = 0;
	for (i = 0; i < HELD_MAX; i++)
		t->held[i].flags &= (uint8_t)~HELD_MEMO;
}

/*
 * Place word (tag and stack) in t's table, in its slot if its tag is
 * there. Robin Hood order: a word that has come further from its home
 * slot (the tag's top bits) takes the place of one nearer to its own,
 * which moves on. It keeps the runs short, so that a chain is found
 * within CCACHE_PROBES of its home at three quarters full (plain linear
 * probing leaves about one chain in a hundred beyond reach there).
 * Returns 0, or the word left without a slot within reach (the one given,
 * or one it displaced).
 */
static uint64_t ccache_place(struct eng_thread *t, uint64_t word)
{
	uint32_t i = (uint32_t)(word >> t->ccache_shift), dist = 0;
	bool own = true; /* carrying the word given, not a displaced one */

	for (; dist < CCACHE_PROBES; dist++, i = (i + 1) & t->ccache_mask) {
		struct ccache_slot *s = &t->ccache[i];
		uint64_t w = s->word;
		uint32_t its;

		if (!w || (own && !((w ^ word) & CCACHE_TAG))) {
			if (!w)
				t->ccache_used++;
			s->word = word;
			return 0;
		}
		its = (i - (uint32_t)(w >> t->ccache_shift)) & t->ccache_mask;
		if (its < dist) {
			s->word = word;
			word = w;
			dist = its;
			own = false;
		}
	}
	return word;
}

/* Move t to a table of 2^bits slots. False if out of memory. */
static bool ccache_resize(struct eng_thread *t, int bits)
{
	struct ccache_slot *old = t->ccache;
	size_t old_bytes = threads_ccache_bytes(t), n = (size_t)1 << bits, i;
	struct ccache_slot *tab = eng_alloc(n * sizeof(*tab));

	if (!tab)
		return false;
	t->ccache = tab;
	t->ccache_mask = (uint32_t)n - 1;
	t->ccache_shift = 64 - (uint32_t)bits;
	t->ccache_used = 0;
	for (i = 0; old_bytes && i < old_bytes / sizeof(*old); i++)
		if (old[i].word)
			(void)ccache_place(t, old[i].word); /* lossy */
	if (old_bytes)
		eng_free(old, old_bytes);
	return true;
}

bool threads_ccache_put(struct eng_thread *t, uint64_t key, uint32_t stack)
{
	int bits = 64 - (int)t->ccache_shift;
	uint64_t word = (key & CCACHE_TAG) | stack;
	uint32_t i;

	/* An exited thread takes no more locks worth a table; a tag of 0
	 * or a stack id beyond the slot's 24 bits does not fit. */
	if (!t->alive || !(key & CCACHE_TAG) || (stack & CCACHE_TAG))
		return false;
	/*
	 * Three quarters full: twice the slots, while under the cap. The
	 * table is read on every fast-path acquisition, and what it costs
	 * there is the cache lines it spans: a chain found takes 2.5 probes
	 * on average at this load (1.5 at half), mostly in one line, in a
	 * table two thirds the size.
	 */
	if (t->ccache == threads_ccache_empty ||
	    (t->ccache_used + 1) * 4 > (t->ccache_mask + 1) * 3) {
		if (bits < CCACHE_MAX_BITS &&
		    !ccache_resize(t, t->ccache == threads_ccache_empty
					      ? CCACHE_MIN_BITS
					      : bits + 1))
			return false;
		bits = 64 - (int)t->ccache_shift;
	}
	if (t->ccache == threads_ccache_empty)
		return false;
	if (!(word = ccache_place(t, word)))
		return true;
	/* A run of CCACHE_PROBES taken slots: below the cap, grow rather
	 * than lose a chain. */
	while (bits < CCACHE_MAX_BITS && ccache_resize(t, ++bits))
		if (!(word = ccache_place(t, word)))
			return true;
	/*
	 * A lossy cache at its cap: the word left over evicts one of the
	 * slots within reach of its home (picked by other bits of its tag,
	 * so no one chain is always the victim). A chain evicted only costs
	 * one more slow-path visit.
	 */
	i = ((uint32_t)(word >> t->ccache_shift) +
	     (uint32_t)(word >> 24) % CCACHE_PROBES) &
	    t->ccache_mask;
	t->ccache[i].word = word;
	return true;
}
