/* SPDX-License-Identifier: MIT */
/*
 * exit_holding_locks_reported.c - a thread that ends while it holds a
 * mutex leaves it locked forever. Reported when the thread function
 * returns (it exits at that function, named with its first line, not in
 * glibc's key destructors), and when it calls pthread_exit (whose call
 * site is named).
 *
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=exit-holding-locks severity=error lines=@taken threads=leaver objects=forgotten
 * EXPECT report kind=exit-holding-locks severity=error lines=@taken2,@quit threads=quitter objects=abandoned
 * EXPECT stderr~=exit-holding-locks
 * EXPECT stderr!~=nptl_deallocate_tsd
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t forgotten = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t abandoned = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t tidy = PTHREAD_MUTEX_INITIALIZER;

static void *leave(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "leaver");
	CHECK_EQ(pthread_mutex_lock(&tidy), 0);
	CHECK_EQ(pthread_mutex_lock(&forgotten), 0); /* @taken */
	CHECK_EQ(pthread_mutex_unlock(&tidy), 0);
	return NULL;
}

static void *quit(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "quitter");
	CHECK_EQ(pthread_mutex_lock(&abandoned), 0); /* @taken2 */
	pthread_exit(NULL);			     /* @quit */
}

int main(void)
{
	run_thread(leave, NULL);
	CHECK_EQ(preload_reports(), 1);
	run_thread(quit, NULL);
	CHECK_EQ(preload_reports(), 2);
	return 0;
}
