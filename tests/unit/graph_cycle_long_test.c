/* SPDX-License-Identifier: MIT */
/*
 * unit.graph_cycle_long: five threads each hold lock i and take lock i+1;
 * the fifth takes lock 0 and closes a cycle of five: one report with five
 * edges, each from the thread that took it. A chain (and a diamond) of
 * five locks with no edge back stays silent.
 */
#include "engine_fixture.h"
#include "order_graph.h"

#define N 5

static uint64_t lock_addr(int set, int i)
{
	return 0x20000ull + (uint64_t)set * 0x1000 + (uint64_t)i * 0x40;
}

/* Thread t holds lock 'from' of the set and takes lock 'to'. */
static void nest(struct eng_thread *t, int set, int from, int to, unsigned site)
{
	fx_lock(t, lock_addr(set, from), fx_stack(site));
	fx_lock(t, lock_addr(set, to), fx_stack(site + 1));
	fx_unlock(t, lock_addr(set, to), fx_stack(site + 2));
	fx_unlock(t, lock_addr(set, from), fx_stack(site + 3));
}

int main(void)
{
	struct eng_thread *t[N];
	const struct report *r;
	int i;

	fx_init();
	for (i = 0; i < N; i++)
		t[i] = fx_thread();

	/* Silent twin: M0 -> M1 -> M2 -> M3 -> M4, plus M0 -> M2 -> M4. */
	for (i = 0; i + 1 < N; i++)
		nest(t[i], 1, i, i + 1, 100 + 10 * (unsigned)i);
	nest(t[0], 1, 0, 2, 160);
	nest(t[1], 1, 2, 4, 170);
	CHECK_EQ(fx_nreports(), 0);
	CHECK_EQ(graph_edge_count(), N + 1);

	/* The cycle: L0 -> L1 -> L2 -> L3 -> L4 -> L0. */
	for (i = 0; i + 1 < N; i++) {
		nest(t[i], 2, i, i + 1, 200 + 10 * (unsigned)i);
		CHECK_EQ(fx_nreports(), 0);
	}
	nest(t[N - 1], 2, N - 1, 0, 200 + 10 * (N - 1));
	CHECK_EQ(fx_nreports(), 1);
	CHECK_EQ(graph_edge_count(), N + 1 + N);

	r = &fx_report(0)->r;
	CHECK_EQ(r->kind, REP_LOCK_ORDER_INVERSION);
	CHECK_EQ(r->severity, SEV_ERROR);
	CHECK_EQ(r->ncycle, N);
	CHECK_EQ(r->nedges, N);
	CHECK_EQ(r->nobjects, N);
	CHECK_EQ(r->nthreads, N);
	fx_check_cycle_shape(r);
	for (i = 0; i < N; i++) {
		const struct rep_edge *e =
			fx_edge(r, lock_addr(2, i), lock_addr(2, (i + 1) % N));

		CHECK(e != NULL);
		CHECK_EQ(e->thread, t[i]->num);
		CHECK_EQ(e->thread2, 0);
		CHECK_EQ(e->from_stack, fx_stack(200 + 10 * (unsigned)i));
		CHECK_EQ(e->to_stack, fx_stack(201 + 10 * (unsigned)i));
		/* Listed from the oldest edge: L0 -> L1 first. */
		CHECK(e == &r->edges[i]);
		CHECK_EQ(r->objects[r->cycle[i]].addr, lock_addr(2, i));
	}
	/* No object of the silent set is in it. */
	for (i = 0; i < N; i++)
		CHECK_EQ(fx_obj_by_addr(r, lock_addr(1, i)), -1);

	/* Closing it again from elsewhere is the same finding. */
	nest(t[0], 2, N - 1, 0, 300);
	CHECK_EQ(fx_nreports(), 1);
	return 0;
}
