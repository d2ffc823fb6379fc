/* SPDX-License-Identifier: MIT */
/*
 * runtime.h - the live front end's state: start-up, options, per-thread
 * attachment and the re-entry guard every wrapper goes through.
 */
#ifndef COFFMAN_RUNTIME_H
#define COFFMAN_RUNTIME_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "event.h"

#define COFFMAN_EXPORT __attribute__((visibility("default")))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/*
 * The calling thread's runtime state, one TLS block (the wrappers find it
 * with one lookup): its engine record, NULL until attached, and the guard,
 * non-zero while it runs runtime code, when wrappers pass through
 * (volatile: GCC may drop stores around leaf libc calls otherwise).
 */
struct rt_tls {
	struct eng_thread *thread;
	volatile int busy;
};
extern __thread struct rt_tls rt_tls
	__attribute__((tls_model("initial-exec")));
#define rt_thread (rt_tls.thread)
#define rt_busy (rt_tls.busy)
/* Non-zero once options are read and the engine is ready. */
extern int rt_active;
/* The spin option: retries of a contended lock before its wait is
 * recorded (the k-th after k pauses, rt_spin_wait). */
extern int rt_spin;

/* A pause in a spin loop: lets the sibling hyperthread run. */
static inline void rt_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield" ::: "memory");
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

/*
 * The wait before the k-th retry (from 1) of a contended lock: k pauses.
 * Each look at a taken lock pulls its cache line from the holder's core,
 * and the holder's next lock or unlock must take it back: looking ever
 * less often lets a holder that takes the lock again and again run on
 * and leave it, where a look every pause slowed it and the waiter gave
 * up more often (10 times as often on a nested-lock loop of two threads).
 */
static inline void rt_spin_wait(int k)
{
	while (k-- > 0)
		rt_cpu_relax();
}

/* Attach the calling thread (first call from a thread we did not start). */
struct eng_thread *rt_attach(void);

/* rt_enter() when the thread is not attached yet or the guard is set. */
struct eng_thread *rt_enter_slow(void);

/*
 * Enter runtime code for a tracked call: returns the thread's record with
 * the guard set, or NULL when the call must pass straight through
 * (runtime not started, re-entry, a signal handler interrupting us). A
 * thread is attached only once the runtime is active, for good.
 */
static inline struct eng_thread *rt_enter(void)
{
	struct eng_thread *t = rt_thread;

	if (LIKELY(t != NULL) && LIKELY(!rt_busy)) {
		rt_busy = 1;
		return t;
	}
	return rt_enter_slow();
}

static inline void rt_leave(void)
{
	rt_busy = 0;
}

/*
 * Is the primitive at addr (kind) process-shared, so that another process
 * may hold, post or signal it? Read from glibc's layouts: the mutex type's
 * pshared bit, the rwlock's shared flag, the condvar's shared bit, and the
 * futex mode of barriers and semaphores (named ones are shared).
 */
static inline bool rt_pshared(uint32_t kind, const void *addr)
{
	int v;

	if (!addr)
		return false;
	switch (kind) {
	case KIND_MUTEX:
		return (((const pthread_mutex_t *)addr)->__data.__kind & 128) != 0;
	case KIND_RWLOCK:
		return ((const pthread_rwlock_t *)addr)->__data.__shared != 0;
	case KIND_COND:
		return (((const pthread_cond_t *)addr)->__data.__wrefs & 1) != 0;
	case KIND_BARRIER: /* struct pthread_barrier: in, round, count, shared */
		memcpy(&v, (const char *)addr + 12, sizeof(v));
		return v != 0; /* glibc's LLL_SHARED (128); LLL_PRIVATE is 0 */
	case KIND_SEM: /* struct new_sem: 64-bit value, then private */
		memcpy(&v, (const char *)addr + (sizeof(void *) == 8 ? 8 : 4),
		       sizeof(v));
		return v != 0; /* the same futex mode */
	default:
		return false;
	}
}

/*
 * A mutex event's type word (MTYPE_BITS of glibc's __kind). Its low 7 bits
 * are a type glibc knows (normal, recursive, error-checking or adaptive;
 * robust, priority-inheriting, both, or priority-protecting), else glibc
 * refuses the mutex with EINVAL: memory never initialised as one, or one
 * destroyed (glibc marks a destroyed mutex so): then MTYPE_INVALID_BIT.
 */
static inline uint32_t rt_mutex_type(const pthread_mutex_t *m)
{
	uint32_t kind = (uint32_t)m->__data.__kind, type = kind & 127;

	if ((type & ~3u) != 0 && (type & ~3u) != 16 && (type & ~3u) != 32 &&
	    (type & ~3u) != 48 && (type & ~3u) != 64)
		return MTYPE_INVALID_BIT;
	return kind & MTYPE_BITS;
}

/* Feed one event for thread t (guard held), with the owner tid the object
 * itself records. Returns engine_event's value. */
static inline int rt_event_ex(struct eng_thread *t, uint32_t op,
			      uint32_t kind, uint32_t mode, uint32_t flags,
			      const void *addr, uint64_t arg,
			      int32_t owner_tid, const void *pc)
{
	struct coffman_event ev = {
		.op = op,
		.kind = kind,
		.mode = mode,
		.flags = flags | (op != OP_RETIRE_RANGE && rt_pshared(kind, addr)
					  ? EVF_PSHARED
					  : 0),
		.addr = (uint64_t)(uintptr_t)addr,
		.arg = arg,
		.pc = (uint64_t)(uintptr_t)pc,
		.owner_tid = owner_tid,
	};

	/* The stack rt_pre_acquire() captured for this acquisition: kept
	 * through its wait, used up by what ends it. */
	if (UNLIKELY(t->pre_stack)) {
		if (t->pre_addr == ev.addr &&
		    (op == OP_ACQUIRE || op == OP_ACQUIRED ||
		     op == OP_TRY_FAILED || op == OP_TIMED_OUT ||
		     op == OP_PROBE))
			ev.stack = t->pre_stack;
		if (op != OP_ACQUIRE)
			t->pre_stack = 0;
	}
	return engine_event(t, &ev);
}

