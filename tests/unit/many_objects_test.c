/* SPDX-License-Identifier: MIT */
/*
 * unit.many_objects: 200000 mutexes at distinct addresses, each locked and
 * unlocked, some under a long-held lock L (an edge L -> object each), and
 * retired by destroy or by freeing their memory. Every retired object
 * leaves the registry and the graph, and the engine's memory stops growing
 * once the first rounds have sized its free lists: no leak without bound.
 */
#include <stdio.h>

#include "alloc.h"
#include "eng_threads.h"
#include "engine_fixture.h"
#include "objects.h"
#include "order_graph.h"

#define ROUNDS	  20
#define PER_ROUND 10000 /* ROUNDS * PER_ROUND = 200000 objects */
#define GROUP	  8	/* objects retired together under L */
#define BASE	  0x10000000ull
#define L	  0x0f000040ull
#define SLACK	  (64 * 1024) /* far below one round's worth of records */

static uint64_t obj_addr(int i)
{
	return BASE + (uint64_t)i * 64;
}

static void touch(struct eng_thread *t, int i, uint32_t s_lock,
		  uint32_t s_unlock)
{
	fx_lock(t, obj_addr(i), s_lock);
	fx_unlock(t, obj_addr(i), s_unlock);
}

int main(void)
{
	struct eng_thread *t;
	uint32_t s_lock, s_unlock, s_destroy, s_l;
	size_t mem_sized = 0, mem;
	int round, j, first, under_l;
	uint64_t l_live; /* L stays registered once used */

	fx_init();
	t = fx_thread();
	s_lock = fx_stack(1);
	s_unlock = fx_stack(2);
	s_destroy = fx_stack(3);
	s_l = fx_stack(4);

	for (round = 0; round < ROUNDS; round++) {
		first = round * PER_ROUND;
		under_l = round % 4 >= 2;
		l_live = round >= 2;
		if (under_l)
			fx_lock(t, L, s_l);
		switch (round % 4) {
		case 0: /* all live at once, then destroyed */
			for (j = 0; j < PER_ROUND; j++)
				touch(t, first + j, s_lock, s_unlock);
			CHECK_EQ(objects_count(), l_live + PER_ROUND);
			for (j = 0; j < PER_ROUND; j++)
				fx_destroy(t, obj_addr(first + j), s_destroy);
			break;
		case 1: /* all live at once, then their memory freed */
			for (j = 0; j < PER_ROUND; j++)
				touch(t, first + j, s_lock, s_unlock);
			CHECK_EQ(objects_count(), l_live + PER_ROUND);
			fx_retire_range(t, obj_addr(first),
					obj_addr(first + PER_ROUND) -
						obj_addr(first));
			break;
		case 2: /* under L, each destroyed after use */
			for (j = 0; j < PER_ROUND; j++) {
				touch(t, first + j, s_lock, s_unlock);
				fx_destroy(t, obj_addr(first + j), s_destroy);
			}
			break;
		default: /* under L, freed in small groups */
			for (j = 0; j < PER_ROUND; j += GROUP) {
				int k;

				for (k = 0; k < GROUP; k++)
					touch(t, first + j + k, s_lock,
					      s_unlock);
				CHECK_EQ(graph_edge_count(), GROUP);
				fx_retire_range(t, obj_addr(first + j),
						obj_addr(first + j + GROUP) -
							obj_addr(first + j));
				CHECK_EQ(graph_edge_count(), 0);
			}
			break;
		}
		if (under_l)
			fx_unlock(t, L, s_l);
		CHECK_EQ(t->depth, 0);
		CHECK_EQ(objects_count(), l_live);
		CHECK_EQ(graph_edge_count(), 0);
		CHECK(graph_node_count() <= 1); /* L's node at most */
		CHECK_EQ(fx_nreports(), 0);
		/* The address index is sized by the most objects a shard
		 * has held at once, which a later round may exceed, and the
		 * thread's chain cache grows with the chains it has seen up
		 * to its cap: bounded, but not a leak this test looks for. */
		mem = eng_alloc_in_use() - objects_index_bytes() -
		      threads_ccache_bytes(t);
		if (round == 3)
			mem_sized = mem; /* every kind of round seen once */
		if (round > 3 && mem > mem_sized + SLACK) {
			fprintf(stderr,
				"round %d: %zu bytes in use, %zu after round "
				"3\n",
				round, mem, mem_sized);
			CHECK(0);
		}
	}

	/* L goes too: nothing is left. */
	fx_destroy(t, L, s_l);
	CHECK_EQ(objects_count(), 0);
	CHECK_EQ(graph_edge_count(), 0);
	CHECK_EQ(graph_node_count(), 0);
	CHECK_EQ(engine_report_count(), 0);
	fprintf(stderr, "engine memory: %zu in use, %zu peak\n",
		eng_alloc_in_use(), eng_alloc_peak());
	return 0;
}
