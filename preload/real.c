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
	NEXT(dlclose, "dlclose");
	NEXT(sigaction, "sigaction");
	NEXT(signal, "signal");
	NEXT(prctl, "prctl");
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
	NEXTV(cond_signal_232, "pthread_cond_signal", "GLIBC_2.3.2");
	NEXTV(cond_broadcast_232, "pthread_cond_broadcast", "GLIBC_2.3.2");
	NEXTV(cond_signal_225, "pthread_cond_signal", "GLIBC_2.2.5");
	NEXTV(cond_broadcast_225, "pthread_cond_broadcast", "GLIBC_2.2.5");
	NEXTV(cond_destroy_232, "pthread_cond_destroy", "GLIBC_2.3.2");
	NEXTV(cond_destroy_225, "pthread_cond_destroy", "GLIBC_2.2.5");
	NEXT(cnd_destroy, "cnd_destroy");
	NEXT(cnd_signal, "cnd_signal");
	NEXT(cnd_broadcast, "cnd_broadcast");
	NEXT(pthread_create, "pthread_create");
	NEXT(pthread_join, "pthread_join");
	NEXT(pthread_exit, "pthread_exit");
	NEXT(pthread_setname_np, "pthread_setname_np");
	NEXT(pthread_rwlock_init, "pthread_rwlock_init");
	NEXT(pthread_rwlock_destroy, "pthread_rwlock_destroy");
	NEXT(pthread_rwlock_rdlock, "pthread_rwlock_rdlock");
	NEXT(pthread_rwlock_tryrdlock, "pthread_rwlock_tryrdlock");
	NEXT(pthread_rwlock_timedrdlock, "pthread_rwlock_timedrdlock");
	NEXT(pthread_rwlock_clockrdlock, "pthread_rwlock_clockrdlock");
	NEXT(pthread_rwlock_wrlock, "pthread_rwlock_wrlock");
	NEXT(pthread_rwlock_trywrlock, "pthread_rwlock_trywrlock");
	NEXT(pthread_rwlock_timedwrlock, "pthread_rwlock_timedwrlock");
	NEXT(pthread_rwlock_clockwrlock, "pthread_rwlock_clockwrlock");
	NEXT(pthread_rwlock_unlock, "pthread_rwlock_unlock");
	NEXT(pthread_spin_init, "pthread_spin_init");
	NEXT(pthread_spin_destroy, "pthread_spin_destroy");
	NEXT(pthread_spin_lock, "pthread_spin_lock");
	NEXT(pthread_spin_trylock, "pthread_spin_trylock");
	NEXT(pthread_spin_unlock, "pthread_spin_unlock");
	NEXT(sem_init, "sem_init");
	NEXT(sem_destroy, "sem_destroy");
	NEXT(sem_wait, "sem_wait");
	NEXT(sem_trywait, "sem_trywait");
	NEXT(sem_timedwait, "sem_timedwait");
	NEXT(sem_clockwait, "sem_clockwait");
	NEXT(sem_post, "sem_post");
	NEXT(sem_getvalue, "sem_getvalue");
	NEXT(sem_open, "sem_open");
	NEXT(sem_close, "sem_close");
	NEXT(sem_unlink, "sem_unlink");
	NEXT(pthread_barrier_init, "pthread_barrier_init");
	NEXT(pthread_barrier_destroy, "pthread_barrier_destroy");
	NEXT(pthread_barrier_wait, "pthread_barrier_wait");
	NEXT(pthread_once, "pthread_once");
	NEXT(call_once, "call_once");
	NEXT(mtx_init, "mtx_init");
	NEXT(mtx_destroy, "mtx_destroy");
	NEXT(mtx_lock, "mtx_lock");
	NEXT(mtx_timedlock, "mtx_timedlock");
	NEXT(mtx_trylock, "mtx_trylock");
	NEXT(mtx_unlock, "mtx_unlock");
	NEXT(cnd_wait, "cnd_wait");
	NEXT(cnd_timedwait, "cnd_timedwait");
	NEXT(thrd_create, "thrd_create");
	NEXT(thrd_join, "thrd_join");
	NEXT(thrd_detach, "thrd_detach");
	NEXT(thrd_exit, "thrd_exit");
	NEXT(pthread_tryjoin_np, "pthread_tryjoin_np");
	NEXT(pthread_timedjoin_np, "pthread_timedjoin_np");
	NEXT(pthread_clockjoin_np, "pthread_clockjoin_np");
	NEXT(pthread_detach, "pthread_detach");
	NEXT(pthread_cancel, "pthread_cancel");
	NEXT(pthread_setcanceltype, "pthread_setcanceltype");
	NEXT(_exit, "_exit");
	NEXT(_Exit, "_Exit");
	NEXT(clone, "clone");
	NEXT(execve, "execve");
	NEXT(execv, "execv");
	NEXT(execvp, "execvp");
	NEXT(execvpe, "execvpe");
	NEXT(fexecve, "fexecve");
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	real_ready = 1;
	resolving = 0;
}
