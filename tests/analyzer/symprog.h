/* SPDX-License-Identifier: MIT */
/*
 * symprog.h - a function of a header, for symprog.c: gcc 12's DWARF 5
 * names its file by an index that binutils 2.40's addr2line reads as
 * the including file (symprog.c), where libdw and the runtime say
 * symprog.h.
 */
#ifndef COFFMAN_SYMPROG_H
#define COFFMAN_SYMPROG_H

#include <pthread.h>

extern pthread_mutex_t account_lock;

static __attribute__((noinline)) void audit_all(void)
{
	pthread_mutex_lock(&account_lock); /* @audit_all_lock */
	pthread_mutex_unlock(&account_lock);
}

#endif /* COFFMAN_SYMPROG_H */
