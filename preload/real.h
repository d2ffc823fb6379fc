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
#include <stddef.h>
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

	int (*pthread_create)(pthread_t *, const pthread_attr_t *,
			      void *(*)(void *), void *);
	int (*pthread_join)(pthread_t, void **);
	void (*pthread_exit)(void *) __attribute__((noreturn));
	int (*pthread_setname_np)(pthread_t, const char *);

	void (*_exit)(int) __attribute__((noreturn));
	void (*_Exit)(int) __attribute__((noreturn));

	void (*free)(void *);
	void *(*realloc)(void *, size_t);
	size_t (*malloc_usable_size)(void *);
	int (*munmap)(void *, size_t);
};

extern struct real_fns real;
extern volatile int real_ready;

/* Resolve every entry (idempotent, safe to race). */
void real_resolve(void);

#define R(fn) (__builtin_expect(real_ready, 1) ? real.fn : (real_resolve(), real.fn))

#endif /* COFFMAN_REAL_H */
