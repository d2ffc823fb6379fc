/* SPDX-License-Identifier: MIT */
/*
 * dump.h - print a loaded trace in the text format (text_trace.h), as
 * `coffman dump` does; exposed for the fuzz target that checks the dump
 * parses back to the same trace.
 */
#ifndef COFFMAN_DUMP_H
#define COFFMAN_DUMP_H

#include <stdio.h>

#include "trace_load.h"

/* Write lt's header, records and events (in sequence order) to f.
 * 0 or -ENOMEM. Rewinds lt's event stream first. */
int dump_text(struct loaded_trace *lt, FILE *f);

#endif /* COFFMAN_DUMP_H */
