/* SPDX-License-Identifier: MIT */
/* stackdepot.c - hash-consed call stacks with lock-free lookup by id. */
#include "stackdepot.h"

#include <string.h>

#include "alloc.h"
#include "hash.h"
#include "lock.h"

#define DIR_BITS 12 /* ids are split into directory and page parts */
#define PAGE_IDS 1024

struct stack_rec {
	uint64_t hash;
	uint32_t id;
	uint32_t n;
	UT_hash_handle hh;
	uint64_t pcs[]; /* n frames */
};

static struct eng_lock depot_lock = ENG_LOCK_INIT;
static struct stack_rec *by_hash;
static struct stack_rec **dir[1u << DIR_BITS]; /* id -> record pages */
static uint32_t n_stacks;

static uint64_t hash_pcs(const uint64_t *pcs, int n)
{
	uint64_t h = (uint64_t)n;
	int i;

	for (i = 0; i < n; i++)
		h = hash_mix(h ^ pcs[i]);
	return h;
}

uint32_t stackdepot_intern(const uint64_t *pcs, int n)
{
	struct stack_rec *r;
	uint64_t h;
	uint32_t id;

	if (n <= 0)
		return 0;
	if (n > STACK_MAX_DEPTH)
		n = STACK_MAX_DEPTH;
	h = hash_pcs(pcs, n);
	eng_lock(&depot_lock);
	HASH_FIND(hh, by_hash, &h, sizeof(h), r);
	while (r) {
		/* uthash finds the first equal key; collisions compare pcs. */
		if (r->n == (uint32_t)n &&
		    !memcmp(r->pcs, pcs, (size_t)n * sizeof(*pcs))) {
			id = r->id;
			eng_unlock(&depot_lock);
			return id;
		}
		h++; /* open-address collisions by bumping the key */
		HASH_FIND(hh, by_hash, &h, sizeof(h), r);
	}
	id = n_stacks + 1;
	if ((id / PAGE_IDS) >= (1u << DIR_BITS))
		goto fail;
	if (!dir[id / PAGE_IDS]) {
		dir[id / PAGE_IDS] = eng_alloc(PAGE_IDS * sizeof(void *));
		if (!dir[id / PAGE_IDS])
			goto fail;
	}
	r = eng_alloc(sizeof(*r) + (size_t)n * sizeof(*pcs));
	if (!r)
		goto fail;
	r->hash = h;
	r->id = id;
	r->n = (uint32_t)n;
	memcpy(r->pcs, pcs, (size_t)n * sizeof(*pcs));
	HASH_ADD(hh, by_hash, hash, sizeof(r->hash), r);
	__atomic_store_n(&dir[id / PAGE_IDS][id % PAGE_IDS], r,
			 __ATOMIC_RELEASE);
	__atomic_store_n(&n_stacks, id, __ATOMIC_RELEASE);
	eng_unlock(&depot_lock);
	return id;
fail:
	eng_unlock(&depot_lock);
	return 0;
}

int stackdepot_get(uint32_t id, const uint64_t **pcs)
{
	struct stack_rec **page, *r;

	if (!id || id > __atomic_load_n(&n_stacks, __ATOMIC_ACQUIRE))
		return 0;
	page = __atomic_load_n(&dir[id / PAGE_IDS], __ATOMIC_ACQUIRE);
	if (!page)
		return 0;
	r = __atomic_load_n(&page[id % PAGE_IDS], __ATOMIC_ACQUIRE);
	if (!r)
		return 0;
	*pcs = r->pcs;
	return (int)r->n;
}

uint32_t stackdepot_count(void)
{
	return __atomic_load_n(&n_stacks, __ATOMIC_RELAXED);
}

void stackdepot_lock_all(void)
{
	eng_lock(&depot_lock);
}

void stackdepot_unlock_all(void)
{
	eng_unlock(&depot_lock);
}
