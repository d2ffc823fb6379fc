/* SPDX-License-Identifier: MIT */
/*
 * text_trace.h - the text trace format: one event per line, easy to write
 * by hand or to convert from another tool's log. `coffman analyze` reads
 * it like the binary format (it is turned into one, in memory), and
 * `coffman dump` prints any trace in it.
 *
 *   # the dining philosophers, two of them
 *   T1 create T2 @phil.c:40
 *   T1 lock fork0 @phil.c:12          lock = the intent, then the lock
 *   T2 lock fork1 @phil.c:12
 *   T1 block fork1 @phil.c:13         block = the intent only: waiting
 *   T2 block fork0 @phil.c:13 t=5ms
 *
 * A line is "Tn OP ARGS..." (thread n does OP) or a directive; '#' starts
 * a comment; tokens are separated by blanks; "..." quotes a string (with
 * \" and \\). Attributes may follow anywhere after OP:
 *   @FILE:LINE[,FILE:LINE...]  the call site (innermost first): a stack
 *                              whose frames print as FILE:LINE
 *   stack=N                    a stack given by a `stack` directive
 *   t=TIME                     time since the start: 12.5ms, 3s, 40us,
 *                              100ns; a line without t= has the time of
 *                              the line before (the first: 0)
 *   pc=ADDR owner=TID arg=N flags=try+timed+condwait+typed+forkgone+pshared
 *   mode=shared
 *                              raw event fields, on one-event lines only
 *                              (flags=top: a release of whichever lock is
 *                              on top of the thread's held stack; on an
 *                              acquired line, the lock above it taken
 *                              again, as it was last taken there)
 * Objects are names ([A-Za-z_][A-Za-z0-9_.[]]*: "A", "forks[2]", named
 * after themselves in reports, the same name meaning the same object in
 * every trace analyzed together), hex addresses (0x7ffd1000: the object
 * at that address, as in a dumped trace), or threads (T2, for joins).
 * An object's kind is set by its first use (lock: a mutex, rdlock: an
 * rwlock, ...) or a kind word: `init S sem 1`, `acquired rwlock R`.
 *
 * Operations (one line may stand for several engine events):
 *   lock X              acquire (intent) + acquired; X a mutex, rwlock
 *                       (exclusive), spinlock, semaphore or once
 *   block X [read]      acquire only: the thread is blocked on X (read:
 *                       for reading an rwlock); on a thread, cond or
 *                       barrier: a wait
 *   trylock X [failed]  a trylock that succeeded (or failed)
 *   timedlock X [timeout]  a timed lock: acquired (or timed out)
 *   unlock X            release
 *   rdlock R, wrlock R, tryrdlock R [failed], trywrlock R [failed]
 *   sem_wait S, sem_trywait S [failed], sem_post S
 *   wait C with M [timed]  cond wait: releases M, waits on C
 *   woken C [with M]    the wait ended (and M is locked again)
 *   signal C, broadcast C  wakes C's waiters (they are no longer asleep)
 *   barrier_wait B      wait at a barrier and pass it
 *   create T2           this thread creates T2 (its parent)
 *   join T2             wait for T2 and reap it
 *   cancel T2           pthread_cancel(T2): its wait at a cancellation
 *                       point (join, condvar, semaphore) ends
 *   exit                the thread ends
 *   init X [KIND] [normal|recursive|errorcheck|adaptive] [robust] [pi]
 *          [writer] [N] (N: a semaphore's value, a barrier's parties)
 *   destroy X, name X "text", name T2 "worker", free X|ADDR [LEN]
 *   claim X [N]         this thread may hold up to N (default 1) units
 *                       of X (coffman_claim; for the Banker's checks of
 *                       `coffman analyze --banker=warn`)
 *   claims_done         it takes nothing more (coffman_claims_done)
 * and one per engine event, as `coffman dump` prints them: acquire,
 * acquired, try_failed, timed_out, release, wait, woken, thread_start,
 * joined, fork, retire, probe, and `event op=N kind=N ...`.
 *
 * Directives (written by `coffman dump`; all optional):
 *   process pid=N ppid=N exe="PATH" start_ns=N realtime_ns=N
 *   module BASE START-END "PATH" [build_id=HEX]
 *   stack N PC PC ...              frames, innermost first
 *   thread T2 [tid=N] [parent=T1] [stack=N|@SITE] [name="x"]
 *   end t=TIME [reason=exit|signal|exec]   the process ended: checks
 *                                  that need time stop there
 * A thread's tid defaults to its number.
 */
#ifndef COFFMAN_TEXT_TRACE_H
#define COFFMAN_TEXT_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "trace_build.h"

/*
 * Named objects live at made-up addresses inside a made-up module, so
 * that, like a program's globals, the same name is the same object in
 * every trace analyzed together. Call sites are made-up pcs inside another
 * one: pc = TEXT_SITE_BASE + (file string id << TEXT_SITE_LINE_BITS) +
 * line, resolved through the trace's string table.
 */
#define TEXT_OBJ_MODULE	    "<text>"
#define TEXT_OBJ_BASE	    0x100000000000ull
#define TEXT_OBJ_SIZE	    (1ull << 40)
#define TEXT_SITE_MODULE    "<text-sites>"
#define TEXT_SITE_BASE	    0x200000000000ull
#define TEXT_SITE_SIZE	    (1ull << 44)
#define TEXT_SITE_LINE_BITS 20
#define TEXT_START_NS	    1000000000ull /* start time when none is given */
#define TEXT_SITE_STACK0    0x80000000u	  /* first stack id made for @sites */

/*
 * Parse the text trace text[0..len-1] into a binary trace in *out (to be
 * freed with tbuild_free). Returns 0, -EINVAL with "line N: reason" in
 * err, or -ENOMEM.
 */
int text_trace_parse(const char *text, size_t len, struct tbuild *out,
		     char *err, size_t errlen);

/* True if the bytes look like a text trace rather than binary data: no
 * NUL byte and few control characters in the first 4 KiB. */
int text_trace_plausible(const void *buf, size_t len);

/* The address a name gets in TEXT_OBJ_MODULE (before collisions). */
uint64_t text_trace_name_addr(const char *name, size_t len);

#endif /* COFFMAN_TEXT_TRACE_H */
