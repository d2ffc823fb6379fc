/* SPDX-License-Identifier: MIT */
/*
 * once_reentry_reported.c - an init routine that calls pthread_once on
 * its own once object waits for itself to finish: glibc hangs. The
 * runtime sees the thread ask for a once it is running, reports a
 * self-deadlock and, with on_deadlock=exit, exits 66 before hanging.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=self-deadlock severity=error lines=@outer,@inner threads=initializer objects=once
 * EXPECT stderr~=self-deadlock
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "prim.h"

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void init_routine(void)
{
	pthread_once(&once, init_routine); /* @inner */
	fprintf(stderr, "NOT REACHED: the nested pthread_once returned\n");
	exit(1);
}

static void first(void)
{
	CHECK_EQ(preload_reports(), 0);
	pthread_once(&once, init_routine); /* @outer */
	fprintf(stderr, "NOT REACHED: pthread_once returned\n");
	exit(1);
}

int main(void)
{
	run_named("initializer", first);
	return 1;
}
