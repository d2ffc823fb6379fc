/* SPDX-License-Identifier: MIT */
/*
 * text_trace_fuzz.c - libFuzzer target for the text trace parser
 * (analyzer/text_trace.c) and `coffman dump`: any text gives a binary
 * trace or a one-line "line N: ..." error, never a crash. A trace that
 * parses must open in the binary reader, and its dump (dump.c) must parse
 * again into a trace whose dump is the same: the text format loses
 * nothing that dump writes.
 *
 * Built by run_fuzz.sh with clang -fsanitize=fuzzer,address,undefined;
 * replayed over its corpus by fuzz_replay.c in the normal build.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump.h"
#include "text_trace.h"
#include "trace_load.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Parse text into lt (binary form and reader); 0 or <0. */
static int load_text(const char *text, size_t len, struct loaded_trace *lt,
		     char *err, size_t errlen)
{
	int rc;

	memset(lt, 0, sizeof(*lt));
	lt->is_text = 1;
	lt->path = "fuzz";
	rc = text_trace_parse(text, len, &lt->text, err, errlen);
	if (rc)
		return rc;
	rc = trace_open_mem(&lt->r, lt->text.buf, lt->text.len, err, errlen);
	CHECK(rc == 0); /* the parser only makes valid traces */
	CHECK(!lt->r.warning[0]);
	return 0;
}

/* The dump of lt, without its first line (which names the file). */
static char *dump_body(struct loaded_trace *lt, size_t *len)
{
	char *out = NULL, *nl;
	size_t n = 0;
	FILE *f = open_memstream(&out, &n);

	CHECK(f);
	CHECK(dump_text(lt, f) == 0);
	CHECK(fclose(f) == 0);
	nl = memchr(out, '\n', n);
	CHECK(nl);
	*len = n - (size_t)(nl + 1 - out);
	memmove(out, nl + 1, *len);
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size ? size : 1), *d1, *d2;
	struct loaded_trace a, b;
	char err[256];
	size_t n1, n2;
	int rc;

	if (!text)
		return 0;
	memcpy(text, data, size);
	rc = load_text(text, size, &a, err, sizeof(err));
	if (rc) {
		CHECK(!strncmp(err, "line ", 5) ||
		      !strcmp(err, "out of memory"));
		CHECK(!strchr(err, '\n'));
		free(text);
		return 0;
	}
	d1 = dump_body(&a, &n1);
	rc = load_text(d1, n1, &b, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "the dump does not parse: %s\n%.*s\n", err,
			(int)n1, d1);
		CHECK(rc == 0);
	}
	d2 = dump_body(&b, &n2);
	if (n1 != n2 || memcmp(d1, d2, n1)) {
		fprintf(stderr, "dump of the dump differs:\n%.*s\n----\n%.*s\n",
			(int)n1, d1, (int)n2, d2);
		CHECK(0);
	}
	free(d1);
	free(d2);
	trace_close(&b.r);
	tbuild_free(&b.text);
	trace_close(&a.r);
	tbuild_free(&a.text);
	free(text);
	return 0;
}
