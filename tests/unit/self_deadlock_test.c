/* SPDX-License-Identifier: MIT */
/*
 * unit.self_deadlock: a thread that blocks on a normal mutex it already
 * holds waits for itself: an error naming both sites. An error-checking
 * mutex returns EDEADLK instead (silent), a recursive one just nests, and
 * blocking on a mutex another thread holds is plain contention. A timed
 * attempt ends: a warning.
 */
#include "engine_fixture.h"

#define M 0x70040ull
#define E 0x70080ull
#define R 0x700c0ull
#define O 0x70100ull
#define T 0x70140ull

int main(void)
{
	struct eng_thread *t1, *t2;
	const struct fx_report *fr;
	const struct report *r;
	int oi;

	fx_init();
	t1 = fx_thread();
	t2 = fx_thread();

	/* Silent: error-checking, recursive, held by another thread. */
	fx_init_mutex(t1, E, MTYPE_ERRORCHECK, fx_stack(1));
	fx_lock(t1, E, fx_stack(2));
	CHECK_EQ(fx_acquire(t1, E, 0, fx_stack(3)), 0);
	fx_unlock(t1, E, fx_stack(4));
	fx_lock_type(t1, R, MTYPE_RECURSIVE, fx_stack(5));
	CHECK_EQ(fx_event(t1, OP_ACQUIRE, KIND_MUTEX, EVF_TYPE_KNOWN, R,
			  MTYPE_RECURSIVE, fx_stack(6)),
		 0);
	fx_unlock(t1, R, fx_stack(7));
	fx_lock(t2, O, fx_stack(8));
	CHECK_EQ(fx_acquire(t1, O, 0, fx_stack(9)), 0);
	fx_unlock(t2, O, fx_stack(10));
	fx_lock(t1, O, fx_stack(9));
	fx_unlock(t1, O, fx_stack(11));
	CHECK_EQ(fx_nreports(), 0);

	/* A normal mutex locked again by its holder. */
	fx_init_mutex(t1, M, MTYPE_NORMAL, fx_stack(20));
	fx_lock(t1, M, fx_stack(21));
	CHECK_EQ(fx_acquire(t1, M, 0, fx_stack(22)), 0);
	CHECK_EQ(fx_nreports(), 1);
	fr = fx_report(0);
	r = &fr->r;
	CHECK_EQ(fr->kind, REP_SELF_DEADLOCK);
	CHECK_EQ(fr->severity, SEV_ERROR);
	CHECK_EQ(engine_error_count(), 1);
	CHECK_EQ(r->nobjects, 1);
	oi = fx_obj_by_addr(r, M);
	CHECK_EQ(oi, 0);
	CHECK_EQ(r->objects[oi].init_stack, fx_stack(20));
	CHECK_EQ(r->ncycle, 1);
	CHECK_EQ(r->cycle[0], oi);
	CHECK_EQ(r->nsites, 2);
	CHECK_EQ(r->sites[0].thread, t1->num);
	CHECK_EQ(r->sites[0].object, oi);
	CHECK_EQ(r->sites[0].stack, fx_stack(21)); /* where it was taken */
	CHECK_EQ(r->sites[1].thread, t1->num);
	CHECK_EQ(r->sites[1].object, oi);
	CHECK_EQ(r->sites[1].stack, fx_stack(22)); /* where it is retaken */
	CHECK_EQ(r->nthreads, 1);
	CHECK_EQ(r->threads[0].num, t1->num);
	CHECK_EQ(fx_fatal_calls(), 0); /* on_deadlock=report */
	/* The same sites again: one finding. */
	CHECK_EQ(fx_acquire(t1, M, 0, fx_stack(22)), 0);
	CHECK_EQ(fx_nreports(), 1);
	fx_unlock(t1, M, fx_stack(23));

	/* A timed attempt gives up: a warning. */
	fx_lock(t1, T, fx_stack(30));
	CHECK_EQ(fx_acquire(t1, T, EVF_TIMED, fx_stack(31)), 0);
	CHECK_EQ(fx_nreports(), 2);
	CHECK_EQ(fx_report(1)->kind, REP_SELF_DEADLOCK);
	CHECK_EQ(fx_report(1)->severity, SEV_WARNING);
	fx_unlock(t1, T, fx_stack(32));
	CHECK_EQ(engine_error_count(), 1);
	return 0;
}
