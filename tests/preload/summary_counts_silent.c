/* SPDX-License-Identifier: MIT */
/*
 * summary_counts_silent.c - verbosity=2 ends the run with a summary of what
 * the runtime saw and holds: two threads, one after the other, each take
 * lock_a then lock_b ten times (one lock-order edge, no contention), and
 * main joins each (the only two waits). Three threads, two objects, one
 * edge, two waits, and the memory per object record and per edge.
 *
 * EXPECT options=verbosity=2
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr~=: 0 report(s), 0 error(s)
 * EXPECT stderr~=: 3 thread(s), 2 object(s), 1 lock-order edge(s),
 * EXPECT stderr~= event(s), 2 wait(s) recorded; memory
 * EXPECT stderr~= B an object record,
 * EXPECT stderr~= B an edge
 */
#include "abba_body.h"

static void *ten_times(void *arg)
{
	int i;

	for (i = 0; i < 10; i++)
		a_then_b(arg);
	return NULL;
}

int main(void)
{
	run_thread(ten_times, NULL);
	run_thread(ten_times, NULL);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
