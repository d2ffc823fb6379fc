/* SPDX-License-Identifier: MIT */
/*
 * replay.h - feed recorded traces to the engine, as the live front end
 * would have: one engine thread per traced thread, events in sequence
 * order, the watchdog's periodic checks at 50 ms steps of recorded time
 * while threads are blocked (and, at the end of a trace, for as long as
 * the live watchdog would have needed to see what it reports).
 *
 * Several traces are merged into one graph. Each trace's thread numbers
 * are shifted past the previous trace's, and its addresses are moved into
 * one canonical space: an address inside a module becomes (module path,
 * offset) placed at the module's base in the first trace that loaded it,
 * so the same global in two runs is one object; any other address (heap,
 * stack) gets the trace's index added above bit 48, so two runs' heaps
 * never meet. The first trace keeps its addresses unchanged.
 *
 * Uses the engine's global state: one replay per process.
 */
#ifndef COFFMAN_REPLAY_H
#define COFFMAN_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "report.h"
#include "trace_load.h"

#define REPLAY_TICK_NS (50 * 1000000ull) /* the live watchdog's period */

struct replay_config {
	struct coffman_options opts; /* the engine's options */
	bool want_edges;	     /* record lock-order edges (precise.h) */
	bool want_hb;		     /* and happens-before clocks */
	bool want_summary;	     /* per-object counts */
	/* Each report the engine makes, in order. */
	void (*emit)(const struct report *r);
};

/* Start the engine with the analyzer's hooks. 0 or -ENOMEM. */
int replay_begin(const struct replay_config *c);

/*
 * Replay trace number 'index' (0-based, in the order given) of 'count'.
 * Warnings (skipped events, thread numbers that had to move) go to
 * stderr prefixed with "coffman analyze: PATH: ". 0 or -ENOMEM.
 */
int replay_trace(struct loaded_trace *lt, int index, int count);

/* The engine's data_name hook as the analyzer runs it (variables by
 * their symbols). */
int replay_data_name(uint64_t addr, uint32_t kind, char *buf, size_t len);

/* A canonical address as it was in its own process, for printing. */
uint64_t replay_display_addr(uint64_t addr);

/* Let the symbolizer run its tools (after the replay: reports made during
 * it are rendered again at the end, with all addresses resolved at once). */
void replay_symbolize_now(bool on);

/* Free what the replay allocated (the engine's own state stays). */
void replay_end(void);

/* Per-object counts for --summary, in no particular order. */
struct replay_objstat {
	uint64_t addr; /* canonical */
	uint8_t kind;
	char *name;	      /* last name given, NULL none */
	uint64_t acquired;    /* acquisitions */
	uint64_t contended;   /* of them, after waiting (acquire events) */
	uint64_t failed;      /* failed trylocks and timeouts */
	uint64_t hold_max_ns; /* longest hold seen, 0 unknown */
	uint64_t hold_total_ns;
	uint64_t holds_timed; /* holds whose length is known */
	bool used;
};

/* The table of counts and its size (entries with !used are empty). */
const struct replay_objstat *replay_objstats(size_t *n);

/* Events fed to the engine, over all traces. */
uint64_t replay_event_count(void);

#endif /* COFFMAN_REPLAY_H */
