/* SPDX-License-Identifier: MIT */
/*
 * unit.exit_holding_locks: a thread that exits holding locks leaves them
 * locked forever: one report listing each with where it was taken, and
 * where the thread exited (one held lock is enough). A thread that
 * released everything exits silently.
 */
#include "engine_fixture.h"

#define A 0xa0040ull
#define B 0xa0080ull
#define C 0xa00c0ull

int main(void)
{
	struct eng_thread *t1, *t2, *t3;
	const struct report *r;
	int ai, bi;

	fx_init();
	t1 = fx_thread();
	t2 = fx_thread();
	t3 = fx_thread();

	fx_lock(t2, A, fx_stack(1));
	fx_unlock(t2, A, fx_stack(2));
	fx_thread_exit(t2, fx_stack(3));
	CHECK_EQ(fx_nreports(), 0);
	CHECK_EQ(t2->alive, 0);

	fx_lock(t1, A, fx_stack(10));
	fx_lock(t1, B, fx_stack(11));
	fx_thread_exit(t1, fx_stack(12));
	CHECK_EQ(fx_nreports(), 1);
	CHECK_EQ(t1->alive, 0);
	r = &fx_report(0)->r;
	CHECK_EQ(fx_report(0)->kind, REP_EXIT_HOLDING_LOCKS);
	CHECK_EQ(fx_report(0)->severity, SEV_ERROR);
	CHECK_EQ(r->nobjects, 2);
	ai = fx_obj_by_addr(r, A);
	bi = fx_obj_by_addr(r, B);
	CHECK(ai >= 0 && bi >= 0);
	CHECK_EQ(r->nsites, 3);
	CHECK_EQ(r->sites[0].object, ai);
	CHECK_EQ(r->sites[0].stack, fx_stack(10));
	CHECK_EQ(r->sites[1].object, bi);
	CHECK_EQ(r->sites[1].stack, fx_stack(11));
	CHECK_EQ(r->sites[2].object, -1);
	CHECK_EQ(r->sites[2].stack, fx_stack(12));
	CHECK_EQ(r->sites[0].thread, t1->num);
	CHECK_EQ(r->nthreads, 1);
	CHECK_EQ(r->threads[0].num, t1->num);

	/* One lock is enough. */
	fx_lock(t3, C, fx_stack(20));
	fx_thread_exit(t3, fx_stack(21));
	CHECK_EQ(fx_nreports(), 2);
	r = &fx_report(1)->r;
	CHECK_EQ(fx_report(1)->kind, REP_EXIT_HOLDING_LOCKS);
	CHECK_EQ(fx_report(1)->severity, SEV_ERROR);
	CHECK_EQ(r->nobjects, 1);
	CHECK_EQ(r->objects[0].addr, C);
	CHECK_EQ(r->nsites, 2);
	CHECK_EQ(r->sites[0].stack, fx_stack(20));
	CHECK_EQ(r->sites[1].stack, fx_stack(21));
	CHECK_EQ(r->sites[1].thread, t3->num);
	return 0;
}
