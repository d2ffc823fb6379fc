/* SPDX-License-Identifier: MIT */
/*
 * banker.c - `coffman banker`: read a textbook Banker's-algorithm state and
 * its requests, say whether the state is safe and what becomes of each
 * request, as text or JSON, with the algorithm's steps on --explain.
 */
#include "banker_parse.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "banker.h"
#include "commands.h"

/* ---- parsing ------------------------------------------------------------ */

struct token {
	const char *s; /* not NUL-terminated */
	size_t len;
};

struct cursor {
	const char *p, *end; /* rest of the line, comment cut off */
};

struct parser {
	struct banker_file *bf;
	struct banker_file_error *err;
	uint32_t line;		 /* current line, from 1 */
	uint32_t resources_line; /* 0 until seen */
	uint32_t vector_line;	 /* the 'available' or 'total' line, or 0 */
	uint32_t vector[BANKER_FILE_RESOURCES_MAX]; /* its values */
	uint32_t *thread_line; /* [cap_threads] where each was declared */
	uint32_t *max, *alloc; /* [cap_threads * M] */
	uint32_t cap_threads;
	uint32_t cap_requests;
};

static bool is_sep(char c)
{
	/* Commas and parentheses too, so "(1, 0, 2)" reads like 1 0 2. */
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' ||
	       c == ',' || c == '(' || c == ')';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       is_digit(c) || c == '_' || c == '.' || c == '-' || c == ':' ||
	       c == '/' || c == '[' || c == ']';
}

static bool next_token(struct cursor *c, struct token *t)
{
	while (c->p < c->end && is_sep(*c->p))
		c->p++;
	if (c->p == c->end)
		return false;
	t->s = c->p;
	while (c->p < c->end && !is_sep(*c->p))
		c->p++;
	t->len = (size_t)(c->p - t->s);
	return true;
}

/* Keywords are matched without regard to ASCII case. */
static bool is_kw(const struct token *t, const char *kw)
{
	size_t n = strlen(kw);

	if (t->len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = t->s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != kw[i])
			return false;
	}
	return true;
}

/* The token for a message: printable ASCII only, cut at 40 characters. */
static const char *shown(const struct token *t, char buf[48])
{
	size_t n = t->len < 40 ? t->len : 40;

	for (size_t i = 0; i < n; i++) {
		char c = t->s[i];

		buf[i] = (c >= 0x20 && c < 0x7f) ? c : '?';
	}
	strcpy(buf + n, t->len > n ? "..." : "");
	return buf;
}

