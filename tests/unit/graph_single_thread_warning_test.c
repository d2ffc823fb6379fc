/* SPDX-License-Identifier: MIT */
/*
 * unit.graph_single_thread_warning: one thread takes A then B, later B then
 * A. Alone it cannot deadlock with itself: a warning. When a second thread
 * takes B then A too, two threads can meet in opposite orders: a new
 * report, now an error.
 */
#include "engine_fixture.h"

#define A 0x40040ull
#define B 0x40080ull

int main(void)
{
	struct eng_thread *t1, *t2;
	const struct report *r;
	const struct rep_edge *e;

	fx_init();
	t1 = fx_thread();
	t2 = fx_thread();

	fx_lock(t1, A, fx_stack(1));
	fx_lock(t1, B, fx_stack(2));
	fx_unlock(t1, B, fx_stack(3));
	fx_unlock(t1, A, fx_stack(4));
	fx_lock(t1, B, fx_stack(5));
	fx_lock(t1, A, fx_stack(6));
	fx_unlock(t1, A, fx_stack(7));
	fx_unlock(t1, B, fx_stack(8));
	CHECK_EQ(fx_nreports(), 1);
	r = &fx_report(0)->r;
	CHECK_EQ(fx_report(0)->kind, REP_LOCK_ORDER_INVERSION);
	CHECK_EQ(fx_report(0)->severity, SEV_WARNING);
	CHECK_EQ(engine_error_count(), 0);
	fx_check_cycle_shape(r);
	CHECK_EQ(r->nthreads, 1);
	e = fx_edge(r, A, B);
	CHECK(e && e->thread == t1->num && e->from_stack == fx_stack(1) &&
	      e->to_stack == fx_stack(2));
	e = fx_edge(r, B, A);
	CHECK(e && e->thread == t1->num && e->thread2 == 0 &&
	      e->from_stack == fx_stack(5) && e->to_stack == fx_stack(6));

	/* The same thread again: nothing new. */
	fx_lock(t1, B, fx_stack(5));
	fx_lock(t1, A, fx_stack(6));
	fx_unlock(t1, A, fx_stack(7));
	fx_unlock(t1, B, fx_stack(8));
	CHECK_EQ(fx_nreports(), 1);

	/* A second thread: B -> A. */
	fx_lock(t2, B, fx_stack(9));
	fx_lock(t2, A, fx_stack(10));
	fx_unlock(t2, A, fx_stack(11));
	fx_unlock(t2, B, fx_stack(12));
	CHECK_EQ(fx_nreports(), 2);
	r = &fx_report(1)->r;
	CHECK_EQ(fx_report(1)->kind, REP_LOCK_ORDER_INVERSION);
	CHECK_EQ(fx_report(1)->severity, SEV_ERROR);
	CHECK_EQ(engine_error_count(), 1);
	fx_check_cycle_shape(r);
	CHECK_EQ(r->nthreads, 2);
	e = fx_edge(r, B, A);
	CHECK(e != NULL);
	CHECK_EQ(e->thread, t1->num);
	CHECK_EQ(e->thread2, t2->num);
	e = fx_edge(r, A, B);
	CHECK(e && e->thread == t1->num && e->thread2 == 0);
	return 0;
}
