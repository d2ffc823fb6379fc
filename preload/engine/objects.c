/* SPDX-License-Identifier: MIT */
/* objects.c - sharded registry of sync objects keyed by address. */
#include "objects.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <string.h>

#include "alloc.h"
#include "event.h"
#include "hash.h"
#include "lock.h"

#define NSHARDS 64
#define PAGE_SHIFT 12
#define FILTER_BITS (1u << 23) /* 1 MiB of bits: page filter */

struct page_bucket {
	uint64_t page;		/* addr >> PAGE_SHIFT */
	struct eng_obj *objs;	/* records whose addr is in this page */
	UT_hash_handle hh;
};

/* Open-addressing index of a shard's live records by address. */
struct addr_slot {
	uint64_t addr;
	struct eng_obj *o; /* NULL empty, GONE a deleted entry */
};

#define GONE ((struct eng_obj *)1)
#define INDEX_MIN 64

/*
 * A shard holds the records of the pages that hash to it: by page (for
 * retiring the objects of freed memory) and by address (for lookups, so
 * an array of locks on one page costs no list walk).
 */
struct shard {
	struct eng_lock lock;
	struct page_bucket *pages;
	struct addr_slot *index;
	uint32_t cap;  /* slots, a power of two; 0 before the first */
	uint32_t used; /* live and deleted entries */
} __attribute__((aligned(64)));

static struct shard shards[NSHARDS];
static uint64_t page_filter[FILTER_BITS / 64];
static uint64_t next_id = 1;
static uint64_t n_live;
static struct eng_lock free_lock = ENG_LOCK_INIT;
static struct eng_obj *free_records;

unsigned long hash_oom_count;

static struct shard *shard_of(uint64_t page)
{
	return &shards[hash_mix(page) % NSHARDS];
}

static uint32_t filter_bit(uint64_t page)
{
	return (uint32_t)(hash_mix(page ^ 0x5bd1e995u) & (FILTER_BITS - 1));
}

bool objects_page_maybe_tracked(uint64_t addr)
{
	uint32_t b = filter_bit(addr >> PAGE_SHIFT);

	return __atomic_load_n(&page_filter[b / 64], __ATOMIC_RELAXED) &
	       (1ull << (b % 64));
}

static void filter_set(uint64_t page)
{
	uint32_t b = filter_bit(page);

	__atomic_fetch_or(&page_filter[b / 64], 1ull << (b % 64),
			  __ATOMIC_RELAXED);
}

static struct eng_obj *record_new(void)
{
	struct eng_obj *o;

	eng_lock(&free_lock);
	o = free_records;
	if (o)
		free_records = o->free_next;
	eng_unlock(&free_lock);
	if (!o)
		return eng_alloc(sizeof(*o));
	return o;
}

static void record_free(struct eng_obj *o)
{
	if (o->name) {
		eng_free(o->name, o->name_len);
		o->name = NULL;
	}
	eng_lock(&free_lock);
	o->free_next = free_records;
	free_records = o;
	eng_unlock(&free_lock);
}

/* ---- the address index (shard lock held) ------------------------------- */

/* Pages spread over the table, each page's objects next to each other:
 * neighbouring locks (arrays, a struct's members) share cache lines. */
static uint32_t index_home(const struct shard *s, uint64_t addr)
{
	return (uint32_t)(hash_mix(addr >> PAGE_SHIFT) +
			  ((addr & ((1u << PAGE_SHIFT) - 1)) >> 3)) &
	       (s->cap - 1);
}

static struct addr_slot *index_find(const struct shard *s, uint64_t addr)
{
	uint32_t i, n;

	if (!s->cap)
		return NULL;
	for (i = index_home(s, addr), n = 0; n < s->cap;
	     i = (i + 1) & (s->cap - 1), n++) {
		struct addr_slot *e = &s->index[i];

		if (!e->o)
			return NULL;
		if (e->o != GONE && e->addr == addr)
			return e;
	}
	return NULL;
}

/* Room for one more entry: grow (and drop deleted ones) past half full.
 * False when out of memory. */
