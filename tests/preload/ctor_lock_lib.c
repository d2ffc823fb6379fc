/* SPDX-License-Identifier: MIT */
/*
 * ctor_lock_lib.c - the shared library of ctor_lock_silent: its
 * constructor locks a global mutex, possibly before libcoffman.so's own
 * constructor has run (so the runtime never saw the lock), and
 * ctor_lock_release() unlocks it later from the program.
 */
#include <pthread.h>

#include "ctor_lock_lib.h"

pthread_mutex_t ctor_lock = PTHREAD_MUTEX_INITIALIZER;
int ctor_lock_taken;

__attribute__((constructor)) static void take_at_load(void)
{
	if (pthread_mutex_lock(&ctor_lock) == 0)
		ctor_lock_taken = 1;
}

int ctor_lock_release(void)
{
	ctor_lock_taken = 0;
	return pthread_mutex_unlock(&ctor_lock);
}
