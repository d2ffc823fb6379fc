/* SPDX-License-Identifier: MIT */
/*
 * unit.trylock_no_edge: a trylock cannot block, so T1 holding A and
 * trylocking B adds no edge A -> B, and T2 taking B then A is silent. A lock
 * taken while a trylocked lock is held can block: T1 trylocking A and then
 * locking B adds A -> B, which closes the cycle with T2's B -> A.
 */
#include "engine_fixture.h"
#include "order_graph.h"

#define A 0x50040ull
#define B 0x50080ull

int main(void)
{
	struct eng_thread *t1, *t2;
	const struct report *r;
	const struct rep_edge *e;

	fx_init();
	t1 = fx_thread();
	t2 = fx_thread();

	fx_lock(t1, A, fx_stack(1));
	fx_trylock(t1, B, fx_stack(2));
	CHECK_EQ(t1->depth, 2);
	fx_unlock(t1, B, fx_stack(3));
	fx_unlock(t1, A, fx_stack(4));
	CHECK_EQ(t1->depth, 0);
	CHECK_EQ(graph_edge_count(), 0);

	fx_lock(t2, B, fx_stack(5));
	fx_lock(t2, A, fx_stack(6));
	fx_unlock(t2, A, fx_stack(7));
	fx_unlock(t2, B, fx_stack(8));
	CHECK_EQ(graph_edge_count(), 1);
	CHECK_EQ(fx_nreports(), 0);

	/* Again: still nothing learnt from the trylock. */
	fx_lock(t1, A, fx_stack(1));
	fx_trylock(t1, B, fx_stack(2));
	fx_unlock(t1, B, fx_stack(3));
	fx_unlock(t1, A, fx_stack(4));
	CHECK_EQ(fx_nreports(), 0);
	CHECK_EQ(graph_edge_count(), 1);

	/* Trylock A, then lock B: B can block while A is held. Sent as
	 * the preload sends mutex events: with the type read from it. */
	fx_trylock(t1, A, fx_stack(9));
	fx_lock_type(t1, B, MTYPE_NORMAL, fx_stack(10));
	CHECK_EQ(graph_edge_count(), 2);
	CHECK_EQ(fx_nreports(), 1);
	fx_unlock(t1, B, fx_stack(11));
	fx_unlock(t1, A, fx_stack(12));

	r = &fx_report(0)->r;
	CHECK_EQ(fx_report(0)->kind, REP_LOCK_ORDER_INVERSION);
	CHECK_EQ(fx_report(0)->severity, SEV_ERROR);
	fx_check_cycle_shape(r);
	e = fx_edge(r, A, B);
	CHECK(e != NULL);
	CHECK_EQ(e->thread, t1->num);
	CHECK_EQ(e->from_stack, fx_stack(9));
	CHECK_EQ(e->to_stack, fx_stack(10));
	e = fx_edge(r, B, A);
	CHECK(e != NULL);
	CHECK_EQ(e->thread, t2->num);
	CHECK_EQ(e->from_stack, fx_stack(5));
	CHECK_EQ(e->to_stack, fx_stack(6));
	return 0;
}
