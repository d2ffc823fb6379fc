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
static uint32_t n_live;

struct eng_thread *threads_new(int32_t tid, uint32_t parent)
{
	struct eng_thread *t = eng_alloc(sizeof(*t));

	if (!t)
		return NULL;
	t->tid = tid;
	t->parent = parent;
	t->alive = 1;
	eng_lock(&reg_lock);
	t->num = ++n_threads;
	n_live++;
	t->next = all_threads;
	all_threads = t;
	eng_unlock(&reg_lock);
	return t;
}

struct eng_thread *threads_find(uint32_t num)
{
	struct eng_thread *t;

	eng_lock(&reg_lock);
	for (t = all_threads; t; t = t->next)
		if (t->num == num)
			break;
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
	for (t = all_threads; t; t = t->next)
		if (t->handle == handle && t->alive)
			break;
	eng_unlock(&reg_lock);
	return t;
}

void threads_exit(struct eng_thread *t)
{
	eng_lock(&reg_lock);
	if (t->alive) {
		t->alive = 0;
		n_live--;
	}
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
		if (t->alive)
			n_live++;
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

		t->held[j].chain = threads_chain_step(prev, t->held[j].id,
					      t->held[j].mode, t->held[j].pc);
	}
}

void threads_ccache_put(struct eng_thread *t, uint64_t key, uint32_t stack)
{
	uint32_t i = threads_ccache_slot(key);
	int probes;

	for (probes = 0; probes < 8; probes++) {
		struct ccache_slot *s = &t->ccache[i];

		if (!s->key || s->key == key) {
			if (!s->key)
				t->ccache_used++;
			s->key = key;
			s->stack = stack;
			return;
		}
		i = (i + 1) & (CCACHE_SIZE - 1);
	}
	/*
	 * A lossy cache: with the neighbourhood full, evict one of its slots
	 * (picked by other bits of the key, so no one chain is always the
	 * victim). A chain evicted only costs one more slow-path visit.
	 */
	i = (threads_ccache_slot(key) + (uint32_t)(key >> 40) % 8) &
	    (CCACHE_SIZE - 1);
	t->ccache[i].key = key;
	t->ccache[i].stack = stack;
}
