/* SPDX-License-Identifier: MIT */
/*
 * fork_child_known_nesting_reported.c - main takes A then B, forks, and
 * in the child takes A then B again from the same call sites, then a
 * child thread ("second") takes B then A: an inversion in the child. The
 * child starts its order graph afresh, so main's nesting from before the
 * fork must count again there, though main's held stack still holds the
 * entries it pushed for it.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=second objects=lock_a,lock_b
 */
#include "abba_body.h"

/* main's nesting again, then the inverted order from a thread. */
static void child(void)
{
	a_then_b(NULL);
	run_thread(b_then_a, NULL);
	CHECK_EQ(preload_reports(), 1);
}

int main(void)
{
	a_then_b(NULL); /* names main "first" */
	a_then_b(NULL);
	CHECK_EQ(run_child(child), 66);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
