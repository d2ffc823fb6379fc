/* SPDX-License-Identifier: MIT */
/*
 * fuzz_check.h - the fuzz targets' assertion: a broken property aborts
 * with the file, line and condition, which libFuzzer reports as a crash
 * and keeps the input for. On in every build (NDEBUG or not).
 */
#ifndef COFFMAN_FUZZ_CHECK_H
#define COFFMAN_FUZZ_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: check failed: %s\n",     \
				__FILE__, __LINE__, #cond);              \
			abort();                                         \
		}                                                        \
	} while (0)

#endif /* COFFMAN_FUZZ_CHECK_H */
