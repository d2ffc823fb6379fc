/* SPDX-License-Identifier: MIT */
/*
 * unit.graph_gate_lock: T1 takes G, A, B and T2 takes G, B, A. The
 * inversion cannot deadlock while both hold G: silent. When a third thread
 * takes B then A without G, the edge B -> A loses its gate and the cycle is
 * checked again: reported. The same with one thread dropping the gate
 * (nothing else about the edge changes): reported too.
 */
#include "engine_fixture.h"

#define G  0x30000ull
#define A  0x30040ull
#define B  0x30080ull
#define G2 0x31000ull
#define C  0x31040ull
#define D  0x31080ull

static void take3(struct eng_thread *t, uint64_t x, uint64_t y, uint64_t z,
		  unsigned site)
{
	fx_lock(t, x, fx_stack(site));
	fx_lock(t, y, fx_stack(site + 1));
	fx_lock(t, z, fx_stack(site + 2));
	fx_unlock(t, z, fx_stack(site + 3));
	fx_unlock(t, y, fx_stack(site + 4));
	fx_unlock(t, x, fx_stack(site + 5));
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
	struct eng_thread *t1, *t2, *t3;
	const struct report *r;
	const struct rep_edge *e;

	fx_init();
	t1 = fx_thread();
	t2 = fx_thread();
	t3 = fx_thread();

	/* Both orders under G: silent, also when repeated. */
	take3(t1, G, A, B, 10);
	take3(t2, G, B, A, 20);
	take3(t1, G, A, B, 10);
	take3(t2, G, B, A, 20);
	CHECK_EQ(fx_nreports(), 0);

	/* T3: B -> A with no gate. */
	take2(t3, B, A, 30);
	CHECK_EQ(fx_nreports(), 1);
	r = &fx_report(0)->r;
	CHECK_EQ(r->kind, REP_LOCK_ORDER_INVERSION);
	CHECK_EQ(r->severity, SEV_ERROR);
	CHECK_EQ(r->ncycle, 2);
	fx_check_cycle_shape(r);
	CHECK_EQ(fx_obj_by_addr(r, G), -1);
	e = fx_edge(r, A, B);
	CHECK(e != NULL);
	CHECK_EQ(e->thread, t1->num);
	CHECK_EQ(e->from_stack, fx_stack(11));
	CHECK_EQ(e->to_stack, fx_stack(12));
	e = fx_edge(r, B, A);
	CHECK(e != NULL);
	/* The edge was first taken by T2 (under G), then by T3. */
	CHECK_EQ(e->thread, t2->num);
	CHECK_EQ(e->thread2, t3->num);
	CHECK_EQ(e->from_stack, fx_stack(21));
	CHECK_EQ(e->to_stack, fx_stack(22));

	/* Only the gate changes: T2 itself takes D -> C without G2. */
	take3(t1, G2, C, D, 40);
	take3(t2, G2, D, C, 50);
	CHECK_EQ(fx_nreports(), 1);
	take2(t2, D, C, 60);
	CHECK_EQ(fx_nreports(), 2);
	r = &fx_report(1)->r;
	CHECK_EQ(r->kind, REP_LOCK_ORDER_INVERSION);
	CHECK_EQ(r->severity, SEV_ERROR);
	fx_check_cycle_shape(r);
	CHECK(fx_edge(r, C, D) != NULL);
	e = fx_edge(r, D, C);
	CHECK(e != NULL);
	CHECK_EQ(e->thread, t2->num);
	CHECK_EQ(e->thread2, 0);
	CHECK_EQ(fx_obj_by_addr(r, G2), -1);
	return 0;
}
