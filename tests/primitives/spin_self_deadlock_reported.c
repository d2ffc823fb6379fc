/* SPDX-License-Identifier: MIT */
/*
 * spin_self_deadlock_reported.c - locking a spinlock the thread holds
 * spins forever. With on_deadlock=exit the runtime reports it and exits
 * 66 before spinning.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=self-deadlock severity=error lines=@first,@again threads=spinner objects=spin
 * EXPECT stderr~=self-deadlock
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "prim.h"

static pthread_spinlock_t spin;

static void relock(void)
{
	CHECK_EQ(pthread_spin_lock(&spin), 0); /* @first */
	CHECK_EQ(preload_reports(), 0);
	pthread_spin_lock(&spin); /* @again */
	fprintf(stderr, "NOT REACHED: the re-lock returned\n");
	exit(1);
}

int main(void)
{
	CHECK_EQ(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE), 0);
	run_named("spinner", relock);
	return 1;
}