/*
 * An acquisition of the lock at addr that the fast path will not take
 * (engine_fast_probe() said no), before the real attempt: when t holds
 * no lock and the engine will walk the stack (a lock it has not seen, or
 * a chain new to t), walk it now, for the events that follow
 * (rt_event_ex), rather than after the real call, inside the critical
 * section it opens. Walking the stack is
 * most of what a new nesting costs (microseconds in a new thread), and a
 * critical section that long turns races the program natively never
 * loses, such as two threads taking two locks in opposite orders right
 * after they start, into deadlocks.
 */
void rt_pre_acquire(struct eng_thread *t, uint32_t kind, uint32_t mode,
		    uint32_t flags, const void *addr, const void *pc);

/*
 * The creator of thread nt, once it is created: wait until nt runs (1 ms
 * at most). Natively a new thread most often runs at once, before its
 * creator goes on; under the runtime, with the creator's CPU busier, the
 * kernel more often puts it on an idle CPU, where it starts a hundred
 * microseconds later, and threads created one after another then start
 * together: a race the program natively never runs (two threads taking
 * two locks in opposite orders as they start) deadlocked a third of the
 * time.
 */
void rt_wait_started(struct eng_thread *nt);

/*
 * Start the watchdog thread (periodic checks: waits that last, timed
 * waits, a process kept alive by it alone) if it is not running. Called
 * by the thread-creation wrappers before the program's own thread is
 * made, where an allocation is as safe as in the real call: not when a
 * thread first blocks, which may be inside the program's allocator.
 */
void rt_start_watchdog(void);

static inline int rt_event(struct eng_thread *t, uint32_t op, uint32_t kind,
			   uint32_t mode, uint32_t flags, const void *addr,
			   uint64_t arg, const void *pc)
{
	return rt_event_ex(t, op, kind, mode, flags, addr, arg, 0, pc);
}

/* The same with the owner tid the object itself records. */
int rt_event_owner(struct eng_thread *t, uint32_t op, uint32_t kind,
		   uint32_t flags, const void *addr, int32_t owner_tid,
		   const void *pc);

/*
 * A release the fast path popped, traced once the real one is done
 * (rc: its result): the compact event is written out of the program's
 * critical section, and so is the trace buffer when it is written out
 * then. A compact event carries no time or sequence: where it falls
 * between the release and other threads' events makes no difference to
 * the trace. Leaves the runtime; returns rc.
 */
int rt_traced_release(struct eng_thread *t, uint32_t kind, const void *addr,
		      const void *pc, int rc);

/*
 * True for a timeout glibc refuses with EINVAL before it looks at the
 * object (a clock other than REALTIME/MONOTONIC, tv_nsec out of [0, 1e9)):
 * the wrappers' first try must not take what glibc would have refused.
 */
static inline int rt_bad_abstime(clockid_t clk, const struct timespec *ts)
{
	return (clk != CLOCK_REALTIME && clk != CLOCK_MONOTONIC) ||
	       ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L;
}

/*
 * Has the deadline ts on clock clk passed already? Then a timed call
 * cannot wait: it is a try, and the engine must not see a thread blocked
 * (glibc answers ETIMEDOUT at once unless the object is free).
 */
static inline bool rt_deadline_passed(clockid_t clk,
				      const struct timespec *ts)
{
	struct timespec now;

	if (clock_gettime(clk, &now) != 0)
		return false;
	return now.tv_sec > ts->tv_sec ||
	       (now.tv_sec == ts->tv_sec && now.tv_nsec >= ts->tv_nsec);
}

/* Thread t (guard held) names thread number num. */
static inline void rt_event_name(struct eng_thread *t, uint32_t num,
				 const char *name)
{
	struct coffman_event ev = {
		.op = OP_NAME,
		.kind = KIND_THREAD,
		.addr = num,
		.str = name,
	};

	engine_event(t, &ev);
}

/* Capture and intern the calling thread's stack (guard held). */
uint32_t rt_capture_stack(void);

/* Thread start/exit bookkeeping for interpose_thread.c. */
void rt_thread_started(struct eng_thread *t);
void rt_set_exit_stack(void);

/*
 * Make the runtime quiet for good in this process, a child made without
 * fork() (clone, the fork system call): its copy of the runtime's state
 * may hold locks of threads it does not have. From then on every wrapper
 * passes straight through, and neither its exit nor an exec writes a
 * report, a summary or the trace (the parent's, whose buffers it copied).
 */
void rt_quiet(void);

/*
 * True in the process the runtime's state belongs to (the one it started
 * in, or a child of fork()) while the runtime is active. False in a child
 * made otherwise, whose exit and exec must then write nothing: a child of
 * the fork system call, or of vfork(), which shares the parent's memory
 * (so nothing is changed here). A system call: for exit and exec paths
 * only.
 */
bool rt_own_process(void);

/* Exit-status rule: called from _exit/_Exit wrappers and the destructor. */
int rt_exit_status(int status);

/* Copy the option path 'in' to out, %p replaced by the pid. */
void rt_expand_path(const char *in, char *out, size_t len);

#endif /* COFFMAN_RUNTIME_H */