static bool index_reserve(struct shard *s)
{
	struct addr_slot *old = s->index, *tab;
	uint32_t oldcap = s->cap, cap, i, live = 0;

	if ((s->used + 1) * 2 <= s->cap)
		return true;
	for (i = 0; i < oldcap; i++)
		if (old[i].o && old[i].o != GONE)
			live++;
	/* At most a quarter full once rebuilt (deleted entries are dropped);
	 * never smaller, as the page tables never shrink either. */
	cap = oldcap ? oldcap : INDEX_MIN;
	while (cap < (live + 1) * 4)
		cap *= 2;
	tab = eng_alloc(cap * sizeof(*tab));
	if (!tab)
		return false;
	s->index = tab;
	s->cap = cap;
	s->used = 0;
	for (i = 0; i < oldcap; i++) {
		uint32_t j;

		if (!old[i].o || old[i].o == GONE)
			continue;
		for (j = index_home(s, old[i].addr); tab[j].o;
		     j = (j + 1) & (cap - 1))
			;
		tab[j] = old[i];
		s->used++;
	}
	if (old)
		eng_free(old, oldcap * sizeof(*old));
	return true;
}

/* Add o (index_reserve() said there is room). */
static void index_add(struct shard *s, struct eng_obj *o)
{
	uint32_t i;

	for (i = index_home(s, o->addr);
	     s->index[i].o && s->index[i].o != GONE; i = (i + 1) & (s->cap - 1))
		;
	if (!s->index[i].o)
		s->used++;
	s->index[i].addr = o->addr;
	s->index[i].o = o;
}

/* Unlink o from its bucket and retire it; call with the shard lock held. */
static void retire_locked(struct shard *s, struct page_bucket *b,
			  struct eng_obj *o)
{
	struct addr_slot *e = index_find(s, o->addr);

	if (e && e->o == o)
		e->o = GONE;
	*o->page_pprev = o->page_next;
	if (o->page_next)
		o->page_next->page_pprev = o->page_pprev;
	if (!b->objs) {
		HASH_DEL(s->pages, b);
		eng_free(b, sizeof(*b));
	}
	o->retired = 1;
	__atomic_fetch_add(&o->gen, 1, __ATOMIC_RELEASE);
	__atomic_fetch_sub(&n_live, 1, __ATOMIC_RELAXED);
}

struct eng_obj *objects_get(uint64_t addr, uint32_t kind, bool create,
			    uint32_t stack, uint64_t *retired_id)
{
	uint64_t page = addr >> PAGE_SHIFT;
	struct shard *s = shard_of(page);
	struct page_bucket *b;
	struct eng_obj *o, *old = NULL;

	if (retired_id)
		*retired_id = 0;
	struct addr_slot *e;

	eng_lock(&s->lock);
	e = index_find(s, addr);
	if (e) {
		o = e->o;
		if (o->kind == kind || kind == KIND_NONE) {
			eng_unlock(&s->lock);
			return o;
		}
		/* The memory now holds another kind of object. */
		old = o;
	}
	if (!create) {
		eng_unlock(&s->lock);
		return NULL;
	}
	HASH_FIND(hh, s->pages, &page, sizeof(page), b);
	if (old) {
		if (retired_id)
			*retired_id = old->id;
		retire_locked(s, b, old);
		HASH_FIND(hh, s->pages, &page, sizeof(page), b);
	}
	if (!index_reserve(s)) {
		eng_unlock(&s->lock);
		return NULL;
	}
	o = record_new();
	if (!o) {
		eng_unlock(&s->lock);
		return NULL;
	}
	if (!b) {
		b = eng_alloc(sizeof(*b));
		if (!b) {
			eng_unlock(&s->lock);
			record_free(o);
			return NULL;
		}
		b->page = page;
		b->objs = NULL;
		HASH_ADD(hh, s->pages, page, sizeof(b->page), b);
		HASH_FIND(hh, s->pages, &page, sizeof(page), b);
		if (!b) { /* the table could not grow */
			eng_unlock(&s->lock);
			record_free(o);
			return NULL;
		}
	}
	{
		uint32_t gen = o->gen;

		memset(o, 0, sizeof(*o));
		o->gen = gen + 1; /* a new life: stale caches miss */
	}
	o->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	o->addr = addr;
	o->kind = (uint8_t)kind;
	o->init_stack = stack;
	o->class_id = stack ? stack : o->id;
	o->page_next = b->objs;
	if (b->objs)
		b->objs->page_pprev = &o->page_next;
	o->page_pprev = &b->objs;
	b->objs = o;
	index_add(s, o);
	filter_set(page);
	__atomic_fetch_add(&n_live, 1, __ATOMIC_RELAXED);
	eng_unlock(&s->lock);
	return o;
}

