/* SPDX-License-Identifier: MIT */
/*
 * trace_load.h - open a trace file of either format for the analyzer's
 * commands: the binary format is read in place (mapped); a text trace is
 * parsed into a binary one in memory first. Which one a file is, is told
 * by its content, not its name.
 */
#ifndef COFFMAN_TRACE_LOAD_H
#define COFFMAN_TRACE_LOAD_H

#include <stdbool.h>

#include "trace_build.h"
#include "trace_read.h"

#define LOAD_MSG_MAX 256

struct loaded_trace {
	struct trace_reader r; /* the events and records */
	struct tbuild text;    /* a text trace's binary form, owned */
	bool is_text;
	const char *path; /* as given ("-" is standard input) */
	void *data;	  /* the file's bytes: mapped or malloc'ed */
	size_t data_len;
	bool data_mapped;
};

/*
 * Open path ("-": standard input). Returns 0 (lt->r.warning may say the
 * trace was cut short), or a negative errno with one line in err:
 * "offset N: reason" (binary), "line N: reason" (text), or the system's
 * reason the file could not be read.
 */
int trace_load(const char *path, struct loaded_trace *lt, char *err,
	       size_t errlen);

void trace_unload(struct loaded_trace *lt);

#endif /* COFFMAN_TRACE_LOAD_H */
