/* SPDX-License-Identifier: MIT */
/*
 * real.h - the real libc functions behind each interposed name, resolved
 * lazily with dlsym(RTLD_NEXT) (dlvsym for the versioned condvar calls),
 * because wrappers run before our constructor when another library's
 * constructor locks.
 */
#ifndef COFFMAN_REAL_H
#define COFFMAN_REAL_H

#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stddef.h>
#include <threads.h>
#include <sys/types.h>
#include <time.h>

struct real_fns {
	int (*pthread_mutex_init)(pthread_mutex_t *,
				  const pthread_mutexattr_t *);
	int (*pthread_mutex_destroy)(pthread_mutex_t *);
	int (*pthread_mutex_lock)(pthread_mutex_t *);
	int (*pthread_mutex_trylock)(pthread_mutex_t *);
	int (*pthread_mutex_timedlock)(pthread_mutex_t *,
				       const struct timespec *);
	int (*pthread_mutex_clocklock)(pthread_mutex_t *, clockid_t,
				       const struct timespec *);
	int (*pthread_mutex_unlock)(pthread_mutex_t *);

	int (*cond_wait_232)(pthread_cond_t *, pthread_mutex_t *);
	int (*cond_timedwait_232)(pthread_cond_t *, pthread_mutex_t *,
				  const struct timespec *);
	int (*cond_wait_225)(pthread_cond_t *, pthread_mutex_t *);
	int (*cond_timedwait_225)(pthread_cond_t *, pthread_mutex_t *,
				  const struct timespec *);
	int (*pthread_cond_clockwait)(pthread_cond_t *, pthread_mutex_t *,
				      clockid_t, const struct timespec *);
	int (*cond_signal_232)(pthread_cond_t *);
	int (*cond_broadcast_232)(pthread_cond_t *);
	int (*cond_signal_225)(pthread_cond_t *);
	int (*cond_broadcast_225)(pthread_cond_t *);
	int (*cond_destroy_232)(pthread_cond_t *);
	int (*cond_destroy_225)(pthread_cond_t *);
	void (*cnd_destroy)(cnd_t *);
	int (*cnd_signal)(cnd_t *);
	int (*cnd_broadcast)(cnd_t *);

	int (*pthread_rwlock_init)(pthread_rwlock_t *,
				   const pthread_rwlockattr_t *);
	int (*pthread_rwlock_destroy)(pthread_rwlock_t *);
	int (*pthread_rwlock_rdlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_tryrdlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_timedrdlock)(pthread_rwlock_t *,
					  const struct timespec *);
	int (*pthread_rwlock_clockrdlock)(pthread_rwlock_t *, clockid_t,
					  const struct timespec *);
	int (*pthread_rwlock_wrlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_trywrlock)(pthread_rwlock_t *);
	int (*pthread_rwlock_timedwrlock)(pthread_rwlock_t *,
					  const struct timespec *);
	int (*pthread_rwlock_clockwrlock)(pthread_rwlock_t *, clockid_t,
					  const struct timespec *);
	int (*pthread_rwlock_unlock)(pthread_rwlock_t *);

	int (*pthread_spin_init)(pthread_spinlock_t *, int);
	int (*pthread_spin_destroy)(pthread_spinlock_t *);
	int (*pthread_spin_lock)(pthread_spinlock_t *);
	int (*pthread_spin_trylock)(pthread_spinlock_t *);
	int (*pthread_spin_unlock)(pthread_spinlock_t *);

	int (*sem_init)(sem_t *, int, unsigned int);
	int (*sem_destroy)(sem_t *);
	int (*sem_wait)(sem_t *);
	int (*sem_trywait)(sem_t *);
	int (*sem_timedwait)(sem_t *, const struct timespec *);
	int (*sem_clockwait)(sem_t *, clockid_t, const struct timespec *);
	int (*sem_post)(sem_t *);
	int (*sem_getvalue)(sem_t *, int *);
	sem_t *(*sem_open)(const char *, int, ...);
	int (*sem_close)(sem_t *);
	int (*sem_unlink)(const char *);

	int (*pthread_barrier_init)(pthread_barrier_t *,
				    const pthread_barrierattr_t *, unsigned);
	int (*pthread_barrier_destroy)(pthread_barrier_t *);
	int (*pthread_barrier_wait)(pthread_barrier_t *);

	int (*pthread_once)(pthread_once_t *, void (*)(void));
	void (*call_once)(once_flag *, void (*)(void));

	int (*mtx_init)(mtx_t *, int);
	void (*mtx_destroy)(mtx_t *);
	int (*mtx_lock)(mtx_t *);
	int (*mtx_timedlock)(mtx_t *, const struct timespec *);
	int (*mtx_trylock)(mtx_t *);
	int (*mtx_unlock)(mtx_t *);
	int (*cnd_wait)(cnd_t *, mtx_t *);
	int (*cnd_timedwait)(cnd_t *, mtx_t *, const struct timespec *);
	int (*thrd_create)(thrd_t *, thrd_start_t, void *);
	int (*thrd_join)(thrd_t, int *);
	int (*thrd_detach)(thrd_t);
	void (*thrd_exit)(int) __attribute__((noreturn));

	int (*pthread_create)(pthread_t *, const pthread_attr_t *,
			      void *(*)(void *), void *);
	int (*pthread_join)(pthread_t, void **);
	int (*pthread_tryjoin_np)(pthread_t, void **);
	int (*pthread_timedjoin_np)(pthread_t, void **,
				    const struct timespec *);
	int (*pthread_clockjoin_np)(pthread_t, void **, clockid_t,
				    const struct timespec *);
	int (*pthread_detach)(pthread_t);
	int (*pthread_cancel)(pthread_t);
	int (*pthread_setcanceltype)(int, int *);
	void (*pthread_exit)(void *) __attribute__((noreturn));
	int (*pthread_setname_np)(pthread_t, const char *);

	void (*_exit)(int) __attribute__((noreturn));
	void (*_Exit)(int) __attribute__((noreturn));

	int (*clone)(int (*)(void *), void *, int, void *, ...);
	int (*execve)(const char *, char *const[], char *const[]);
	int (*execv)(const char *, char *const[]);
	int (*execvp)(const char *, char *const[]);
	int (*execvpe)(const char *, char *const[], char *const[]);
	int (*fexecve)(int, char *const[], char *const[]);

	void (*free)(void *);
	void *(*realloc)(void *, size_t);
	size_t (*malloc_usable_size)(void *);
	int (*munmap)(void *, size_t);
	int (*dlclose)(void *);

	int (*sigaction)(int, const struct sigaction *, struct sigaction *);
	sighandler_t (*signal)(int, sighandler_t);

	int (*prctl)(int, ...);
};

extern struct real_fns real;
extern volatile int real_ready;

/* Resolve every entry (idempotent, safe to race). */
void real_resolve(void);

#define R(fn) (__builtin_expect(real_ready, 1) ? real.fn : (real_resolve(), real.fn))

#endif /* COFFMAN_REAL_H */
