/* SPDX-License-Identifier: MIT */
/*
 * fork_child_reports.c - the parent locks in one order only; its forked
 * child makes an inversion of its own. The child's report is counted in
 * the child (its exit(0) becomes 66), not in the parent (exit 0), and the
 * shared JSON file holds exactly that one report.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=child1,child2 objects=lock_a,lock_b
 */
#define ABBA_FIRST "child1"
#define ABBA_SECOND "child2"
#include "abba_body.h"

static pthread_mutex_t lock_c = PTHREAD_MUTEX_INITIALIZER;

static void *parent_work(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "parent");
	CHECK_EQ(pthread_mutex_lock(&lock_c), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_c), 0);
	return NULL;
}

/* An inversion of the child's own. */
static void child(void)
{
	CHECK_EQ(preload_reports(), 0);
	run_thread(a_then_b, NULL);
	run_thread(b_then_a, NULL);
	CHECK_EQ(preload_reports(), 1);
}

int main(void)
{
	run_thread(parent_work, NULL);
	CHECK_EQ(run_child(child), 66);
	CHECK_EQ(preload_reports(), 0);
	/* The parent's own consistent locking after the fork is still fine. */
	run_thread(parent_work, NULL);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
