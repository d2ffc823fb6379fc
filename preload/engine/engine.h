/* SPDX-License-Identifier: MIT */
/*
 * engine.h - the detection engine: consumes events (event.h) from either
 * front end, keeps the object registry, held sets and lock-order graph,
 * and makes reports. It knows nothing about how events arrive: the front
 * end passes hooks for what only it can do (capture a stack, symbolise,
 * write bytes, end the process).
 *
 * Threading: engine_event() for thread t is called only by t itself (live)
 * or by one replaying thread (offline). Internal tables have their own
 * locks; none is held when a hook is called, except capture_stack (called
 * with none held too).
 */
#ifndef COFFMAN_ENGINE_H
#define COFFMAN_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "frame.h"
#include "options.h"
#include "report.h"
#include "eng_threads.h"

struct engine_hooks {
	/* Capture and intern the calling thread's stack; 0 if none. */
	uint32_t (*capture_stack)(void);
	/* Resolve a code address; may be NULL. */
	int (*symbolize)(uint64_t pc, struct coffman_frame *f);
	/* Name of the variable at a data address ("forks[2]") holding an
	 * object of this kind; may be NULL. */
	int (*data_name)(uint64_t addr, uint32_t kind, char *buf, size_t len);
	/* Write one rendered report (text and JSON line). */
	void (*emit)(const struct report *r, const char *text, size_t tlen,
		     const char *json, size_t jlen);
	/* on_deadlock=exit|abort after an actual deadlock report. */
	void (*fatal)(int action, int exitcode);
	/* Monotonic time in ns, for events that carry none; may be NULL. */
	uint64_t (*now_ns)(void);
	/* A thread is about to block: a chance to start the watchdog. */
	void (*on_block)(void);
	/* Around the rendering of report r (names, symbols, suppressions):
	 * report_begin may choose how to symbolize it, report_end undoes
	 * that; both may be NULL. */
	void (*report_begin)(const struct report *r);
	void (*report_end)(void);
};

/* Set options and hooks; call once before any event. */
void engine_init(const struct coffman_options *o,
		 const struct engine_hooks *h, int pid);

/* The options in force (read-only). */
const struct coffman_options *engine_options(void);

/* A new thread (parent num 0 if unknown); NULL if out of memory. */
struct eng_thread *engine_thread_new(int32_t tid, uint32_t parent,
				     uint32_t create_stack);

/*
 * Feed one event of thread t. Returns 0, or -EDEADLK when the front end
 * should fail the pending acquire instead of blocking (on_deadlock=recover);
 * for OP_CLAIM, 0 or the negative errno of claims_event() (claims.h).
 */
int engine_event(struct eng_thread *t, const struct coffman_event *ev);

/*
 * Periodic checks (every thread blocked, hold-and-wait, starvation,
 * missed cycles) at time now_ns; see waitfor_tick(). The live front end
 * calls it from its watchdog thread, the analyzer between events.
 */
void engine_tick(uint64_t now_ns, bool (*tid_alive)(int32_t tid),
		 bool others_unknown);

/* True while the watchdog is writing reports it decided on. */
bool engine_busy(void);

/* The hold-and-wait summary table, "" if none; returns its length. */
size_t engine_summary(char *buf, size_t len);

/* One line (no newline) of what the engine has seen and what it holds,
 * for the exit summary of verbosity 2: threads, objects tracked, lock-order
 * edges, events, waits recorded, and its memory, in all and per object
 * record and per edge. Returns its length, as snprintf. */
size_t engine_stats_line(char *buf, size_t len);

/* Report a bad option (kind bad-option); msg is one line. */
void engine_report_bad_option(const char *msg);

/* Reports made so far, all and errors only. */
int engine_report_count(void);
int engine_error_count(void);

/* Set the pid used in reports (fork child). */
void engine_set_pid(int pid);

/*
 * fork(): prepare takes every engine lock; parent releases them; child
 * releases them, forgets the other threads and starts its own count of
 * reports.
 */
void engine_fork_prepare(void);
void engine_fork_parent(void);
void engine_fork_child(struct eng_thread *self, int pid);

#endif /* COFFMAN_ENGINE_H */
