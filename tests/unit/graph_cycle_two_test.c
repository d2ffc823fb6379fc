/* SPDX-License-Identifier: MIT */
/*
 * unit.graph_cycle_two: T1 takes A then B, T2 takes B then A (never at the
 * same time): exactly one lock-order-inversion error whose cycle is A, B and
 * whose edges name the right threads and acquisition stacks. Doing it all
 * again, even from another thread or other call sites, adds no report.
 */
#include "engine_fixture.h"
#include "order_graph.h"

#define A 0x10040ull
#define B 0x10080ull

int main(void)
{
	struct eng_thread *t1, *t2, *t3;
	const struct report *r;
	const struct rep_edge *ab, *ba;
	uint32_t sa1, sb1, sb2, sa2;

	fx_init();
	t1 = fx_thread();
	t2 = fx_thread();
	t3 = fx_thread();
	CHECK_EQ(t1->num, 1);
	CHECK_EQ(t2->num, 2);
	sa1 = fx_stack(1);
	sb1 = fx_stack(2);
	sb2 = fx_stack(3);
	sa2 = fx_stack(4);

	/* T1: A -> B. One order alone is silent. */
	fx_lock(t1, A, sa1);
	fx_lock(t1, B, sb1);
	fx_unlock(t1, B, sb1);
	fx_unlock(t1, A, sa1);
	CHECK_EQ(fx_nreports(), 0);
	CHECK_EQ(graph_edge_count(), 1);

	/* T2: B -> A closes the cycle. */
	fx_lock(t2, B, sb2);
	fx_lock(t2, A, sa2);
	CHECK_EQ(fx_nreports(), 1);
	fx_unlock(t2, A, sa2);
	fx_unlock(t2, B, sb2);
	CHECK_EQ(graph_edge_count(), 2);
	CHECK_EQ(t1->depth, 0);
	CHECK_EQ(t2->depth, 0);

	r = &fx_report(0)->r;
	CHECK_EQ(fx_report(0)->kind, REP_LOCK_ORDER_INVERSION);
	CHECK_EQ(fx_report(0)->severity, SEV_ERROR);
	CHECK_EQ(r->pid, 4242);
	CHECK_EQ(engine_error_count(), 1);
	CHECK_EQ(engine_report_count(), 1);
	CHECK_EQ(fx_fatal_calls(), 0);

	/* The cycle: both objects, A first (the oldest edge leaves A). */
	CHECK_EQ(r->nobjects, 2);
	CHECK_EQ(r->ncycle, 2);
	fx_check_cycle_shape(r);
	CHECK(fx_obj_by_addr(r, A) >= 0);
	CHECK(fx_obj_by_addr(r, B) >= 0);
	CHECK(r->objects[fx_obj_by_addr(r, A)].id !=
	      r->objects[fx_obj_by_addr(r, B)].id);
	CHECK_EQ(r->objects[fx_obj_by_addr(r, A)].kind, KIND_MUTEX);
	CHECK_EQ(r->cycle[0], fx_obj_by_addr(r, A));
	CHECK_EQ(r->cycle[1], fx_obj_by_addr(r, B));
	/* First use is the birthplace: A was first seen at sa1, B at sb1. */
	CHECK_EQ(r->objects[fx_obj_by_addr(r, A)].init_stack, sa1);
	CHECK_EQ(r->objects[fx_obj_by_addr(r, B)].init_stack, sb1);

	/* Edges: who took which order, and where. */
	CHECK_EQ(r->nedges, 2);
	ab = fx_edge(r, A, B);
	ba = fx_edge(r, B, A);
	CHECK(ab != NULL);
	CHECK(ba != NULL);
	CHECK_EQ(ab->thread, 1);
	CHECK_EQ(ab->thread2, 0);
	CHECK_EQ(ab->from_stack, sa1);
	CHECK_EQ(ab->to_stack, sb1);
	CHECK_EQ(ab->from_mode, MODE_EXCL);
	CHECK_EQ(ab->timed, 0);
	CHECK_EQ(ba->thread, 2);
	CHECK_EQ(ba->thread2, 0);
	CHECK_EQ(ba->from_stack, sb2);
	CHECK_EQ(ba->to_stack, sa2);
	/* The older edge (T1's) is listed first. */
	CHECK(&r->edges[0] == ab);
	CHECK_EQ(r->nthreads, 2);
	CHECK_EQ(r->threads[0].num + r->threads[1].num, 3);

	/* The same pattern again: no new report. */
	fx_lock(t1, A, sa1);
	fx_lock(t1, B, sb1);
	fx_unlock(t1, B, sb1);
	fx_unlock(t1, A, sa1);
	fx_lock(t2, B, sb2);
	fx_lock(t2, A, sa2);
	fx_unlock(t2, A, sa2);
	fx_unlock(t2, B, sb2);
	/* ... from other call sites and a third thread: the same finding. */
	fx_lock(t1, A, fx_stack(5));
	fx_lock(t1, B, fx_stack(6));
	fx_unlock(t1, B, fx_stack(7));
	fx_unlock(t1, A, fx_stack(8));
	fx_lock(t3, B, fx_stack(9));
	fx_lock(t3, A, fx_stack(10));
	fx_unlock(t3, A, fx_stack(11));
	fx_unlock(t3, B, fx_stack(12));
	CHECK_EQ(fx_nreports(), 1);
	CHECK_EQ(engine_report_count(), 1);
	CHECK_EQ(graph_edge_count(), 2);
	return 0;
}
