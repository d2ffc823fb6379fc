/* SPDX-License-Identifier: MIT */
/*
 * claims.h - declared maximum claims and the live Banker's checks over them
 * (banker=warn|avoid). Threads claim units of sync objects (coffman_claim,
 * or rules from a claims file matched against thread names); every
 * acquisition by a thread with claims is a request in the Banker's sense,
 * checked with banker.c over every live thread with claims (the rows) and
 * every claimed object (the columns: a mutex, rwlock or spinlock has one
 * unit, a semaphore its initial value).
 *
 * warn: a grant that leaves an unsafe state is an unsafe-state report.
 * avoid: the live front end calls claims_before() ahead of the real
 * acquisition, which waits (on a futex, never spinning) until the grant is
 * safe. Taking more than one's claim is a claim-exceeded report.
 *
 * Threads without claims are outside the model: they never reach this
 * module, and units they hold are not counted (they are assumed to let go
 * of them without needing claimed objects). Pure C: no pthread calls, no
 * malloc; one internal lock, never held while a hook runs.
 */
#ifndef COFFMAN_CLAIMS_H
#define COFFMAN_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "eng_threads.h"
#include "event.h"
#include "objects.h"

#define CLAIMS_ROWS 64	   /* threads with claims at once */
#define CLAIMS_COLS 64	   /* claimed objects */
#define CLAIMS_RULES 256   /* lines of a claims file */
#define CLAIMS_SPEC_MAX 64 /* a rule's thread glob or object name */

/*
 * Parse a claims file (text[0..len-1]; 'path' only names it in messages):
 * one rule per line, `THREADS OBJECT MAX`, '#' comments. THREADS is a glob
 * (*, ?, [...]) over pthread_setname_np names, without control
 * characters, OBJECT a variable
 * ("lock", "forks[3]"), a name given with coffman_name, or "sem:/name", MAX
 * a number of units >= 1. Each bad line is passed to err(ctx, "claims
 * PATH:LINE: reason") and skipped. Returns the number of bad lines, or
 * -ENOSPC when there were more rules than CLAIMS_RULES (the rest dropped,
 * also reported through err). Call before any thread is made.
 */
int claims_load(const char *text, size_t len, const char *path,
		void (*err)(void *ctx, const char *msg), void *ctx);

/* Forget the rules claims_load() gave (the fuzz target loads one file
 * after another in one process). Call before any thread is made. */
void claims_unload(void);

/* True if loaded rules name semaphores ("sem:/..."): the front end then
 * tells claims_bind_name() where each named semaphore is mapped. */
bool claims_want_sem_names(void);

/*
 * The object at addr is known by 'name' (a named semaphore as
 * "sem:/name"); units: its initial value if the front end knows it, else
 * 0. Binds the rules' objects of that name.
 */
void claims_bind_name(uint64_t addr, const char *name, uint32_t units);

/*
 * Live front end, before thread t (which has t->bk_on set) takes addr
 * (kind, mode; flags EVF_TRY / EVF_TIMED) from call site pc. Returns 0 to
 * go on: when the object is claimed and the grant was decided here, its
 * unit is already counted as t's (t->bk_pending), and the front end must
 * either report the acquisition (OP_ACQUIRED) or call claims_cancel().
 * Reports about such a grant are made then, once the lock is taken (so
 * the time they take does not change what the program does next).
 * With banker=avoid, waits until the grant is safe, or returns -EBUSY (a
 * try that cannot be granted now) or -ETIMEDOUT (abstime, on clock clk,
 * passed while waiting). Call with the runtime's guard set.
 */
int claims_before(struct eng_thread *t, uint64_t addr, uint32_t kind,
		  uint32_t mode, uint32_t flags, uint64_t pc,
		  const struct timespec *abstime, clockid_t clk);

/* The acquisition claims_before() let through failed: give its unit back. */
void claims_cancel(struct eng_thread *t);

static inline void claims_cancel_pending(struct eng_thread *t)
{
	if (__builtin_expect(t->bk_pending != 0, 0))
		claims_cancel(t);
}

/* ---- the engine's hooks (engine.c) --------------------------------------- */

/* A new thread: with rules loaded, it is matched at its first acquisition. */
void claims_thread_new(struct eng_thread *t);

/*
 * OP_CLAIM of thread t: ev->addr claims ev->arg units, or with
 * EVF_CLAIMS_DONE, t will acquire nothing more. 0, or -EINVAL (no object),
 * -ENOSPC (too many threads or objects with claims).
 */
int claims_event(struct eng_thread *t, const struct coffman_event *ev);

/* Thread 'target' was named by thread t (maybe itself): its rules. */
void claims_thread_named(struct eng_thread *t, struct eng_thread *target);

/* Object o was given a name (coffman_name, a text trace): rules' objects
 * of that name are o. */
void claims_object_named(const struct eng_obj *o, const char *name);

/*
 * Thread t acquired o (ev). 'held': t already held o, so a mutex, rwlock
 * or spinlock takes no new unit (a semaphore does). Unless claims_before()
 * granted it already, this is the request: checked as with banker=warn.
 */
void claims_acquired(struct eng_thread *t, struct eng_obj *o,
		     const struct coffman_event *ev, bool held);

/* Thread t gave back one unit of the object at addr (its last hold of a
 * lock, or one semaphore post). */
void claims_released(struct eng_thread *t, uint64_t addr, uint32_t kind);

/* Thread t ends: its row goes; locks it still holds stay taken. */
void claims_thread_exit(struct eng_thread *t);

struct og_edge;

/*
 * banker=avoid: true if every edge of this lock-order cycle was taken by
 * threads that claimed both of its objects (alive or not). The Banker's
 * algorithm keeps such threads from ever closing the cycle: no error.
 * Called with the graph lock held (it takes the claims lock inside it).
 */
bool claims_cover_cycle(struct og_edge *const *edges, int n);

/* fork(): take/drop the lock; in the child only 'self' keeps claims. */
void claims_fork_prepare(void);
void claims_fork_parent(void);
void claims_fork_child(struct eng_thread *self);

#endif /* COFFMAN_CLAIMS_H */
