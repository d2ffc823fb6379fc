/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_barrier_reported.c - a barrier for three parties that only
 * two threads ever reach, while main joins them: every thread is blocked
 * for good, an all-threads-blocked error.
 *
 * EXPECT options=watchdog_ms=200:on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=all-threads-blocked severity=error lines=@arrive,@join threads=main,party-1,party-2 objects=rendezvous
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "dl.h"

static pthread_barrier_t rendezvous;

static void *party(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&rendezvous); /* @arrive */
	fprintf(stderr, "NOT REACHED: the barrier opened\n");
	exit(1);
}

int main(void)
{
	struct dl_thread p1, p2;

	dl_bound(3);
	CHECK_EQ(pthread_setname_np(pthread_self(), "main"), 0);
	CHECK_EQ(pthread_barrier_init(&rendezvous, NULL, 3), 0);
	dl_spawn(&p1, "party-1", party, NULL);
	dl_spawn(&p2, "party-2", party, NULL);
	pthread_join(p1.th, NULL); /* @join */
	fprintf(stderr, "NOT REACHED: party-1 returned\n");
	return 1;
}
