/* SPDX-License-Identifier: MIT */
/*
 * unit.unlock_not_owned: unlocking a mutex the thread does not hold is an
 * error, whether nobody holds it or another thread does. Silent: the owner
 * read from the mutex is the thread itself (taken where we could not see),
 * the thread holds it, or it is a semaphore (posted by anyone).
 */
#include <string.h>

#include "engine_fixture.h"

#define A 0x90040ull
#define B 0x90080ull
#define C 0x900c0ull
#define D 0x90100ull
#define S 0x90140ull

int main(void)
{
	struct eng_thread *t1, *t2;
	const struct report *r;
	int oi;

	fx_init();
	t1 = fx_thread();
	t2 = fx_thread();

	/* Silent first. */
	fx_lock(t1, A, fx_stack(1));
	fx_unlock(t1, A, fx_stack(2));
	fx_unlock_owner(t1, C, t1->tid, fx_stack(3));
	fx_event(t1, OP_RELEASE, KIND_SEM, 0, S, 0, fx_stack(4));
	CHECK_EQ(fx_nreports(), 0);

	/* Nobody holds D. */
	fx_unlock(t1, D, fx_stack(10));
	CHECK_EQ(fx_nreports(), 1);
	r = &fx_report(0)->r;
	CHECK_EQ(fx_report(0)->kind, REP_UNLOCK_NOT_OWNED);
	CHECK_EQ(fx_report(0)->severity, SEV_ERROR);
	oi = fx_obj_by_addr(r, D);
	CHECK(oi >= 0);
	CHECK_EQ(r->nsites, 1);
	CHECK_EQ(r->sites[0].thread, t1->num);
	CHECK_EQ(r->sites[0].object, oi);
	CHECK_EQ(r->sites[0].stack, fx_stack(10));

	/* T2 holds B; T1 unlocks it. */
	fx_lock(t2, B, fx_stack(20));
	fx_unlock_owner(t1, B, t2->tid, fx_stack(21));
	CHECK_EQ(fx_nreports(), 2);
	r = &fx_report(1)->r;
	CHECK_EQ(fx_report(1)->kind, REP_UNLOCK_NOT_OWNED);
	CHECK_EQ(fx_report(1)->severity, SEV_ERROR);
	oi = fx_obj_by_addr(r, B);
	CHECK(oi >= 0);
	CHECK(r->objects[oi].id != 0);
	CHECK_EQ(r->nthreads, 2);
	CHECK_EQ(r->sites[0].thread, t1->num);
	CHECK_EQ(r->sites[0].stack, fx_stack(21));
	CHECK(strstr(r->message, "held by thread T2") != NULL);
	/* T2 still holds it. */
	CHECK_EQ(t2->depth, 1);
	fx_unlock(t2, B, fx_stack(22));
	CHECK_EQ(t2->depth, 0);
	CHECK_EQ(fx_nreports(), 2);
	return 0;
}
