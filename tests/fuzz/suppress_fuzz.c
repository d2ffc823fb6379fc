/* SPDX-License-Identifier: MIT */
/*
 * suppress_fuzz.c - libFuzzer target for the suppressions file parser
 * (suppress_add() and suppress_load() in preload/engine/suppress.c): the
 * input is a whole file, cut into lines at '\n'. Each line must give
 * what suppress.h says it gives, a rule, nothing (blank, '#') or an error
 * with a one-line message (a line holding a NUL byte: an error), never a
 * crash; suppress_load() of the whole must give the same rules and the
 * same bad lines, in order. A rule whose pattern has no wildcard must
 * match a report naming exactly that pattern: the rule kept is the one
 * written. Every rule is then matched against a report made from the
 * input.
 *
 * Built by run_fuzz.sh with clang -fsanitize=fuzzer,address,undefined;
 * replayed over its corpus by fuzz_replay.c in the normal build.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "suppress.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ERR_MAX	    400 /* what both readers of the file give suppress_add() */
#define PATTERN_MAX 255 /* bytes of a pattern (suppress.h) */
#define RULES_MAX   256 /* rules in all */

/* The frame every stack of the test reports resolves to. */
static const char *frame_file;
static const uint64_t frame_pc = 0x401000;

static int one_frame(uint32_t id, const uint64_t **pcs)
{
	(void)id;
	*pcs = &frame_pc;
	return 1;
}

static int resolve(uint64_t pc, struct coffman_frame *f)
{
	(void)pc;
	snprintf(f->file, sizeof(f->file), "%s", frame_file);
	snprintf(f->function, sizeof(f->function), "%s", frame_file);
	return 0;
}

/* One line for a terminal: no control characters, not empty. */
static void check_message(const char *msg, size_t size)
{
	size_t n = strnlen(msg, size);

	CHECK(n > 0 && n < size);
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)msg[i] >= 0x20 && msg[i] != 0x7f);
}

#define BLANKS " \t\r\n\v\f"

static char *skip_blanks(char *s)
{
	return s + strspn(s, BLANKS);
}

static void cut_trailing(char *s)
{
	size_t n = strlen(s);

	while (n && strchr(BLANKS, s[n - 1]))
		s[--n] = 0;
}

enum expect {
	BLANK, /* blank or comment: nothing */
	RULE,  /* a rule */
	BAD,   /* -EINVAL */
};

/*
 * What suppress.h says of 'line': a rule (its kind, -1 any, and its
 * pattern), nothing, or an error. line is cut in place.
 */
static enum expect model(char *line, int *kind, char **pattern)
{
	char *colon;

	line = skip_blanks(line);
	cut_trailing(line);
	if (!*line || *line == '#')
		return BLANK;
	colon = strchr(line, ':');
	if (!colon)
		return BAD;
	*colon = 0;
	cut_trailing(line);
	*pattern = skip_blanks(colon + 1);
	if (!**pattern || strlen(*pattern) > PATTERN_MAX)
		return BAD;
	if (!strcmp(line, "*")) {
		*kind = -1;
		return RULE;
	}
	for (*kind = 0; *kind < REP_KIND_MAX; (*kind)++)
		if (!strcmp(line, report_kind_name(*kind)))
			return RULE;
	return BAD;
}

/* A report of this kind with one call site in file 'file'. */
static bool matches_site(int kind, const char *file)
{
	static struct report r;

	memset(&r, 0, sizeof(r));
	r.kind = kind;
	r.nsites = 1;
	r.sites[0].stack = 1;
	r.sites[0].object = -1;
	frame_file = file;
	return suppress_match(&r, resolve, one_frame);
}

/* Check one line (no NUL in it) through suppress_add(); its result. */
static int check_line(const char *line)
{
	char err[ERR_MAX], *copy = strdup(line), *pattern = NULL;
	int before = suppress_rules(), rc, kind = 0;
	enum expect want;

	CHECK(copy);
	want = model(copy, &kind, &pattern);
	memset(err, 'x', sizeof(err));
	rc = suppress_add(line, err, sizeof(err));
	if (want == RULE && before == RULES_MAX) {
		CHECK(rc == -ENOMEM);
	} else {
		CHECK(rc == (want == BAD ? -EINVAL : 0));
	}
	if (rc) {
		check_message(err, sizeof(err));
		CHECK(suppress_rules() == before);
	} else if (want == BLANK) {
		CHECK(suppress_rules() == before);
	} else {
		CHECK(suppress_rules() == before + 1);
		/* The rule kept is the one written: a literal pattern matches
		 * exactly its own text. */
		if (!strpbrk(pattern, "*?[\\"))
			CHECK(matches_site(kind < 0 ? REP_DEADLOCK : kind,
					   pattern));
	}
	free(copy);
	return rc;
}

/* suppress_load()'s messages: one line each, its file and line numbers
 * in order. */
struct load_check {
	int calls, last_line;
};

static void load_bad(void *ctx, const char *msg)
{
	struct load_check *lc = ctx;
	int line = 0;

	check_message(msg, strlen(msg) + 1);
	CHECK(sscanf(msg, "suppressions fuzz.supp:%d: ", &line) == 1);
	CHECK(line > lc->last_line);
	lc->last_line = line;
	lc->calls++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *eol;
	struct load_check lc = { 0, 0 };
	char *text = malloc(size + 1);
	static struct report r;
	int bad = 0, rules, nbad;

	if (!text)
		return 0;
	/* Line by line through suppress_add(): a line holding a NUL byte is
	 * bad as a whole (suppress_load() says so). */
	suppress_clear();
	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		if (memchr(p, 0, (size_t)(eol - p))) {
			bad++;
			continue;
		}
		memcpy(text, p, (size_t)(eol - p));
		text[eol - p] = 0;
		if (check_line(text))
			bad++;
	}
	rules = suppress_rules();

	/* The whole file at once: the same rules, the same bad lines. */
	suppress_clear();
	nbad = suppress_load((const char *)data, size, "fuzz.supp", load_bad,
			     &lc);
	CHECK(nbad == bad && lc.calls == bad);
	CHECK(suppress_rules() == rules);

	memcpy(text, data, size);
	text[size] = 0;
	/* Every rule against names taken from the input. */
	memset(&r, 0, sizeof(r));
	r.kind = size ? data[0] % REP_KIND_MAX : 0;
	r.nobjects = 1;
	snprintf(r.objects[0].name, sizeof(r.objects[0].name), "%.*s",
		 (int)(size < 63 ? size : 63), (const char *)data);
	r.objects[0].init_stack = 1;
	r.nthreads = 1;
	snprintf(r.threads[0].name, sizeof(r.threads[0].name), "%.*s",
		 (int)(size < 15 ? size : 15), (const char *)data + size / 2);
	frame_file = text;
	suppress_match(&r, resolve, one_frame);
	free(text);
	return 0;
}
