/* SPDX-License-Identifier: MIT */
/*
 * engine_internal.h - what the engine's own files share (engine.c builds
 * reports and owns options and hooks; waitfor.c uses them). Not for the
 * front ends.
 */
#ifndef COFFMAN_ENGINE_INTERNAL_H
#define COFFMAN_ENGINE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "eng_threads.h"
#include "event.h"
#include "objects.h"
#include "options.h"
#include "report.h"

extern struct coffman_options eng_opts;

/* Stack of the event: its own, else captured through the hook. */
uint32_t eng_capture(const struct coffman_event *ev);

/* Forget the stack captured for the last event: a check made outside
 * engine_event() (claims_before) captures its own. */
void eng_capture_reset(void);

/* The front end's data_name hook: the variable at addr ("forks[2]");
 * 0, or -ENOENT (also when there is no hook). No engine lock held. */
int eng_data_name(uint64_t addr, uint32_t kind, char *buf, size_t len);

/* The live record for ev->addr through t's cache; created on first use
 * when 'create'. */
struct eng_obj *eng_lookup(struct eng_thread *t,
			   const struct coffman_event *ev, bool create);

/* Report building. New reports come zeroed with pid, kind, severity. */
struct report *eng_report_new(int kind, int severity);
int eng_report_thread(struct report *r, const struct eng_thread *t);
int eng_report_thread_num(struct report *r, uint32_t num);
int eng_report_object(struct report *r, uint64_t id, uint64_t addr,
		      uint32_t kind, const struct eng_obj *o);
void eng_report_site(struct report *r, const char *what,
		     struct eng_thread *t, int obj, uint32_t stack);
/* True the first time a finding's key is seen. */
bool eng_report_is_new(uint64_t key);
/* Render, write, count and free r. Call with no engine lock held. */
void eng_report_emit(struct report *r);
/* Remember that the locks ids[0..n-1] deadlocked for real, so the same
 * cycle is not reported again as a potential one. */
void eng_mark_deadlock_cycle(const uint64_t *ids, int n);
/* The event being handled takes its place in the trace's order now (see
 * engine.c). */
void eng_trace_reseq(void);
/* on_deadlock=exit|abort after an actual deadlock was reported. */
void eng_deadlock_action(void);
/* A deadlock was found: true if its finder is to report it and act
 * (always, unless on_deadlock ends the process and another thread has
 * already found one that does). */
bool eng_claim_ending(void);

#endif /* COFFMAN_ENGINE_INTERNAL_H */
