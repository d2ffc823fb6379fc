/* SPDX-License-Identifier: MIT */
/*
 * suppress.h - suppressions: rules "KIND:PATTERN" that silence matching
 * reports. KIND is a report kind or '*'; PATTERN is a glob (fnmatch) that
 * must match a function, a source file (full path or base name), a module
 * (base name), an object's or a thread's name anywhere in the report.
 */
#ifndef COFFMAN_SUPPRESS_H
#define COFFMAN_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

#include "report.h"

/*
 * Add the rule on one line of a suppressions file ('#' comments and blank
 * lines are accepted and ignored). Returns 0, or -EINVAL with a one-line
 * reason in err (unknown kind, no ':', empty pattern, a pattern longer than
 * 255 bytes), -ENOMEM (more than 256 rules).
 */
int suppress_add(const char *line, char *err, size_t errlen);

/*
 * Add the rules of a whole suppressions file, text[0..len) (any bytes),
 * one a line as suppress_add() takes them; a line with a NUL byte is bad.
 * Each bad line is passed to bad(ctx, "suppressions PATH:LINE: reason")
 * and skipped. Returns the number of bad lines.
 */
int suppress_load(const char *text, size_t len, const char *path,
		  void (*bad)(void *ctx, const char *msg), void *ctx);

/* Bytes of a suppressions file read, online and offline alike: the lines
 * within them (a longer file is cut at its last whole line there). */
#define SUPPRESS_FILE_MAX (64 * 1024)

/* Forget every rule and the hit count (the fuzz target loads one file
 * after another in one process). Not while reports are being matched. */
void suppress_clear(void);

/* Number of rules, and of reports they silenced so far. */
int suppress_rules(void);
int suppress_hits(void);

/* True if a rule silences r; sym/stacks resolve its frames. */
bool suppress_match(const struct report *r, report_symbolize_fn sym,
		    report_stack_fn stacks);

#endif /* COFFMAN_SUPPRESS_H */
