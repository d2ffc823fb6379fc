/* SPDX-License-Identifier: MIT */
/*
 * claims_fuzz.c - libFuzzer target for the claims file parser
 * (claims_load() in preload/engine/claims.c): any bytes must give rules
 * and, for each bad line, one message "claims PATH:LINE: reason" on one
 * line, lines in increasing order, never a crash. The text is read only
 * within its length (the runtime's buffer is not NUL-terminated), and a
 * final newline changes nothing.
 *
 * Built by run_fuzz.sh with clang -fsanitize=fuzzer,address,undefined;
 * replayed over its corpus by fuzz_replay.c in the normal build.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PATH	"fuzz.claims"
#define MSG_MAX 512

struct errs {
	int n;		 /* messages */
	long last_line;	 /* line of the last one */
	long lines;	 /* lines in the input */
	unsigned long h; /* hash of all of them */
};

static void on_error(void *ctx, const char *msg)
{
	struct errs *e = ctx;
	size_t n = strnlen(msg, MSG_MAX);
	const char *p = msg + strlen("claims " PATH ":");
	char *end;
	long line;

	CHECK(n > 0 && n < MSG_MAX);
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)msg[i] >= 0x20 && msg[i] != 0x7f);
	CHECK(!strncmp(msg, "claims " PATH ":", strlen("claims " PATH ":")));
	line = strtol(p, &end, 10);
	CHECK(end > p && !strncmp(end, ": ", 2) && end[2]);
	CHECK(line > e->last_line && line <= e->lines);
	e->last_line = line;
	for (size_t i = 0; i < n; i++)
		e->h = e->h * 31 + (unsigned char)msg[i];
	e->n++;
}

static int load(const char *text, size_t len, struct errs *e)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->lines = 1;
	for (size_t i = 0; i + 1 < len; i++)
		e->lines += text[i] == '\n';
	claims_unload();
	rc = claims_load(text, len, PATH, on_error, e);
	CHECK(rc == e->n || (rc == -ENOSPC && e->n >= 1));
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly its length, so that a read past the end is caught. */
	char *text = malloc(size ? size : 1), *nl;
	struct errs a, b;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	rc = load(text, size, &a);
	if (size && text[size - 1] != '\n') {
		nl = malloc(size + 1);
		CHECK(nl);
		memcpy(nl, text, size);
		nl[size] = '\n';
		CHECK(load(nl, size + 1, &b) == rc);
		CHECK(a.n == b.n && a.h == b.h);
		free(nl);
	}
	claims_unload();
	free(text);
	return 0;
}
