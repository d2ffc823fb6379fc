/* SPDX-License-Identifier: MIT */
/*
 * exited_owner_timed_warning.c - "leaver" ends while it holds state_lock
 * (exit-holding-locks, an error); "waiter" then tries it with
 * pthread_mutex_timedlock: nobody will unlock it, but the wait ends by
 * itself. A warning, which on_deadlock=exit does not act on: the waiter
 * gets ETIMEDOUT and the program goes on to its end (the exit status is
 * 66 for the error).
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=exit-holding-locks severity=error lines=@taken threads=leaver objects=state_lock
 * EXPECT report kind=deadlock severity=warning lines=@taken,@wait threads=leaver,waiter objects=state_lock
 * EXPECT stderr~=has exited
 * EXPECT stderr~=waiter gave up
 */
#include <errno.h>
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

static void *leaver(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0); /* @taken */
	return NULL;
}

static void *waiter(void *arg)
{
	struct timespec ts = dl_deadline(200);

	(void)arg;
	CHECK_EQ(pthread_mutex_timedlock(&state_lock, &ts), ETIMEDOUT); /* @wait */
	fprintf(stderr, "waiter gave up\n");
	return NULL;
}

int main(void)
{
	struct dl_thread l, w;

	dl_bound(5);
	dl_spawn(&l, "leaver", leaver, NULL);
	dl_join(&l);
	dl_spawn(&w, "waiter", waiter, NULL);
	dl_join(&w);
	return 0;
}
