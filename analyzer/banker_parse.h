/* SPDX-License-Identifier: MIT */
/*
 * banker_parse.h - the text format of `coffman banker` (a textbook
 * Banker's-algorithm state and requests), parsed from memory into a
 * struct banker. Kept apart from the command so the fuzz target can link it.
 */
#ifndef COFFMAN_BANKER_PARSE_H
#define COFFMAN_BANKER_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "banker.h"

#define BANKER_FILE_RESOURCES_MAX 64	      /* resource types */
#define BANKER_FILE_THREADS_MAX	  1024	      /* threads */
#define BANKER_FILE_REQUESTS_MAX  4096	      /* request lines */
#define BANKER_FILE_NAME_MAX	  63	      /* characters in a name */
#define BANKER_FILE_SIZE_MAX	  (16u << 20) /* bytes */

struct banker_file_request {
	uint32_t line;	 /* line number in the file, from 1 */
	uint32_t thread; /* index into thread[] */
	uint32_t *units; /* [n_resources], in the file's request_units */
};

struct banker_file {
	uint32_t n_resources, n_threads, n_requests;
	char (*resource)[BANKER_FILE_NAME_MAX + 1]; /* [n_resources] names */
	char (*thread)[BANKER_FILE_NAME_MAX + 1];   /* [n_threads] names */
	uint64_t *total;     /* [n_resources] Available + all Allocation */
	int from_total;	     /* 1: the file gave 'total', 0: 'available' */
	struct banker state; /* the initial state, banker_valid() */
	void *state_mem;     /* owns state's arrays */
	struct banker_file_request *request; /* [n_requests], in file order */
	uint32_t *request_units;	     /* owns the requests' units */
};

struct banker_file_error {
	uint32_t line; /* line number of the problem, from 1 */
	char msg[200]; /* what is wrong, one line, no "FILE:LINE: " prefix */
};

/*
 * Parse text[0..len-1] (need not end in '\n' or '\0'; any byte value is
 * handled) into *bf. Returns 0, -EINVAL with *err filled (bf left empty),
 * or -ENOMEM. On 0, release bf with banker_file_free().
 */
int banker_file_parse(const char *text, size_t len, struct banker_file *bf,
		      struct banker_file_error *err);

/* Free what banker_file_parse() allocated; bf may be zeroed or NULL. */
void banker_file_free(struct banker_file *bf);

#endif /* COFFMAN_BANKER_PARSE_H */
