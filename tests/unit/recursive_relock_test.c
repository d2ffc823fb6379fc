/* SPDX-License-Identifier: MIT */
/*
 * unit.recursive_relock: a recursive mutex locked twice (the second time
 * through the blocking path too) and unlocked twice is no finding, and the
 * held stack is empty again afterwards. A lock taken under it and the
 * re-entry above that lock add no edge back into it.
 */
#include "engine_fixture.h"
#include "order_graph.h"

#define R 0x60040ull
#define X 0x60080ull

int main(void)
{
	struct eng_thread *t1;

	fx_init();
	t1 = fx_thread();

	fx_lock_type(t1, R, MTYPE_RECURSIVE, fx_stack(1));
	CHECK_EQ(t1->depth, 1);
	CHECK_EQ(fx_event(t1, OP_ACQUIRE, KIND_MUTEX, EVF_TYPE_KNOWN, R,
			  MTYPE_RECURSIVE, fx_stack(2)),
		 0);
	fx_lock_type(t1, R, MTYPE_RECURSIVE, fx_stack(2));
	CHECK_EQ(t1->depth, 1);
	CHECK_EQ(t1->held[0].count, 2);
	fx_unlock(t1, R, fx_stack(3));
	CHECK_EQ(t1->depth, 1);
	CHECK_EQ(t1->held[0].count, 1);
	fx_unlock(t1, R, fx_stack(4));
	CHECK_EQ(t1->depth, 0);
	CHECK_EQ(fx_nreports(), 0);

	/* R, X, R again: X -> R is no order (R was already held). */
	fx_lock_type(t1, R, MTYPE_RECURSIVE, fx_stack(5));
	fx_lock(t1, X, fx_stack(6));
	fx_lock_type(t1, R, MTYPE_RECURSIVE, fx_stack(7));
	CHECK_EQ(t1->depth, 2);
	CHECK_EQ(graph_edge_count(), 1); /* R -> X only */
	fx_unlock(t1, R, fx_stack(8));
	fx_unlock(t1, X, fx_stack(9));
	fx_unlock(t1, R, fx_stack(10));
	CHECK_EQ(t1->depth, 0);
	CHECK_EQ(fx_nreports(), 0);
	CHECK_EQ(engine_report_count(), 0);
	return 0;
}
