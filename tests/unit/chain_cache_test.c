/* SPDX-License-Identifier: MIT */
/*
 * unit.chain_cache: a thread's seen-chain cache keeps one word per chain,
 * the key's top 40 bits and the stack id: a chain put is found with its
 * stack, an unknown one is not; a stack id that does not fit the word
 * (2^24 or more) and a key with no top bits are not cached at all (never
 * taken for another chain); the table grows past its first size and
 * keeps what it held; it grows at three quarters full (its size is what
 * the fast path pays for, in cache lines); and below its cap it grows
 * rather than lose a chain that finds no free slot near its home.
 */
#include <stdbool.h>

#include "eng_threads.h"
#include "engine_fixture.h"

/* A key as the chain hash makes them: well mixed, low bit set. */
static uint64_t key_of(uint64_t i)
{
	return ((i + 1) * 0x9e3779b97f4a7c15ULL) | 1;
}

/* Keys with the same top 10 bits, differing in the 6 below them. */
static uint64_t clustered(uint64_t i)
{
	return (0x2a5ULL << 54) | (i << 48) | (1ULL << 30) | 1;
}

int main(void)
{
	struct eng_thread *t;
	uint32_t stack = 0;
	uint64_t i;
	size_t first;

	fx_init();
	t = fx_thread();
	CHECK(!threads_ccache_get(t, key_of(0), &stack));

	threads_ccache_put(t, key_of(0), 7);
	CHECK(threads_ccache_get(t, key_of(0), &stack));
	CHECK_EQ(stack, 7);
	CHECK(!threads_ccache_get(t, key_of(1), &stack));

	/* The largest stack id that fits, and the first that does not. */
	threads_ccache_put(t, key_of(2), (1u << 24) - 1);
	CHECK(threads_ccache_get(t, key_of(2), &stack));
	CHECK_EQ(stack, (1u << 24) - 1);
	threads_ccache_put(t, key_of(3), 1u << 24);
	CHECK(!threads_ccache_get(t, key_of(3), &stack));

	/* A key whose top 40 bits are 0 has no tag: not cached. */
	threads_ccache_put(t, 0xabcdefULL, 5);
	CHECK(!threads_ccache_get(t, 0xabcdefULL, &stack));

	/* Keys that differ only below the tag are one chain to the cache:
	 * the odds of that are those of a 40-bit clash. */
	CHECK(threads_ccache_get(t, key_of(0) ^ 0x100, &stack));
	CHECK_EQ(stack, 7);

	/* Grow: many chains, all found again with their stacks. */
	first = threads_ccache_bytes(t);
	for (i = 10; i < 3000; i++)
		threads_ccache_put(t, key_of(i), (uint32_t)i);
	CHECK(threads_ccache_bytes(t) > first);
	for (i = 10; i < 3000; i++) {
		CHECK(threads_ccache_get(t, key_of(i), &stack));
		CHECK_EQ(stack, (uint32_t)i);
	}
	CHECK(threads_ccache_get(t, key_of(0), &stack));
	CHECK_EQ(stack, 7);
	/* 2993 chains: 4096 slots hold them at three quarters (at half it
	 * would take 8192). */
	CHECK_EQ(threads_ccache_bytes(t), 4096 * sizeof(struct ccache_slot));

	/* 40 chains with one home slot in the first table, far more than
	 * CCACHE_PROBES in a row (they part as it grows). None is lost. */
	t = fx_thread();
	for (i = 0; i < 40; i++)
		threads_ccache_put(t, clustered(i), (uint32_t)i + 1);
	for (i = 0; i < 40; i++) {
		CHECK(threads_ccache_get(t, clustered(i), &stack));
		CHECK_EQ(stack, (uint32_t)i + 1);
	}
	return 0;
}
