/* SPDX-License-Identifier: MIT */
/*
 * check.h - assertions for test programs run under the preload. A failed
 * check prints the expression and both values and exits 1 (not 66, so it
 * is never mistaken for coffman's error status).
 */
#ifndef COFFMAN_TEST_CHECK_H
#define COFFMAN_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#include "coffman.h"

#define CHECK_EQ(a, b)                                                       \
	do {                                                                 \
		long long check_a_ = (long long)(a);                         \
		long long check_b_ = (long long)(b);                         \
		if (check_a_ != check_b_) {                                  \
			fprintf(stderr, "%s:%d: CHECK_EQ(%s, %s): %lld != %lld\n", \
				__FILE__, __LINE__, #a, #b, check_a_,         \
				check_b_);                                   \
			exit(1);                                             \
		}                                                            \
	} while (0)

#define CHECK(x) CHECK_EQ(!!(x), 1)

/* Reports so far; fails the test when the runtime is not loaded. */
static inline int preload_reports(void)
{
	int n = coffman_report_count();

	if (n < 0) {
		fprintf(stderr, "libcoffman.so is not loaded\n");
		exit(1);
	}
	return n;
}

#endif /* COFFMAN_TEST_CHECK_H */
