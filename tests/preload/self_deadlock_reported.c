/* SPDX-License-Identifier: MIT */
/*
 * self_deadlock_reported.c - a thread that locks a default mutex it already
 * holds waits for itself forever. The runtime sees the second lock block
 * on a mutex the caller owns, reports both sites, and with on_deadlock=exit
 * ends the process with 66 before the real lock hangs.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=self-deadlock severity=error lines=@first,@again threads=relocker objects=lock_a
 * EXPECT stderr~=self-deadlock
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;

static void *relock(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "relocker");
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @first */
	CHECK_EQ(preload_reports(), 0);
	pthread_mutex_lock(&lock_a); /* @again */
	fprintf(stderr, "NOT REACHED: the re-lock returned\n");
	exit(1);
}

int main(void)
{
	run_thread(relock, NULL);
	return 1;
}
