/* SPDX-License-Identifier: MIT */
/*
 * cancel_join_cycle_silent.c - as glibc's tst-join5: "joiner" joins the
 * main thread, which cancels it and then joins it. The two joins wait for
 * each other, but the joiner's is a cancellation point and its cancel is
 * pending: the cancel ends it, the main thread's join returns
 * PTHREAD_CANCELED. No deadlock.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "dl.h"

static pthread_t main_thread;

static void *joiner(void *arg)
{
	(void)arg;
	pthread_join(main_thread, NULL);
	fprintf(stderr, "NOT REACHED: the join of main returned\n");
	exit(1);
}

int main(void)
{
	struct dl_thread j;
	void *ret = NULL;

	dl_bound(5);
	main_thread = pthread_self();
	dl_spawn(&j, "joiner", joiner, NULL);
	dl_sleep_ms(100); /* the joiner is in its join */
	CHECK_EQ(pthread_cancel(j.th), 0);
	CHECK_EQ(pthread_join(j.th, &ret), 0);
	CHECK(ret == PTHREAD_CANCELED);
	return 0;
}
