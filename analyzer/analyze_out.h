/* SPDX-License-Identifier: MIT */
/*
 * analyze_out.h - the outputs of `coffman analyze` besides the reports
 * themselves: the lock-order graph in Graphviz's DOT language, and the
 * per-object summary table.
 */
#ifndef COFFMAN_ANALYZE_OUT_H
#define COFFMAN_ANALYZE_OUT_H

#include <stdbool.h>
#include <stdio.h>

/*
 * The lock-order graph recorded by precise.h: one node per object, one
 * edge per held -> acquired pair, labelled with the threads that took it
 * and where; edges of reported cycles in red. 'depth' bounds the frames
 * searched for a file:line.
 */
void out_dot(FILE *f, int depth);

/* Counts per object (replay.h): text lines "coffman: ...", or with json
 * one JSON object per line ({"summary": ...}). */
void out_summary(FILE *f, bool json);

#endif /* COFFMAN_ANALYZE_OUT_H */
