/* SPDX-License-Identifier: MIT */
/*
 * engine_fixture.h - drive the engine alone from a test program: it starts
 * the engine with the default options and hooks that keep every report
 * (struct, text and JSON line), makes threads, fake call stacks and events.
 * One test program per behaviour: engine_init is called once per process.
 */
#ifndef COFFMAN_ENGINE_FIXTURE_H
#define COFFMAN_ENGINE_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

#include "engine.h"
#include "event.h"
#include "report.h"

#define FX_MAX_REPORTS 64

/* One report as emit() received it. */
struct fx_report {
	int kind;	 /* enum rep_kind */
	int severity;	 /* enum rep_severity */
	struct report r; /* a copy */
	char *text;	 /* NUL-terminated copies */
	size_t tlen;
	char *json;
	size_t jlen;
};

/* Print the failed check and every report so far, and exit 1. */
void fx_fail(const char *file, int line, const char *what, long long a,
	     long long b);

#define CHECK_EQ(a, b)                                                \
	do {                                                          \
		long long check_a_ = (long long)(a);                  \
		long long check_b_ = (long long)(b);                  \
		if (check_a_ != check_b_)                             \
			fx_fail(__FILE__, __LINE__,                   \
				"CHECK_EQ(" #a ", " #b ")", check_a_, \
				check_b_);                            \
	} while (0)

#define CHECK(x) CHECK_EQ(!!(x), 1)

/* Start the engine: default options, JSON rendering on, no symboliser. */
void fx_init(void);
/* The same, with a symboliser for the rendered frames. */
void fx_init_sym(report_symbolize_fn sym);

/* A new engine thread (numbers 1, 2, ... in order of creation). */
struct eng_thread *fx_thread(void);

/* The interned fake stack of call site 'site' (3 frames, distinct). */
uint32_t fx_stack(unsigned site);
/* Its first frame (the pc the events carry). */
uint64_t fx_site_pc(unsigned site);

/* One event; pc is the first frame of 'stack'. Returns engine_event(). */
int fx_event(struct eng_thread *t, uint32_t op, uint32_t kind, uint32_t flags,
	     uint64_t addr, uint64_t arg, uint32_t stack);

/* Mutex events (exclusive mode). */
void fx_lock(struct eng_thread *t, uint64_t addr, uint32_t stack);
void fx_trylock(struct eng_thread *t, uint64_t addr, uint32_t stack);
void fx_lock_type(struct eng_thread *t, uint64_t addr, uint32_t mtype,
		  uint32_t stack);
int fx_acquire(struct eng_thread *t, uint64_t addr, uint32_t flags,
	       uint32_t stack);
void fx_unlock(struct eng_thread *t, uint64_t addr, uint32_t stack);
void fx_unlock_owner(struct eng_thread *t, uint64_t addr, int32_t owner_tid,
		     uint32_t stack);
void fx_init_mutex(struct eng_thread *t, uint64_t addr, uint32_t mtype,
		   uint32_t stack);
void fx_destroy(struct eng_thread *t, uint64_t addr, uint32_t stack);
/* Other events. */
void fx_thread_exit(struct eng_thread *t, uint32_t stack);
void fx_retire_range(struct eng_thread *t, uint64_t addr, uint64_t len);
void fx_name(struct eng_thread *t, uint32_t kind, uint64_t addr,
	     const char *name);

/* Reports captured so far, and report i (fails the test if absent). */
int fx_nreports(void);
const struct fx_report *fx_report(int i);
/* Calls of the fatal hook. */
int fx_fatal_calls(void);

/* Index of the object at addr in r, -1 if none. */
int fx_obj_by_addr(const struct report *r, uint64_t addr);
/* The edge from the object at 'from' to the object at 'to', NULL if none. */
const struct rep_edge *fx_edge(const struct report *r, uint64_t from,
			       uint64_t to);
/*
 * Check a lock-order report's shape: as many edges as cycle entries, edge i
 * goes from cycle[i] to cycle[i + 1] (wrapping), indexes in range.
 */
void fx_check_cycle_shape(const struct report *r);

/*
 * Validate one JSON text of len bytes: one object, nothing but whitespace
 * after it. Returns 0, or -1 with a reason in *why. When keys is non-NULL,
 * also -1 unless every name in the NULL-terminated keys[] is a top-level
 * member of the object.
 */
int fx_json_check(const char *s, size_t len, const char *const *keys,
		  const char **why);

/* Print every captured report's text to stderr. */
void fx_dump(void);

#endif /* COFFMAN_ENGINE_FIXTURE_H */
