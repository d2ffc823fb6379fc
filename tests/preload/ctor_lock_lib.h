/* SPDX-License-Identifier: MIT */
/* ctor_lock_lib.h - see ctor_lock_lib.c. */
#ifndef COFFMAN_TEST_CTOR_LOCK_LIB_H
#define COFFMAN_TEST_CTOR_LOCK_LIB_H

#include <pthread.h>

extern pthread_mutex_t ctor_lock; /* locked by the library's constructor */
extern int ctor_lock_taken;	  /* 1 while the constructor's lock is held */

/* Unlock what the constructor locked; pthread_mutex_unlock's result. */
int ctor_lock_release(void);

#endif /* COFFMAN_TEST_CTOR_LOCK_LIB_H */
