/* SPDX-License-Identifier: MIT */
/*
 * report.h - findings as data, and their two renderings: readable text and
 * one JSON object per line (the contract in DESIGN.md). A report is filled
 * under the engine's locks and formatted after they are dropped.
 */
#ifndef COFFMAN_REPORT_H
#define COFFMAN_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"

enum rep_kind {
	REP_LOCK_ORDER_INVERSION = 0,
	REP_DEADLOCK,
	REP_SELF_DEADLOCK,
	REP_ALL_THREADS_BLOCKED,
	REP_UNLOCK_NOT_OWNED,
	REP_DESTROY_LOCKED,
	REP_EXIT_HOLDING_LOCKS,
	REP_HOLD_AND_WAIT,
	REP_UNSAFE_STATE,
	REP_CLAIM_EXCEEDED,
	REP_STARVATION,
	REP_LIVELOCK,
	REP_BAD_OPTION,
	REP_INVALID_OBJECT,
	REP_DESTROY_WAITED,
	REP_KIND_MAX
};

enum rep_severity {
	SEV_INFO = 0,
	SEV_WARNING = 1,
	SEV_ERROR = 2,
};

#define REP_MAX 64 /* threads, objects, edges, sites per report */

struct rep_thread {
	uint32_t num;	/* engine thread number */
	int32_t tid;	/* OS thread id */
	char name[16];
	uint32_t create_stack;
	uint8_t alive;
};

struct rep_object {
	uint64_t id;
	uint64_t addr;
	uint8_t kind;	/* enum ev_kind */
	uint8_t mtype;	/* mutex type */
	char name[64];	/* user name or symbol, "" if none */
	uint32_t init_stack;
};

struct rep_edge {
	uint32_t thread;      /* thread that took it (num) */
	uint32_t thread2;     /* another thread that took it, 0 none */
	int from, to;	      /* indexes into objects[] */
	uint32_t from_stack;  /* acquisition of 'from' */
	uint32_t to_stack;    /* acquisition of 'to' */
	uint8_t from_mode, to_mode, timed;
};

struct rep_site {
	char what[32];	 /* "acquired", "re-locked", "unlocked", ... */
	uint32_t thread; /* num, 0 none */
	int object;	 /* index into objects[], -1 none */
	uint32_t stack;
};

#define REP_BANKER_MAX 16 /* threads and objects a Banker's table shows */

/*
 * The Banker's state behind an unsafe-state or claim-exceeded report: the
 * claims and holdings just before the request, and the request. Rows are
 * threads with claims, columns claimed objects (indexes into objects[]);
 * Need = Max - Allocation is derived when rendering.
 */
struct rep_banker {
	int nthreads, nres;		 /* rows, columns; 0: no table */
	uint32_t thread[REP_BANKER_MAX]; /* thread number of each row */
	int object[REP_BANKER_MAX];	 /* objects[] index of each column */
	uint32_t total[REP_BANKER_MAX];	 /* units of each object */
	uint32_t available[REP_BANKER_MAX];
	uint32_t max[REP_BANKER_MAX][REP_BANKER_MAX];
	uint32_t alloc[REP_BANKER_MAX][REP_BANKER_MAX];
	int req_row, req_col;		 /* who asks for which object */
	uint32_t req_units;
	int nfinish;			 /* rows that could still finish if
					    it were granted, in order */
	int finish[REP_BANKER_MAX];
	uint8_t truncated;		 /* more rows or columns than shown */
};

struct report {
	int kind;     /* enum rep_kind */
	int severity; /* enum rep_severity */
	int pid;
	int nthreads, nobjects, ncycle, nedges, nsites;
	struct rep_thread threads[REP_MAX];
	struct rep_object objects[REP_MAX];
	int cycle[REP_MAX];	/* object indexes, in order */
	struct rep_edge edges[REP_MAX];
	struct rep_site sites[REP_MAX];
	char message[512];
	struct rep_banker banker; /* unsafe-state, claim-exceeded */
};

typedef int (*report_symbolize_fn)(uint64_t pc, struct coffman_frame *f);
typedef int (*report_stack_fn)(uint32_t id, const uint64_t **pcs);

const char *report_kind_name(int kind);
const char *report_severity_name(int sev);
const char *report_object_kind_name(int kind);

/* Add a thread / object to r, once; returns its index, -1 when full. */
int report_add_thread(struct report *r, const struct rep_thread *t);
int report_add_object(struct report *r, const struct rep_object *o);

/*
 * Render r as text (each line "coffman: ...") or as one JSON line, into
 * buf (always NUL-terminated, truncated if too small). 'depth' bounds the
 * frames printed per stack. Returns the length written. sym may be NULL.
 */
size_t report_format_text(const struct report *r, report_symbolize_fn sym,
			  report_stack_fn stacks, int depth, char *buf,
			  size_t len);
size_t report_format_json(const struct report *r, report_symbolize_fn sym,
			  report_stack_fn stacks, int depth, char *buf,
			  size_t len);

/* True if pred holds for a return address of any stack r shows (sites,
 * edges, object and thread creation stacks). */
bool report_any_pc(const struct report *r, report_stack_fn stacks,
		   bool (*pred)(uint64_t pc));

/* "file:line" of the first frame of stack id that has a source line (or
 * its function, or its address), into buf. */
const char *report_stack_site(report_symbolize_fn sym, report_stack_fn stacks,
			      uint32_t id, char *buf, size_t len);

/* Short label of object i ("mutex M3 'name'"), into buf. */
const char *report_object_label(const struct report *r, int i, char *buf,
				size_t len);

#endif /* COFFMAN_REPORT_H */
