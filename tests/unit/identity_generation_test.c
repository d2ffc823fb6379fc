/* SPDX-License-Identifier: MIT */
/*
 * unit.identity_generation: A at address X and B at Y, taken A -> B. When
 * X's memory is freed (or the mutex destroyed) its edges go, and a new
 * mutex at X is a new object: taking B -> X is no inversion. The new object
 * takes part in orders of its own: X -> Y afterwards is one.
 */
#include "engine_fixture.h"
#include "objects.h"
#include "order_graph.h"

#define X 0x80040ull
#define Y 0x80080ull
#define P 0x81040ull
#define Q 0x81080ull

static uint64_t id_at(uint64_t addr)
{
	struct eng_obj *o = objects_get(addr, KIND_NONE, false, 0, NULL);

	return o ? o->id : 0;
}

static void take2(struct eng_thread *t, uint64_t x, uint64_t y, unsigned site)
{
	fx_lock(t, x, fx_stack(site));
	fx_lock(t, y, fx_stack(site + 1));
	fx_unlock(t, y, fx_stack(site + 2));
	fx_unlock(t, x, fx_stack(site + 3));
}

int main(void)
{
	struct eng_thread *t1, *t2;
	uint64_t old_x, new_x, old_p, id_y;
	const struct report *r;
	const struct rep_edge *e;
	int xi;

	fx_init();
	t1 = fx_thread();
	t2 = fx_thread();

	/* Freed memory. */
	take2(t1, X, Y, 10);
	old_x = id_at(X);
	id_y = id_at(Y);
	CHECK(old_x != 0 && id_y != 0 && old_x != id_y);
	CHECK_EQ(objects_count(), 2);
	CHECK_EQ(graph_edge_count(), 1);
	CHECK_EQ(graph_node_count(), 2);
	fx_retire_range(t1, X - 0x40, 0x80); /* covers X, not Y */
	CHECK_EQ(id_at(X), 0);
	CHECK_EQ(id_at(Y), id_y);
	CHECK_EQ(objects_count(), 1);
	CHECK_EQ(graph_edge_count(), 0);
	take2(t2, Y, X, 20);
	CHECK_EQ(fx_nreports(), 0);
	new_x = id_at(X);
	CHECK(new_x != 0 && new_x != old_x && new_x != id_y);
	CHECK_EQ(graph_edge_count(), 1);
	CHECK_EQ(objects_count(), 2);

	/* Destroyed mutex. */
	take2(t1, P, Q, 30);
	old_p = id_at(P);
	CHECK_EQ(graph_edge_count(), 2);
	fx_destroy(t1, P, fx_stack(34));
	CHECK_EQ(id_at(P), 0);
	CHECK_EQ(graph_edge_count(), 1);
	take2(t2, Q, P, 40);
	CHECK_EQ(fx_nreports(), 0);
	CHECK(id_at(P) != 0 && id_at(P) != old_p);
	CHECK_EQ(graph_edge_count(), 2);

	/* Re-initialised in place: a new object as well. */
	fx_init_mutex(t1, Q, MTYPE_NORMAL, fx_stack(50));
	CHECK_EQ(graph_edge_count(), 1);
	take2(t1, P, Q, 60);
	CHECK_EQ(fx_nreports(), 0);

	/* Must report: the new X against Y, in both orders. */
	take2(t1, X, Y, 70);
	CHECK_EQ(fx_nreports(), 1);
	r = &fx_report(0)->r;
	CHECK_EQ(fx_report(0)->kind, REP_LOCK_ORDER_INVERSION);
	fx_check_cycle_shape(r);
	xi = fx_obj_by_addr(r, X);
	CHECK(xi >= 0);
	CHECK_EQ(r->objects[xi].id, new_x);
	e = fx_edge(r, Y, X);
	CHECK(e && e->thread == t2->num && e->from_stack == fx_stack(20) &&
	      e->to_stack == fx_stack(21));
	e = fx_edge(r, X, Y);
	CHECK(e && e->thread == t1->num && e->from_stack == fx_stack(70) &&
	      e->to_stack == fx_stack(71));
	return 0;
}
