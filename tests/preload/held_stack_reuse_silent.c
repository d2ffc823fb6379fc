/* SPDX-License-Identifier: MIT */
/*
 * held_stack_reuse_silent.c - threads one after the other, each given
 * the held stack of the one before (the runtime hands a finished
 * thread's block to the next new one), all take A then B from the same
 * call sites, again and again: one order, no report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include "abba_body.h"

static void *worker(void *arg)
{
	int i;

	for (i = 0; i < 1000; i++)
		a_then_b(arg);
	return NULL;
}

int main(void)
{
	int i;

	for (i = 0; i < 8; i++)
		run_thread(worker, NULL);
	worker(NULL);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
