/* SPDX-License-Identifier: MIT */
/*
 * deadlock_exited_owner_reported.c - "leaver" ends while it holds
 * state_lock (exit-holding-locks); "waiter" then locks it and would wait
 * for ever: a deadlock whose other party is the exited owner, named as
 * such, with the line where it took the lock and the line that blocks.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=exit-holding-locks severity=error lines=@taken threads=leaver objects=state_lock
 * EXPECT report kind=deadlock severity=error lines=@taken,@wait threads=leaver,waiter objects=state_lock
 * EXPECT stderr~=has exited
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

static void *leave(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0); /* @taken */
	return NULL;
}

static void *wait_for_it(void *arg)
{
	struct dl_thread l;

	(void)arg;
	dl_spawn(&l, "leaver", leave, NULL);
	dl_join(&l);
	CHECK_EQ(preload_reports(), 1);	 /* exit-holding-locks */
	pthread_mutex_lock(&state_lock); /* @wait */
	fprintf(stderr, "NOT REACHED: waiter got state_lock\n");
	exit(1);
}

int main(void)
{
	struct dl_thread w;

	dl_bound(3);
	dl_spawn(&w, "waiter", wait_for_it, NULL);
	dl_join(&w);
	fprintf(stderr, "NOT REACHED: waiter returned\n");
	return 1;
}
