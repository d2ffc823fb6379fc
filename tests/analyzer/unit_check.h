/* SPDX-License-Identifier: MIT */
/*
 * unit_check.h - non-fatal checks for the unit tests of pure modules:
 * each failure prints the expression and both values and is counted; the
 * test's main() reports n_failed and exits 1 if it is not 0.
 */
#ifndef COFFMAN_UNIT_CHECK_H
#define COFFMAN_UNIT_CHECK_H

#include <stdio.h>
#include <string.h>

static int n_failed;

#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, \
				__LINE__, #cond);                              \
			n_failed++;                                            \
		}                                                              \
	} while (0)

#define CHECK_INT(a, b)                                                   \
	do {                                                              \
		long long a_ = (a), b_ = (b);                             \
		if (a_ != b_) {                                           \
			fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", \
				__FILE__, __LINE__, #a, a_, b_);          \
			n_failed++;                                       \
		}                                                         \
	} while (0)

#define CHECK_STR(a, b)                                                       \
	do {                                                                  \
		const char *a_ = (a), *b_ = (b);                              \
		if (strcmp(a_, b_) != 0) {                                    \
			fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", \
				__FILE__, __LINE__, #a, a_, b_);              \
			n_failed++;                                           \
		}                                                             \
	} while (0)

#endif /* COFFMAN_UNIT_CHECK_H */
