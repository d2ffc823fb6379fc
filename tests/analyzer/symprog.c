/* SPDX-License-Identifier: MIT */
/*
 * symprog.c - symbols for the offline symbolisation test: never run, only
 * read by addr2line and nm through a hand-made trace (symbolize_check.sh)
 * that places this file at a made-up load address.
 */
#include <pthread.h>

#include "symprog.h"

pthread_mutex_t account_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t ledgers[4] = { PTHREAD_MUTEX_INITIALIZER,
			       PTHREAD_MUTEX_INITIALIZER,
			       PTHREAD_MUTEX_INITIALIZER,
			       PTHREAD_MUTEX_INITIALIZER };

__attribute__((noinline)) void transfer(int i)
{
	pthread_mutex_lock(&account_lock); /* @transfer_lock */
	pthread_mutex_lock(&ledgers[i & 3]);
	pthread_mutex_unlock(&ledgers[i & 3]);
	pthread_mutex_unlock(&account_lock);
}

__attribute__((noinline)) void audit(int i)
{
	pthread_mutex_lock(&ledgers[i & 3]);
	pthread_mutex_lock(&account_lock); /* @audit_lock */
	pthread_mutex_unlock(&account_lock);
	pthread_mutex_unlock(&ledgers[i & 3]);
}

int main(int argc, char **argv)
{
	(void)argv;
	transfer(argc);
	audit(argc);
	audit_all();
	return 0;
}
