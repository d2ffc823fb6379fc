/* SPDX-License-Identifier: MIT */
/*
 * coffman.h - what a program may call to talk to the coffman runtime. Every
 * function here works whether or not libcoffman.so is loaded: without the
 * runtime the calls do nothing and return -ENOSYS (or -1 for counts), and
 * the program needs no extra library to link (only libc's dlsym).
 */
#ifndef COFFMAN_H
#define COFFMAN_H

#include <errno.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COFFMAN_VERSION_MAJOR 0
#define COFFMAN_VERSION_MINOR 1

#ifdef COFFMAN_RUNTIME_BUILD
/* The runtime's definitions (exported by libcoffman.so). */
int coffman_report_count(void);
int coffman_error_count(void);
int coffman_name(const void *object, const char *name);
int coffman_claim(const void *object, unsigned max_units);
int coffman_claims_done(void);
long coffman_thread_event_count(void);
#else

#include <dlfcn.h>
#ifndef RTLD_DEFAULT /* glibc hides it without _GNU_SOURCE */
#define RTLD_DEFAULT ((void *)0)
#endif

typedef int (*coffman__count_fn)(void);
typedef int (*coffman__name_fn)(const void *, const char *);
typedef int (*coffman__claim_fn)(const void *, unsigned);

/* The runtime's function 'name', looked up once; NULL without it. */
static inline void *coffman__lookup(void **cache, int *done, const char *name)
{
	if (!*done) {
		*cache = dlsym(RTLD_DEFAULT, name);
		*done = 1;
	}
	return *cache;
}

/*
 * Number of reports the runtime has made in this process so far (every
 * kind and severity, each distinct finding once). -1 if the runtime is not
 * loaded.
 */
static inline int coffman_report_count(void)
{
	static void *fn;
	static int done;
	coffman__count_fn f = (coffman__count_fn)coffman__lookup(
		&fn, &done, "coffman_report_count");

	return f ? f() : -1;
}

/* Number of reports of severity error so far; -1 without the runtime. */
static inline int coffman_error_count(void)
{
	static void *fn;
	static int done;
	coffman__count_fn f = (coffman__count_fn)coffman__lookup(
		&fn, &done, "coffman_error_count");

	return f ? f() : -1;
}

/*
 * Give a sync object (mutex, rwlock, spinlock, semaphore, condition
 * variable, barrier) a name used in every report. The name is copied.
 * Returns 0, or -ENOSYS without the runtime, -EINVAL for a NULL argument.
 */
static inline int coffman_name(const void *object, const char *name)
{
	static void *fn;
	static int done;
	coffman__name_fn f =
		(coffman__name_fn)coffman__lookup(&fn, &done, "coffman_name");

	return f ? f(object, name) : -ENOSYS;
}

/*
 * Declare that the calling thread may hold up to max_units of object at
 * once: 1 for a mutex, rwlock or spinlock; up to a semaphore's initial
 * value for a semaphore. Declare every claim before the first acquisition
 * of a claimed object. With banker=warn the runtime runs the Banker's
 * safety algorithm at each acquisition by a thread with claims and reports
 * a grant that leaves an unsafe state (unsafe-state) and an acquisition
 * beyond the claim (claim-exceeded); with banker=avoid it delays unsafe
 * grants until they are safe. Declaring again replaces the claim (0 drops
 * it). Returns 0, or -ENOSYS without the runtime, -EINVAL for a NULL
 * object, -ENOSPC when the runtime's tables of claiming threads (64) or
 * claimed objects (64) are full.
 */
static inline int coffman_claim(const void *object, unsigned max_units)
{
	static void *fn;
	static int done;
	coffman__claim_fn f =
		(coffman__claim_fn)coffman__lookup(&fn, &done, "coffman_claim");

	return f ? f(object, max_units) : -ENOSYS;
}

/*
 * The calling thread will acquire nothing more: its claims drop to what
 * it holds now, and follow its holdings down as it releases them.
 * Returns 0, or -ENOSYS without the runtime.
 */
static inline int coffman_claims_done(void)
{
	static void *fn;
	static int done;
	coffman__count_fn f = (coffman__count_fn)coffman__lookup(
		&fn, &done, "coffman_claims_done");

	return f ? f() : -ENOSYS;
}

#endif /* COFFMAN_RUNTIME_BUILD */

#ifdef __cplusplus
}
#endif

#endif /* COFFMAN_H */
