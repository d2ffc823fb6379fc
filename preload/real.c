/* SPDX-License-Identifier: MIT */
/* real.c - lazy resolution of the functions we interpose. */
#include "real.h"

#include <dlfcn.h>

struct real_fns real;
volatile int real_ready;

/* A successful lookup neither allocates nor locks (glibc 2.36); only look
 * up names that exist, since a failed one allocates. */
#define NEXT(field, name) (*(void **)&real.field = dlsym(RTLD_NEXT, name))
#define NEXTV(field, name, ver)                                              \
	do {                                                                 \
		*(void **)&real.field = dlvsym(RTLD_NEXT, name, ver);        \
		if (!real.field)                                             \
			*(void **)&real.field = dlsym(RTLD_NEXT, name);      \
	} while (0)

void real_resolve(void)
{
	static volatile int resolving;

	if (real_ready || resolving)
		return;
	resolving = 1;
	/* free first: the other lookups may free through us. */
	NEXT(free, "free");
	NEXT(realloc, "realloc");
	NEXT(malloc_usable_size, "malloc_usable_size");
	NEXT(munmap, "munmap");
	NEXT(pthread_mutex_init, "pthread_mutex_init");
	NEXT(pthread_mutex_destroy, "pthread_mutex_destroy");
	NEXT(pthread_mutex_lock, "pthread_mutex_lock");
	NEXT(pthread_mutex_trylock, "pthread_mutex_trylock");
	NEXT(pthread_mutex_timedlock, "pthread_mutex_timedlock");
	NEXT(pthread_mutex_clocklock, "pthread_mutex_clocklock");
	NEXT(pthread_mutex_unlock, "pthread_mutex_unlock");
	/* Pin the condvar ABI: before glibc 2.36 plain dlsym returned the
	 * 2.2.5 compat version, which hangs on a new-ABI condvar. */
	NEXTV(cond_wait_232, "pthread_cond_wait", "GLIBC_2.3.2");
	NEXTV(cond_timedwait_232, "pthread_cond_timedwait", "GLIBC_2.3.2");
	NEXTV(cond_wait_225, "pthread_cond_wait", "GLIBC_2.2.5");
	NEXTV(cond_timedwait_225, "pthread_cond_timedwait", "GLIBC_2.2.5");
	NEXT(pthread_cond_clockwait, "pthread_cond_clockwait");
	NEXT(pthread_create, "pthread_create");
	NEXT(pthread_join, "pthread_join");
	NEXT(pthread_exit, "pthread_exit");
	NEXT(pthread_setname_np, "pthread_setname_np");
	NEXT(_exit, "_exit");
	NEXT(_Exit, "_Exit");
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	real_ready = 1;
	resolving = 0;
}
