/* SPDX-License-Identifier: MIT */
/*
 * heap_reuse_silent.c - mutexes in a malloc'ed struct are taken A->B and
 * the struct is freed; malloc of the same size returns the same address,
 * and the new mutexes there are taken B->A. They are new locks, not the
 * old ones, so there is no inversion. The ways to end the old locks'
 * life: freed without pthread_mutex_destroy and the new ones statically
 * initialised (only free() can tell); freed without destroy and the new
 * ones set up by pthread_mutex_init; destroyed, then freed. And, in a
 * static arena that is never freed (so free() cannot tell): the new ones
 * set up by pthread_mutex_init (only init can tell); the old ones
 * destroyed and the new ones statically initialised (only destroy can).
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

struct pair {
	pthread_mutex_t a;
	pthread_mutex_t b;
	long payload[4];
};

enum setup { STATIC_INIT, CALL_INIT };
enum storage { HEAP, ARENA };

/* A one-slot arena: "allocating" from it always returns the same block. */
static union {
	struct pair pair;
	long align;
} arena;

static void *a_then_b(void *arg)
{
	struct pair *p = arg;

	pthread_setname_np(pthread_self(), "old_ab");
	CHECK_EQ(pthread_mutex_lock(&p->a), 0);
	CHECK_EQ(pthread_mutex_lock(&p->b), 0);
	p->payload[0]++;
	CHECK_EQ(pthread_mutex_unlock(&p->b), 0);
	CHECK_EQ(pthread_mutex_unlock(&p->a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	struct pair *p = arg;

	pthread_setname_np(pthread_self(), "new_ba");
	CHECK_EQ(pthread_mutex_lock(&p->b), 0);
	CHECK_EQ(pthread_mutex_lock(&p->a), 0);
	p->payload[0]++;
	CHECK_EQ(pthread_mutex_unlock(&p->a), 0);
	CHECK_EQ(pthread_mutex_unlock(&p->b), 0);
	return NULL;
}

static struct pair *new_pair(enum setup how, enum storage where)
{
	static const pthread_mutex_t initializer = PTHREAD_MUTEX_INITIALIZER;
	struct pair *p = where == HEAP ? malloc(sizeof(*p)) : &arena.pair;

	CHECK(p != NULL);
	memset(p, 0, sizeof(*p));
	if (how == STATIC_INIT) {
		p->a = initializer;
		p->b = initializer;
	} else {
		CHECK_EQ(pthread_mutex_init(&p->a, NULL), 0);
		CHECK_EQ(pthread_mutex_init(&p->b, NULL), 0);
	}
	return p;
}

static int reused, tried;

static void round_trip(enum setup how, int destroy, enum storage where)
{
	struct pair *old = new_pair(how, where), *fresh;
	void *old_addr = old;

	run_thread(a_then_b, old);
	if (destroy) {
		CHECK_EQ(pthread_mutex_destroy(&old->a), 0);
		CHECK_EQ(pthread_mutex_destroy(&old->b), 0);
	}
	if (where == HEAP)
		free(old);
	fresh = new_pair(how, where);
	tried++;
	if ((void *)fresh == old_addr)
		reused++;
	else
		printf("malloc did not reuse %p (got %p): this round tests "
		       "less\n",
		       old_addr, (void *)fresh);
	run_thread(b_then_a, fresh);
	CHECK_EQ(preload_reports(), 0);
	if (destroy) {
		CHECK_EQ(pthread_mutex_destroy(&fresh->a), 0);
		CHECK_EQ(pthread_mutex_destroy(&fresh->b), 0);
	}
	if (where == HEAP)
		free(fresh);
}

int main(void)
{
	round_trip(STATIC_INIT, 0, HEAP);
	round_trip(CALL_INIT, 0, HEAP);
	round_trip(CALL_INIT, 1, HEAP);
	round_trip(STATIC_INIT, 1, HEAP);
	/* This one ends with the arena's locks destroyed, so the next
	 * starts from no history (a static initialiser makes no call). */
	round_trip(STATIC_INIT, 1, ARENA);
	round_trip(CALL_INIT, 0, ARENA);
	printf("address reused in %d of %d rounds\n", reused, tried);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