uint64_t objects_retire(uint64_t addr)
{
	uint64_t page = addr >> PAGE_SHIFT, id = 0;
	struct shard *s = shard_of(page);
	struct page_bucket *b;
	struct eng_obj *o;

	struct addr_slot *e;

	eng_lock(&s->lock);
	e = index_find(s, addr);
	o = e ? e->o : NULL;
	if (o) {
		HASH_FIND(hh, s->pages, &page, sizeof(page), b);
		id = o->id;
		retire_locked(s, b, o);
	}
	eng_unlock(&s->lock);
	if (id)
		record_free(o);
	return id;
}

int objects_retire_range(uint64_t lo, uint64_t hi,
			 void (*cb)(void *ctx, uint64_t id, uint64_t addr),
			 void *ctx)
{
	uint64_t page;
	int n = 0;

	if (hi <= lo)
		return 0;
	for (page = lo >> PAGE_SHIFT; page <= (hi - 1) >> PAGE_SHIFT; page++) {
		struct shard *s;
		struct page_bucket *b;
		struct eng_obj *o, *next, *gone = NULL;

		if (!objects_page_maybe_tracked(page << PAGE_SHIFT))
			continue;
		s = shard_of(page);
		eng_lock(&s->lock);
		HASH_FIND(hh, s->pages, &page, sizeof(page), b);
		for (o = b ? b->objs : NULL; o; o = next) {
			next = o->page_next;
			if (o->addr < lo || o->addr >= hi)
				continue;
			/* retire_locked may free b once it is empty. */
			if (b->objs == o && !o->page_next) {
				retire_locked(s, b, o);
				o->free_next = gone;
				gone = o;
				break;
			}
			retire_locked(s, b, o);
			o->free_next = gone;
			gone = o;
		}
		eng_unlock(&s->lock);
		while (gone) {
			next = gone->free_next;
			if (cb)
				cb(ctx, gone->id, gone->addr);
			record_free(gone);
			gone = next;
			n++;
		}
	}
	return n;
}

int objects_set_name(struct eng_obj *o, const char *name)
{
	size_t len = strnlen(name, 63);
	char *copy = eng_alloc(64);

	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, len);
	copy[len] = '\0';
	if (o->name)
		eng_free(o->name, o->name_len);
	o->name = copy;
	o->name_len = 64;
	return 0;
}

size_t objects_index_bytes(void)
{
	size_t n = 0;
	int i;

	for (i = 0; i < NSHARDS; i++)
		n += (size_t)__atomic_load_n(&shards[i].cap, __ATOMIC_RELAXED) *
		     sizeof(struct addr_slot);
	return n;
}

uint64_t objects_count(void)
{
	return __atomic_load_n(&n_live, __ATOMIC_RELAXED);
}

void objects_lock_all(void)
{
	int i;

	/* Same order as objects_get: shard, then the record free list. */
	for (i = 0; i < NSHARDS; i++)
		eng_lock(&shards[i].lock);
	eng_lock(&free_lock);
}

void objects_unlock_all(void)
{
	int i;

	eng_unlock(&free_lock);
	for (i = NSHARDS - 1; i >= 0; i--)
		eng_unlock(&shards[i].lock);
}

size_t objects_kind_size(uint32_t kind)
{
	switch (kind) {
	case KIND_MUTEX:
		return sizeof(pthread_mutex_t);
	case KIND_RWLOCK:
		return sizeof(pthread_rwlock_t);
	case KIND_SPIN:
		return sizeof(pthread_spinlock_t);
	case KIND_SEM:
		return sizeof(sem_t);
	case KIND_COND:
		return sizeof(pthread_cond_t);
	case KIND_BARRIER:
		return sizeof(pthread_barrier_t);
	case KIND_ONCE:
		return sizeof(pthread_once_t);
	default:
		return 0;
	}
}
