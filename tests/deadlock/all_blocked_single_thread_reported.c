/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_single_thread_reported.c - a program with one thread (it
 * never creates another) waits on a semaphore that nobody posts: every
 * thread is blocked. The watchdog, which makes that report, starts with
 * a program's first thread, or at the first wait of one that has none.
 *
 * EXPECT options=watchdog_ms=200:on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=all-threads-blocked severity=error lines=@down threads=main objects=never
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>
#include <semaphore.h>

#include "dl.h"

static sem_t never;

int main(void)
{
	dl_bound(3);
	CHECK_EQ(pthread_setname_np(pthread_self(), "main"), 0);
	CHECK_EQ(sem_init(&never, 0, 0), 0);
	sem_wait(&never); /* @down */
	fprintf(stderr, "NOT REACHED: the semaphore was posted\n");
	return 1;
}
