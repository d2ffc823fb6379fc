/* SPDX-License-Identifier: MIT */
/*
 * waitfor.h - the wait-for graph: actual deadlocks as they form. A blocked
 * thread waits for the owner of a mutex, spinlock or once; for the writer
 * or the readers of an rwlock; for the holders of a lock-like semaphore;
 * for the thread it joins. A cycle among blocked threads is a deadlock,
 * found by the thread that closes it. A periodic tick finds what no single
 * block can show: every thread asleep, long holds while waiting,
 * starvation, and cycles a race hid from the blocking check.
 */
#ifndef COFFMAN_WAITFOR_H
#define COFFMAN_WAITFOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "eng_threads.h"
#include "event.h"
#include "report.h"

/*
 * t is about to block on what ev names (op ACQUIRE or WAIT); o is the
 * object's record (NULL for a join). Records the wait and looks for a
 * cycle through t. Returns 1 when t closes a deadlock (already reported),
 * 0 otherwise. Call with no engine lock held.
 */
int waitfor_block(struct eng_thread *t, struct eng_obj *o,
		  const struct coffman_event *ev, uint64_t now_ns);

/* Threads waiting on any condvar (a lock-free hint for signals). */
extern int cond_waiters;

/*
 * Thread t destroys condvar or barrier o (its stack: stack): a report if
 * threads still sleep on it that nothing woke (no signal or broadcast;
 * a barrier round not complete). glibc's destroy waits for every waiter
 * to leave, so t then waits for ever unless something else wakes them
 * (a timeout, a signal it did not mean, the missing parties). An error
 * with an untimed waiter among them, else a warning. reinit: a barrier
 * initialised again over o, not destroyed (its waiters wait for a round
 * that is gone). Call with no engine lock held.
 */
void waitfor_destroyed(struct eng_thread *t, const struct eng_obj *o,
		       uint32_t stack, bool reinit);

/* t's new wait was reported as a deadlock of its own (a self-deadlock):
 * no all-threads-blocked or hold-and-wait report repeats it. */
void waitfor_explained(struct eng_thread *t);

/*
 * cond was broadcast: its waiters are no longer asleep; or signalled: one
 * of them is not (one not marked yet, untimed first). Which one glibc
 * wakes is not known: when a waiter that was not marked wakes, the mark
 * moves to it, so there are as many marked waiters as wake-ups to come.
 */
void waitfor_signal(struct eng_obj *cond, bool broadcast);

/* t runs again (any event of t after a block). */
void waitfor_unblock(struct eng_thread *t, uint64_t now_ns);

/*
 * The program set signal sig's action: a handler or not. While a signal
 * that can come from outside has a handler, semaphore waits may end by it.
 */
void waitfor_sigaction(int sig, bool handler);

/* t exited: what it still holds, it holds for good. */
void waitfor_thread_exit(struct eng_thread *t);

/* Fork child (engine locks reset): the other threads are gone. */
void waitfor_fork_child(void);

/*
 * Periodic checks at time now_ns. tid_alive (may be NULL) tells whether an
 * OS thread still exists; others_unknown says threads exist that the
 * engine never saw (then "every thread blocked" cannot be claimed).
 */
void waitfor_tick(uint64_t now_ns, bool (*tid_alive)(int32_t tid),
		  bool others_unknown);

/* Render the hold-and-wait summary table into buf, sites resolved with
 * sym; returns its length (0 when nothing was recorded). Takes locks and
 * symbolises: not for signal handlers. */
size_t waitfor_summary(char *buf, size_t len, report_symbolize_fn sym);

/* True while a tick has decided on reports it has not written yet. */
bool waitfor_busy(void);

void waitfor_lock_all(void);
void waitfor_unlock_all(void);

#endif /* COFFMAN_WAITFOR_H */