static int fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Fill in the error for the current line; returns -EINVAL. */
static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	ps->err->line = ps->line ? ps->line : 1;
	va_start(ap, fmt);
	vsnprintf(ps->err->msg, sizeof(ps->err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool looks_numeric(const struct token *t)
{
	return is_digit(t->s[0]) ||
	       (t->len > 1 && t->s[0] == '-' && is_digit(t->s[1]));
}

static int parse_units(struct parser *ps, const struct token *t, uint32_t *v)
{
	uint64_t x = 0;
	char buf[48];

	if (t->len > 1 && t->s[0] == '-' && is_digit(t->s[1]))
		return fail(
			ps,
			"negative value '%s' (units are whole numbers >= 0)",
			shown(t, buf));
	for (size_t i = 0; i < t->len; i++) {
		if (!is_digit(t->s[i]))
			return fail(
				ps,
				"'%s' is not a number (units are whole numbers >= 0)",
				shown(t, buf));
	}
	for (size_t i = 0; i < t->len; i++) {
		x = x * 10 + (uint64_t)(t->s[i] - '0');
		if (x > UINT32_MAX)
			return fail(ps,
				    "value '%s' is too large (at most %" PRIu32
				    ")",
				    shown(t, buf), UINT32_MAX);
	}
	*v = (uint32_t)x;
	return 0;
}

static int check_name(struct parser *ps, const struct token *t,
		      const char *what)
{
	char buf[48];
	bool ok = t->len <= BANKER_FILE_NAME_MAX;

	for (size_t i = 0; ok && i < t->len; i++)
		ok = is_name_char(t->s[i]);
	if (!ok)
		return fail(
			ps,
			"bad %s name '%s' (letters, digits and _ . - : / [ ], at most %d characters)",
			what, shown(t, buf), BANKER_FILE_NAME_MAX);
	return 0;
}

static bool name_eq(const char *name, const struct token *t)
{
	return strlen(name) == t->len && memcmp(name, t->s, t->len) == 0;
}

static uint32_t find_thread(const struct banker_file *bf, const struct token *t)
{
	for (uint32_t i = 0; i < bf->n_threads; i++) {
		if (name_eq(bf->thread[i], t))
			return i;
	}
	return BANKER_NONE;
}

static int read_vector(struct parser *ps, struct cursor *c, const char *what,
		       uint32_t *out);

static int need_resources(struct parser *ps, const char *kw)
{
	if (!ps->resources_line)
		return fail(ps, "'%s' before the 'resources' line", kw);
	return 0;
}

static int parse_resources(struct parser *ps, struct cursor *c)
{
	struct banker_file *bf = ps->bf;
	struct token t;
	char buf[48];
	int rc;

	if (ps->resources_line)
		return fail(
			ps,
			"a second 'resources' line (the first is line %" PRIu32
			")",
			ps->resources_line);
	bf->resource = calloc(BANKER_FILE_RESOURCES_MAX, sizeof(*bf->resource));
	if (!bf->resource)
		return -ENOMEM;
	while (next_token(c, &t)) {
		rc = check_name(ps, &t, "resource");
		if (rc < 0)
			return rc;
		for (uint32_t r = 0; r < bf->n_resources; r++) {
			if (name_eq(bf->resource[r], &t))
				return fail(ps, "resource '%s' named twice",
					    shown(&t, buf));
		}
		if (bf->n_resources == BANKER_FILE_RESOURCES_MAX)
			return fail(ps, "too many resources (at most %d)",
				    BANKER_FILE_RESOURCES_MAX);
		memcpy(bf->resource[bf->n_resources], t.s, t.len);
		bf->n_resources++;
	}
	if (bf->n_resources == 0)
		return fail(
			ps,
			"'resources' needs at least one name, e.g. 'resources A B C'");
	ps->resources_line = ps->line;
	return 0;
}

static int parse_vector(struct parser *ps, struct cursor *c, bool total)
{
	const char *kw = total ? "total" : "available";
	int rc = need_resources(ps, kw);

	if (rc < 0)
		return rc;
	if (ps->vector_line)
		return fail(
			ps,
			"a second 'available' or 'total' line (the first is line %" PRIu32
			"); give one of them",
			ps->vector_line);
	rc = read_vector(ps, c, kw, ps->vector);
	if (rc < 0)
		return rc;
	ps->vector_line = ps->line;
	ps->bf->from_total = total;
	return 0;
}

static int grow_threads(struct parser *ps)
{
	uint32_t m = ps->bf->n_resources;
	uint32_t cap = ps->cap_threads ? 2 * ps->cap_threads : 16;
	void *p;

	if (cap > BANKER_FILE_THREADS_MAX)
		cap = BANKER_FILE_THREADS_MAX;
	p = realloc(ps->bf->thread, cap * sizeof(*ps->bf->thread));
	if (!p)
		return -ENOMEM;
	ps->bf->thread = p;
	p = realloc(ps->thread_line, cap * sizeof(*ps->thread_line));
	if (!p)
		return -ENOMEM;
	ps->thread_line = p;
	p = realloc(ps->max, (size_t)cap * m * sizeof(uint32_t));
	if (!p)
		return -ENOMEM;
	ps->max = p;
	p = realloc(ps->alloc, (size_t)cap * m * sizeof(uint32_t));
	if (!p)
		return -ENOMEM;
	ps->alloc = p;
	ps->cap_threads = cap;
	return 0;
}

/*
 * One "max V..." or "allocation V..." section of a thread line, starting
 * after its keyword. Stops at the next token that is not a number, which is
 * left in *next (next->s == NULL at the end of the line).
 */
static int read_section(struct parser *ps, struct cursor *c, const char *what,
			uint32_t *out, struct token *next)
{
	uint32_t m = ps->bf->n_resources, n = 0, v = 0;
	struct token t;
	char buf[48];
	int rc;

	next->s = NULL;
	while (next_token(c, &t)) {
		if (!looks_numeric(&t)) {
			if (n < m)
				return fail(
					ps,
					"'%s' is not a number (units are whole numbers >= 0)",
					shown(&t, buf));
			*next = t;
			break;
		}
		rc = parse_units(ps, &t, &v);
		if (rc < 0)
			return rc;
		if (n < m)
			out[n] = v;
		if (n < UINT32_MAX)
			n++;
	}
	if (n != m)
		return fail(ps,
			    "'%s' needs %" PRIu32
			    " values (one per resource), got %" PRIu32,
			    what, m, n);
	return 0;
}

/* Read the rest of the line as exactly M values, into out[]. */
static int read_vector(struct parser *ps, struct cursor *c, const char *what,
		       uint32_t *out)
{
	struct token next;
	uint32_t v;
	int rc = read_section(ps, c, what, out, &next);

	/* A word after the values: the error parse_units gives for it. */
	if (rc == 0 && next.s)
		rc = parse_units(ps, &next, &v);
	return rc;
}

static int parse_thread(struct parser *ps, struct cursor *c)
{
	struct banker_file *bf = ps->bf;
	uint32_t m = bf->n_resources, t, dup;
	uint32_t *max, *alloc;
	bool have_max = false, have_alloc = false;
	struct token name, kw;
	char buf[48];
	int rc = need_resources(ps, "thread");

	if (rc < 0)
		return rc;
	if (!next_token(c, &name))
		return fail(
			ps,
			"'thread' needs a name, then 'max' and 'allocation' values");
	rc = check_name(ps, &name, "thread");
	if (rc < 0)
		return rc;
	dup = find_thread(bf, &name);
	if (dup != BANKER_NONE)
		return fail(ps,
			    "thread '%s' declared twice (first on line %" PRIu32
			    ")",
			    shown(&name, buf), ps->thread_line[dup]);
	if (bf->n_threads == BANKER_FILE_THREADS_MAX)
		return fail(ps, "too many threads (at most %d)",
			    BANKER_FILE_THREADS_MAX);
	if (bf->n_threads == ps->cap_threads) {
		rc = grow_threads(ps);
		if (rc < 0)
			return rc;
	}
	t = bf->n_threads;
	max = ps->max + (size_t)t * m;
	alloc = ps->alloc + (size_t)t * m;

	if (!next_token(c, &kw))
		kw.s = NULL;
	while (kw.s) {
		bool is_max = is_kw(&kw, "max");

		if (!is_max && !is_kw(&kw, "allocation") &&
		    !is_kw(&kw, "alloc"))
			return fail(
				ps,
				"unknown keyword '%s' on a thread line (expected 'max' or 'allocation')",
				shown(&kw, buf));
		if (is_max ? have_max : have_alloc)
			return fail(ps, "'%s' given twice for thread '%s'",
				    is_max ? "max" : "allocation",
				    shown(&name, buf));
		rc = read_section(ps, c, is_max ? "max" : "allocation",
				  is_max ? max : alloc, &kw);
		if (rc < 0)
			return rc;
		if (is_max)
			have_max = true;
		else
			have_alloc = true;
	}
	if (!have_max || !have_alloc)
		return fail(
			ps,
			"thread '%s' needs 'max' and 'allocation' values, e.g. 'thread P0 max 7 5 3 allocation 0 1 0'",
			shown(&name, buf));
	for (uint32_t r = 0; r < m; r++) {
		if (alloc[r] > max[r])
			return fail(
				ps,
				"thread '%s' holds more %s than its max (allocation %" PRIu32
				" > max %" PRIu32 ")",
				shown(&name, buf), bf->resource[r], alloc[r],
				max[r]);
	}
	memset(bf->thread[t], 0, sizeof(bf->thread[t]));
	memcpy(bf->thread[t], name.s, name.len);
	ps->thread_line[t] = ps->line;
	bf->n_threads++;
	return 0;
}

static int parse_request(struct parser *ps, struct cursor *c)
{
	struct banker_file *bf = ps->bf;
	uint32_t m = bf->n_resources, t, n = bf->n_requests;
	struct token name;
	char buf[48];
	void *p;
	int rc = need_resources(ps, "request");

	if (rc < 0)
		return rc;
	if (!next_token(c, &name))
		return fail(ps,
			    "'request' needs a thread name and %" PRIu32
			    " values, e.g. 'request P1 1 0 2'",
			    m);
	t = find_thread(bf, &name);
	if (t == BANKER_NONE)
		return fail(
			ps,
			"request by unknown thread '%s' (declare it with a 'thread' line above)",
			shown(&name, buf));
	if (n == BANKER_FILE_REQUESTS_MAX)
		return fail(ps, "too many requests (at most %d)",
			    BANKER_FILE_REQUESTS_MAX);
	if (n == ps->cap_requests) {
		uint32_t cap = ps->cap_requests ? 2 * ps->cap_requests : 16;

		if (cap > BANKER_FILE_REQUESTS_MAX)
			cap = BANKER_FILE_REQUESTS_MAX;
		p = realloc(bf->request, cap * sizeof(*bf->request));
		if (!p)
			return -ENOMEM;
		bf->request = p;
		p = realloc(bf->request_units,
			    (size_t)cap * m * sizeof(uint32_t));
		if (!p)
			return -ENOMEM;
		bf->request_units = p;
		ps->cap_requests = cap;
	}
	rc = read_vector(ps, c, "request", bf->request_units + (size_t)n * m);
	if (rc < 0)
		return rc;
	bf->request[n].line = ps->line;
	bf->request[n].thread = t;
	bf->request[n].units = NULL; /* set once request_units stops moving */
	bf->n_requests++;
	return 0;
}

static int parse_line(struct parser *ps, struct cursor *c)
{
	struct token kw;
	char buf[48];

	if (!next_token(c, &kw))
		return 0;
	if (is_kw(&kw, "resources"))
		return parse_resources(ps, c);
	if (is_kw(&kw, "available"))
		return parse_vector(ps, c, false);
	if (is_kw(&kw, "total"))
		return parse_vector(ps, c, true);
	if (is_kw(&kw, "thread"))
		return parse_thread(ps, c);
	if (is_kw(&kw, "request"))
		return parse_request(ps, c);
	return fail(
		ps,
		"unknown keyword '%s' (expected resources, available, total, thread or request)",
		shown(&kw, buf));
}

/* After the last line: the state itself, and Available or Total. */
static int finish_parse(struct parser *ps)
{
	struct banker_file *bf = ps->bf;
	uint32_t m = bf->n_resources, n = bf->n_threads;
	size_t size;

	if (!ps->resources_line)
		return fail(
			ps,
			"no 'resources' line (the file starts with e.g. 'resources A B C')");
	if (!ps->vector_line)
		return fail(ps, "no 'available' or 'total' line");
	if (n == 0)
		return fail(ps, "no 'thread' lines");

	size = banker_size(n, m);
	bf->state_mem = size ? malloc(size) : NULL;
	bf->total = calloc(m, sizeof(*bf->total));
	if (!bf->state_mem || !bf->total)
		return -ENOMEM;
	banker_init(&bf->state, n, m, bf->state_mem);
	memcpy(bf->state.max, ps->max, (size_t)n * m * sizeof(uint32_t));
	memcpy(bf->state.allocation, ps->alloc,
	       (size_t)n * m * sizeof(uint32_t));
	for (uint32_t r = 0; r < m; r++) {
		uint64_t held = 0;

		for (uint32_t t = 0; t < n; t++)
			held += ps->alloc[(size_t)t * m + r];
		if (!bf->from_total) {
			bf->state.available[r] = ps->vector[r];
			bf->total[r] = ps->vector[r] + held;
		} else if (held > ps->vector[r]) {
			ps->line = ps->vector_line;
			return fail(ps,
				    "total %s is %" PRIu32
				    " but the threads hold %" PRIu64
				    " (Available would be negative)",
				    bf->resource[r], ps->vector[r], held);
		} else {
			bf->state.available[r] =
				(uint32_t)(ps->vector[r] - held);
			bf->total[r] = ps->vector[r];
		}
	}
	for (uint32_t i = 0; i < bf->n_requests; i++)
		bf->request[i].units = bf->request_units + (size_t)i * m;
	return 0;
}

void banker_file_free(struct banker_file *bf)
{
	if (!bf)
		return;
	free(bf->resource);
	free(bf->thread);
	free(bf->total);
	free(bf->state_mem);
	free(bf->request);
	free(bf->request_units);
	memset(bf, 0, sizeof(*bf));
}

int banker_file_parse(const char *text, size_t len, struct banker_file *bf,
		      struct banker_file_error *err)
{
	struct parser ps = { .bf = bf, .err = err };
	const char *p = text, *end = text + len;
	int rc = 0;

	memset(bf, 0, sizeof(*bf));
	memset(err, 0, sizeof(*err));
	if (len > BANKER_FILE_SIZE_MAX) {
		rc = fail(&ps, "more than %u bytes of input",
			  BANKER_FILE_SIZE_MAX);
		goto free_scratch;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *hash = memchr(p, '#', (size_t)(eol - p));
		struct cursor c = { p, hash ? hash : eol };

		ps.line++;
		rc = parse_line(&ps, &c);
		if (rc < 0)
			goto free_scratch;
		p = nl ? nl + 1 : end;
	}
	rc = finish_parse(&ps);
free_scratch:
	free(ps.thread_line);
	free(ps.max);
	free(ps.alloc);
	if (rc < 0)
		banker_file_free(bf);
	return rc;
}

/* ---- output ------------------------------------------------------------- */

struct out {
	const struct banker_file *bf;
	struct banker *b; /* the evolving state */
	bool json, explain;
	int w[BANKER_FILE_RESOURCES_MAX];  /* text column widths: matrices */
	int wv[BANKER_FILE_RESOURCES_MAX]; /* and Total, Available */
	bool first_step;		   /* JSON: no comma before it */
	uint32_t req_thread;		   /* explaining a request: whose */
	const uint32_t *req_units;	   /* and what, else NULL */
	uint64_t vec[BANKER_FILE_RESOURCES_MAX]; /* scratch */
};

static int digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

static void widen(int *w, uint64_t v)
{
	if (digits(v) > *w)
		*w = digits(v);
}

static void column_widths(struct out *o)
{
	const struct banker_file *bf = o->bf;
	const struct banker *b = o->b;
	uint32_t m = b->n_resources;

	for (uint32_t r = 0; r < m; r++) {
		/* Need and Allocation <= Max, Available <= Total: always. */
		o->w[r] = o->wv[r] = (int)strlen(bf->resource[r]);
		widen(&o->wv[r], bf->total[r]);
		for (uint32_t t = 0; t < b->n_threads; t++)
			widen(&o->w[r], b->max[(size_t)t * m + r]);
	}
}

static const uint64_t *row32(struct out *o, const uint32_t *row)
{
	for (uint32_t r = 0; r < o->b->n_resources; r++)
		o->vec[r] = row[r];
	return o->vec;
}

static const uint64_t *need_row(struct out *o, uint32_t t)
{
	for (uint32_t r = 0; r < o->b->n_resources; r++)
		o->vec[r] = banker_need(o->b, t, r);
	return o->vec;
}

static const uint32_t *max_of(const struct banker *b, uint32_t t)
{
	return b->max + (size_t)t * b->n_resources;
}

static const uint32_t *alloc_of(const struct banker *b, uint32_t t)
{
	return b->allocation + (size_t)t * b->n_resources;
}

/* "(3 3 2)" in text, "[3,3,2]" in JSON. */
static void put_vec(const struct out *o, const uint64_t *v)
{
	fputs(o->json ? "[" : "(", stdout);
	for (uint32_t r = 0; r < o->b->n_resources; r++)
		printf("%s%" PRIu64, r ? (o->json ? "," : " ") : "", v[r]);
	fputs(o->json ? "]" : ")", stdout);
}

static void put_finish(const struct out *o, const bool *finish, uint32_t also)
{
	fputs(o->json ? "[" : "(", stdout);
	for (uint32_t t = 0; t < o->b->n_threads; t++) {
		bool f = finish[t] || t == also;

		if (o->json)
			printf("%s%s", t ? "," : "", f ? "true" : "false");
		else
			printf("%s%c", t ? " " : "", f ? 'T' : 'F');
	}
	fputs(o->json ? "]" : ")", stdout);
}

/*
 * Thread names: ["P1","P3"] in JSON; in text "<P1, P3>" for a sequence,
 * "P1, P3" for a set.
 */
static void put_names(const struct out *o, const uint32_t *seq, uint32_t n,
		      bool sequence)
{
	if (o->json || sequence)
		fputs(o->json ? "[" : "<", stdout);
	for (uint32_t i = 0; i < n; i++) {
		/* Names hold no '"' or '\\' (check_name): no escaping. */
		if (o->json)
			printf("%s\"%s\"", i ? "," : "", o->bf->thread[seq[i]]);
		else
			printf("%s%s", i ? ", " : "", o->bf->thread[seq[i]]);
	}
	if (o->json || sequence)
		fputs(o->json ? "]" : ">", stdout);
}

static void put_sequence(const struct out *o, const uint32_t *seq, uint32_t n)
{
	put_names(o, seq, n, true);
}

static void put_set(const struct out *o, const uint32_t *set, uint32_t n)
{
	put_names(o, set, n, false);
}

/* The threads whose Finish is false after a check. */
static uint32_t stuck_threads(const struct banker *b, uint32_t *out)
{
	uint32_t n = 0;

	for (uint32_t t = 0; t < b->n_threads; t++) {
		if (!b->finish[t])
			out[n++] = t;
	}
	return n;
}

/* One row of a text table: label, then groups of M right-aligned columns. */
static void text_row(const struct out *o, const int *w, int label_w,
		     const char *label, const uint64_t *const *groups,
		     const int *group_w, int n)
{
	printf("%-*s", label_w, label);
	for (int g = 0; g < n; g++) {
		int used = 0;

		fputs("  ", stdout);
		for (uint32_t r = 0; r < o->b->n_resources; r++) {
			if (r) {
				putchar(' ');
				used++;
			}
			if (groups[g])
				used += printf("%*" PRIu64, w[r], groups[g][r]);
			else
				used += printf("%*s", w[r], o->bf->resource[r]);
		}
		if (g + 1 < n)
			printf("%*s", group_w[g] - used, "");
	}
	putchar('\n');
}

static void print_state_text(struct out *o)
{
	const struct banker_file *bf = o->bf;
	struct banker *b = o->b;
	uint32_t m = b->n_resources;
	const char *labels[3] = { "Max", "Allocation", "Need" };
	uint64_t avail[BANKER_FILE_RESOURCES_MAX];
	uint64_t mx[BANKER_FILE_RESOURCES_MAX], al[BANKER_FILE_RESOURCES_MAX];
	const uint64_t *g[3];
	int gw[3] = { 0 }, width = 0, label_w = (int)strlen("Thread");

	printf("%" PRIu32 " thread%s, %" PRIu32 " resource type%s\n\n",
	       b->n_threads, b->n_threads == 1 ? "" : "s", m,
	       m == 1 ? "" : "s");
	for (uint32_t r = 0; r < m; r++) {
		width += o->w[r] + (r ? 1 : 0);
		avail[r] = b->available[r];
	}
	g[0] = NULL;
	text_row(o, o->wv, 9, "Resource", g, gw, 1);
	g[0] = bf->total;
	text_row(o, o->wv, 9, "Total", g, gw, 1);
	g[0] = avail;
	text_row(o, o->wv, 9, "Available", g, gw, 1);
	putchar('\n');

	for (uint32_t t = 0; t < b->n_threads; t++) {
		if ((int)strlen(bf->thread[t]) > label_w)
			label_w = (int)strlen(bf->thread[t]);
	}
	printf("%-*s", label_w, "Thread");
	for (int i = 0; i < 3; i++) {
		int lw = (int)strlen(labels[i]);

		gw[i] = width > lw ? width : lw;
		printf("  %-*s", i < 2 ? gw[i] : 0, labels[i]);
	}
	putchar('\n');
	g[0] = g[1] = g[2] = NULL;
	text_row(o, o->w, label_w, "", g, gw, 3);
	for (uint32_t t = 0; t < b->n_threads; t++) {
		for (uint32_t r = 0; r < m; r++) {
			mx[r] = max_of(b, t)[r];
			al[r] = alloc_of(b, t)[r];
		}
		g[0] = mx;
		g[1] = al;
		g[2] = need_row(o, t);
		text_row(o, o->w, label_w, bf->thread[t], g, gw, 3);
	}
	putchar('\n');
}

static void print_vectors_json(struct out *o)
{
	const struct banker_file *bf = o->bf;
	const struct banker *b = o->b;
	const char *names[3] = { "max", "allocation", "need" };

	fputs("{\n\"resources\": [", stdout);
	for (uint32_t r = 0; r < b->n_resources; r++)
		printf("%s\"%s\"", r ? "," : "", bf->resource[r]);
	fputs("],\n\"threads\": [", stdout);
	for (uint32_t t = 0; t < b->n_threads; t++)
		printf("%s\"%s\"", t ? "," : "", bf->thread[t]);
	fputs("],\n\"total\": ", stdout);
	put_vec(o, bf->total);
	fputs(",\n\"available\": ", stdout);
	put_vec(o, row32(o, b->available));
	for (int i = 0; i < 3; i++) {
		printf(",\n\"%s\": [", names[i]);
		for (uint32_t t = 0; t < b->n_threads; t++) {
			fputs(t ? "," : "", stdout);
			if (i == 0)
				put_vec(o, row32(o, max_of(b, t)));
			else if (i == 1)
				put_vec(o, row32(o, alloc_of(b, t)));
			else
				put_vec(o, need_row(o, t));
		}
		putchar(']');
	}
	fputs(",\n", stdout);
}

static void explain_step_json(struct out *o, const struct banker *b,
			      const struct banker_step *s)
{
	static const char *const kinds[] = {
		[BANKER_STEP_START] = "start",	 [BANKER_STEP_SKIP] = "skip",
		[BANKER_STEP_FINISH] = "finish", [BANKER_STEP_STUCK] = "stuck",
		[BANKER_STEP_DONE] = "done",
	};

	printf("%s\n  {\"step\":\"%s\"", o->first_step ? "" : ",",
	       kinds[s->kind]);
	o->first_step = false;
	if (s->thread != BANKER_NONE) {
		printf(",\"thread\":\"%s\",\"need\":",
		       o->bf->thread[s->thread]);
		put_vec(o, need_row(o, s->thread));
	}
	if (s->resource != BANKER_NONE)
		printf(",\"resource\":\"%s\"", o->bf->resource[s->resource]);
	if (s->kind == BANKER_STEP_FINISH) {
		fputs(",\"allocation\":", stdout);
		put_vec(o, row32(o, alloc_of(b, s->thread)));
	}
	fputs(",\"work\":", stdout);
	put_vec(o, s->work);
	fputs(",\"finish\":", stdout);
	put_finish(o, s->finish, BANKER_NONE);
	putchar('}');
}

static void explain_step_text(struct out *o, const struct banker *b,
			      const struct banker_step *s)
{
	const struct banker_file *bf = o->bf;
	uint32_t m = b->n_resources, t = s->thread;
	const char *name = t != BANKER_NONE ? bf->thread[t] : "";
	uint64_t work[BANKER_FILE_RESOURCES_MAX];

	switch (s->kind) {
	case BANKER_STEP_START:
		if (o->req_units) {
			uint32_t rt = o->req_thread;

			printf("  Pretend to grant it: Available = ");
			put_vec(o, row32(o, b->available));
			printf(", Allocation[%s] = ", bf->thread[rt]);
			put_vec(o, row32(o, alloc_of(b, rt)));
			printf(", Need[%s] = ", bf->thread[rt]);
			put_vec(o, need_row(o, rt));
			fputs("; is that state safe?\n", stdout);
		}
		fputs("  Work = Available = ", stdout);
		put_vec(o, s->work);
		fputs(", Finish = ", stdout);
		put_finish(o, s->finish, BANKER_NONE);
		putchar('\n');
		break;
	case BANKER_STEP_SKIP:
		printf("  %s: Need ", name);
		put_vec(o, need_row(o, t));
		fputs(" <= Work ", stdout);
		put_vec(o, s->work);
		printf("? no, %s: %" PRIu32 " > %" PRIu64
		       "; %s cannot finish yet\n",
		       bf->resource[s->resource],
		       banker_need(b, t, s->resource), s->work[s->resource],
		       name);
		break;
	case BANKER_STEP_FINISH:
		printf("  %s: Need ", name);
		put_vec(o, need_row(o, t));
		fputs(" <= Work ", stdout);
		put_vec(o, s->work);
		printf("? yes: %s can finish and give back its Allocation ",
		       name);
		put_vec(o, row32(o, alloc_of(b, t)));
		for (uint32_t r = 0; r < m; r++)
			work[r] = s->work[r] + alloc_of(b, t)[r];
		fputs("; Work = ", stdout);
		put_vec(o, work);
		fputs(", Finish = ", stdout);
		put_finish(o, s->finish, t);
		putchar('\n');
		break;
	case BANKER_STEP_STUCK:
		fputs("  No thread with Finish = F has Need <= Work ", stdout);
		put_vec(o, s->work);
		fputs(o->req_units
			      ? ": that state is unsafe, so the grant is undone\n"
			      : ": the state is unsafe\n",
		      stdout);
		break;
	case BANKER_STEP_DONE:
		fputs(o->req_units
			      ? "  Every Finish is T: that state is safe, so the grant stands\n"
			      : "  Every Finish is T: the state is safe\n",
		      stdout);
		break;
	}
}

static void explain_step(void *ctx, const struct banker *b,
			 const struct banker_step *s)
{
	struct out *o = ctx;

	if (o->json)
		explain_step_json(o, b, s);
	else
		explain_step_text(o, b, s);
}

/* Text: "Request (1 0 2) <= Need[P1] (1 2 2)? yes" and the like. */
static void explain_check(struct out *o, uint32_t t, const uint32_t *units,
			  bool need, uint32_t bad)
{
	const struct banker_file *bf = o->bf;
	const struct banker *b = o->b;
	uint64_t limit[BANKER_FILE_RESOURCES_MAX];

	for (uint32_t r = 0; r < b->n_resources; r++)
		limit[r] = need ? banker_need(b, t, r) : b->available[r];
	fputs("  Request ", stdout);
	put_vec(o, row32(o, units));
	if (need)
		printf(" <= Need[%s] ", bf->thread[t]);
	else
		fputs(" <= Available ", stdout);
	put_vec(o, limit);
	if (bad == BANKER_NONE) {
		fputs("? yes\n", stdout);
		return;
	}
	printf("? no, %s: %" PRIu32 " > %" PRIu64 "\n", bf->resource[bad],
	       units[bad], limit[bad]);
}

static const char *const outcome_names[] = {
	[BANKER_GRANTED] = "granted",
	[BANKER_INVALID] = "invalid",
	[BANKER_WAIT] = "must-wait",
	[BANKER_UNSAFE] = "denied-unsafe",
};

static void request_text(struct out *o, const struct banker_file_request *rq,
			 const struct banker_result *res, const uint32_t *seq)
{
	const struct banker_file *bf = o->bf;
	const struct banker *b = o->b;
	const char *name = bf->thread[rq->thread];
	uint32_t r = res->resource;
	uint32_t stuck[BANKER_FILE_THREADS_MAX];
	uint32_t n_stuck;

	printf("request %s ", name);
	put_vec(o, row32(o, rq->units));
	printf(", line %" PRIu32 ": ", rq->line);
	switch (res->verdict) {
	case BANKER_GRANTED:
		fputs("granted; safe sequence ", stdout);
		put_sequence(o, seq, res->n_finished);
		fputs("; Available now ", stdout);
		put_vec(o, row32(o, b->available));
		putchar('\n');
		break;
	case BANKER_INVALID:
		printf("invalid: exceeds %s's Need in %s (%" PRIu32
		       " > %" PRIu32 "): it would go over its maximum claim\n",
		       name, bf->resource[r], rq->units[r],
		       banker_need(b, rq->thread, r));
		break;
	case BANKER_WAIT:
		printf("must wait: exceeds Available in %s (%" PRIu32
		       " > %" PRIu32 ")\n",
		       bf->resource[r], rq->units[r], b->available[r]);
		break;
	case BANKER_UNSAFE:
		/* b->finish[] still holds the pretended state's flags. */
		n_stuck = stuck_threads(b, stuck);
		fputs("denied as unsafe: granting it would leave ", stdout);
		if (res->n_finished == 0) {
			fputs("no thread sure to finish\n", stdout);
			break;
		}
		fputs("only ", stdout);
		put_sequence(o, seq, res->n_finished);
		fputs(" sure to finish, not ", stdout);
		put_set(o, stuck, n_stuck);
		putchar('\n');
		break;
	}
}

static void request_json(struct out *o, const struct banker_file_request *rq,
			 const struct banker_result *res, const uint32_t *seq)
{
	const struct banker_file *bf = o->bf;
	const struct banker *b = o->b;
	uint32_t r = res->resource;
	uint32_t stuck[BANKER_FILE_THREADS_MAX];
	uint32_t n_stuck;

	printf(",\"outcome\":\"%s\"", outcome_names[res->verdict]);
	switch (res->verdict) {
	case BANKER_GRANTED:
		fputs(",\"sequence\":", stdout);
		put_sequence(o, seq, res->n_finished);
		break;
	case BANKER_INVALID:
	case BANKER_WAIT:
		printf(",\"resource\":\"%s\",\"requested\":%" PRIu32
		       ",\"limit\":%" PRIu32,
		       bf->resource[r], rq->units[r],
		       res->verdict == BANKER_WAIT
			       ? b->available[r]
			       : banker_need(b, rq->thread, r));
		break;
	case BANKER_UNSAFE:
		n_stuck = stuck_threads(b, stuck);
		fputs(",\"can_finish\":", stdout);
		put_sequence(o, seq, res->n_finished);
		fputs(",\"stuck\":", stdout);
		put_set(o, stuck, n_stuck);
		break;
	}
	fputs(",\"available\":", stdout);
	put_vec(o, row32(o, b->available));
	putchar('}');
}

static void run_request(struct out *o, const struct banker_file_request *rq,
			uint32_t *seq, bool first)
{
	const struct banker_file *bf = o->bf;
	struct banker_result res;
	bool trace = o->explain;

	if (o->json) {
		printf("%s\n {\"line\":%" PRIu32
		       ",\"thread\":\"%s\",\"request\":",
		       first ? "" : ",", rq->line, bf->thread[rq->thread]);
		put_vec(o, row32(o, rq->units));
		if (trace) {
			fputs(",\"steps\":[", stdout);
			o->first_step = true;
		}
	} else if (trace) {
		printf("\nExplain: request %s ", bf->thread[rq->thread]);
		put_vec(o, row32(o, rq->units));
		printf(", line %" PRIu32 "\n", rq->line);
		/*
		 * banker_request() traces only a request that passes both
		 * checks; those print before its trace, failures after.
		 */
		for (uint32_t r = 0; r < o->b->n_resources; r++) {
			if (rq->units[r] > banker_need(o->b, rq->thread, r) ||
			    rq->units[r] > o->b->available[r]) {
				trace = false;
				break;
			}
		}
		if (trace) {
			explain_check(o, rq->thread, rq->units, true,
				      BANKER_NONE);
			explain_check(o, rq->thread, rq->units, false,
				      BANKER_NONE);
		}
	}
	o->req_thread = rq->thread;
	o->req_units = rq->units;
	banker_request(o->b, rq->thread, rq->units, seq, &res,
		       trace ? explain_step : NULL, o);
	o->req_units = NULL;

	if (o->json) {
		if (o->explain)
			putchar(']');
		request_json(o, rq, &res, seq);
		return;
	}
	if (o->explain && !trace) {
		bool over_need = res.verdict == BANKER_INVALID;

		explain_check(o, rq->thread, rq->units, true,
			      over_need ? res.resource : BANKER_NONE);
		if (!over_need)
			explain_check(o, rq->thread, rq->units, false,
				      res.resource);
	}
	request_text(o, rq, &res, seq);
}

/* Prints everything; returns whether the initial state is safe. */
static bool run(struct out *o)
{
	const struct banker_file *bf = o->bf;
	struct banker *b = o->b;
	uint32_t seq[BANKER_FILE_THREADS_MAX], stuck[BANKER_FILE_THREADS_MAX];
	uint32_t n_done, n_stuck;
	bool safe;

	column_widths(o);
	if (o->json) {
		print_vectors_json(o);
		if (o->explain) {
			fputs("\"steps\": [", stdout);
			o->first_step = true;
		}
	} else {
		print_state_text(o);
		if (o->explain)
			fputs("Explain: the safety algorithm on this state\n",
			      stdout);
	}
	safe = banker_is_safe(b, seq, &n_done, o->explain ? explain_step : NULL,
			      o);
	n_stuck = stuck_threads(b, stuck);

	if (o->json) {
		if (o->explain)
			fputs("],\n", stdout);
		printf("\"safe\": %s,\n\"sequence\": ",
		       safe ? "true" : "false");
		if (safe) {
			put_sequence(o, seq, n_done);
		} else {
			fputs("null,\n\"can_finish\": ", stdout);
			put_sequence(o, seq, n_done);
			fputs(",\n\"stuck\": ", stdout);
			put_set(o, stuck, n_stuck);
		}
		fputs(",\n\"requests\": [", stdout);
	} else if (safe) {
		fputs("The state is safe: safe sequence ", stdout);
		put_sequence(o, seq, n_done);
		putchar('\n');
	} else {
		fputs("The state is UNSAFE: ", stdout);
		if (n_done) {
			fputs("after ", stdout);
			put_sequence(o, seq, n_done);
			fputs(", ", stdout);
		}
		fputs("none of ", stdout);
		put_set(o, stuck, n_stuck);
		fputs(" can be sure to finish.\n"
		      "(Unsafe is not yet deadlocked: it means deadlock can no longer be ruled out.)\n",
		      stdout);
	}

	if (!o->json && !o->explain && bf->n_requests)
		putchar('\n');
	for (uint32_t i = 0; i < bf->n_requests; i++)
		run_request(o, &bf->request[i], seq, i == 0);
	if (o->json)
		fputs("]\n}\n", stdout);
	return safe;
}

/* ---- the command -------------------------------------------------------- */

static const char banker_usage[] =
	"usage: coffman banker [--json] [--explain] FILE";

static void print_help(void)
{
	printf("%s\n\n"
	       "Check a Banker's-algorithm state read from FILE ('-' for standard\n"
	       "input): say whether it is safe, with a safe sequence, then evaluate\n"
	       "each request in order against the evolving state: granted (with the\n"
	       "new safe sequence), must wait (exceeds Available), denied as unsafe\n"
	       "(granting it would leave an unsafe state), or invalid (exceeds the\n"
	       "thread's Need: more than its maximum claim allows).\n\n"
	       "FILE, one item per line, '#' starts a comment:\n"
	       "  resources A B C                        resource type names, first\n"
	       "  available 3 3 2                        free units of each, or:\n"
	       "  total 10 5 7                           (Available = Total - held)\n"
	       "  thread P0 max 7 5 3 allocation 0 1 0   one per thread ('alloc' too)\n"
	       "  request P1 1 0 2                       zero or more, in order\n"
	       "Values may be separated by commas and wrapped in parentheses.\n"
	       "At most %d resources, %d threads, %d requests.\n\n"
	       "Options:\n"
	       "  --json      one JSON document: the matrices, safe, sequence,\n"
	       "              requests[] with each outcome (and steps[] with\n"
	       "              --explain)\n"
	       "  --explain   show the algorithm's steps: Need, Work, Finish, and\n"
	       "              which thread finishes next and why\n"
	       "  -h, --help  show this help and exit\n\n"
	       "Exit status: 0 the state in FILE is safe, 1 it is unsafe, 2 bad\n"
	       "arguments or input (one line: FILE:LINE: problem). Requests do not\n"
	       "change it: waiting, denied and invalid are answers, not errors.\n",
	       banker_usage, BANKER_FILE_RESOURCES_MAX, BANKER_FILE_THREADS_MAX,
	       BANKER_FILE_REQUESTS_MAX);
}

/* The whole of FILE (or stdin for "-") in *buf; false after an error line. */
static bool read_input(const char *path, const char *shown_name, char **buf,
		       size_t *len)
{
	bool from_stdin = strcmp(path, "-") == 0;
	FILE *f = from_stdin ? stdin : fopen(path, "rb");
	size_t cap = 0, n = 0;
	char *p = NULL;
	bool ok = false;

	if (!f) {
		fprintf(stderr, "coffman banker: %s: %s\n", shown_name,
			strerror(errno));
		return false;
	}
	/* Read one byte past the limit, to tell "too large" from "at it". */
	while (n <= BANKER_FILE_SIZE_MAX) {
		size_t got;

		if (n == cap) {
			char *q;

			cap = cap ? 2 * cap : 65536;
			q = realloc(p, cap);
			if (!q) {
				fputs("coffman banker: out of memory\n",
				      stderr);
				goto close_file;
			}
			p = q;
		}
		got = fread(p + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (n > BANKER_FILE_SIZE_MAX) {
		fprintf(stderr, "coffman banker: %s: larger than %u bytes\n",
			shown_name, BANKER_FILE_SIZE_MAX);
		goto close_file;
	}
	if (ferror(f)) {
		fprintf(stderr, "coffman banker: %s: %s\n", shown_name,
			strerror(errno));
		goto close_file;
	}
	*buf = p;
	*len = n;
	p = NULL;
	ok = true;
close_file:
	free(p);
	if (!from_stdin)
		fclose(f);
	return ok;
}

int cmd_banker(int argc, char **argv)
{
	struct out o = { 0 };
	struct banker_file bf;
	struct banker_file_error err;
	const char *path = NULL, *name;
	bool opts_done = false;
	char *text = NULL;
	size_t len = 0;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (!opts_done && strcmp(arg, "--") == 0) {
			opts_done = true;
		} else if (!opts_done && (strcmp(arg, "--help") == 0 ||
					  strcmp(arg, "-h") == 0)) {
			print_help();
			return CMD_EXIT_CLEAN;
		} else if (!opts_done && strcmp(arg, "--json") == 0) {
			o.json = true;
		} else if (!opts_done && strcmp(arg, "--explain") == 0) {
			o.explain = true;
		} else if (!opts_done && arg[0] == '-' && arg[1] != '\0') {
			fprintf(stderr,
				"coffman banker: unknown option '%s' (%s)\n",
				arg, banker_usage);
			return CMD_EXIT_USAGE;
		} else if (path) {
			fprintf(stderr,
				"coffman banker: more than one FILE (%s)\n",
				banker_usage);
			return CMD_EXIT_USAGE;
		} else {
			path = arg;
		}
	}
	if (!path) {
		fprintf(stderr, "coffman banker: no FILE given (%s)\n",
			banker_usage);
		return CMD_EXIT_USAGE;
	}
	name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	if (!read_input(path, name, &text, &len))
		return CMD_EXIT_USAGE;
	rc = banker_file_parse(text, len, &bf, &err);
	free(text);
	if (rc == -ENOMEM) {
		fputs("coffman banker: out of memory\n", stderr);
		return CMD_EXIT_USAGE;
	}
	if (rc < 0) {
		fprintf(stderr, "coffman banker: %s:%" PRIu32 ": %s\n", name,
			err.line, err.msg);
		return CMD_EXIT_USAGE;
	}
	o.bf = &bf;
	o.b = &bf.state;
	rc = run(&o) ? CMD_EXIT_CLEAN : CMD_EXIT_FOUND;
	banker_file_free(&bf);
	return rc;
}
