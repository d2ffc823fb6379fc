/* SPDX-License-Identifier: MIT */
/* suppress.c - matching reports against suppression rules. */
#include "suppress.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "lock.h"
#include "quote.h"

#define RULES_MAX 256
#define RULE_LEN 256

struct rule {
	int kind; /* enum rep_kind, -1 for any */
	char pattern[RULE_LEN];
};

static struct rule rules[RULES_MAX];
static int n_rules;
static int n_hits;

#define PATH_SHOWN 512 /* bytes of a file's path in a message */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
	       c == '\f';
}

/* s[0..*n) without the blanks around it; *n becomes its new length. */
static const char *strip(const char *s, size_t *n)
{
	while (*n && is_blank(s[*n - 1]))
		(*n)--;
	while (*n && is_blank(*s)) {
		s++;
		(*n)--;
	}
	return s;
}

/* suppress_add() of line[0..n), which holds no NUL byte. */
static int add_line(const char *line, size_t n, char *err, size_t errlen)
{
	char shown[QUOTE_BUF];
	size_t klen, plen;
	const char *kind = strip(line, &n), *colon, *pattern;
	int k;

	if (!n || kind[0] == '#')
		return 0;
	colon = memchr(kind, ':', n);
	if (!colon) {
		snprintf(err, errlen,
			 "expected KIND:PATTERN (e.g. lock-order-inversion:"
			 "my_function), got %s",
			 quote_bytes(kind, n, shown));
		return -EINVAL;
	}
	plen = n - (size_t)(colon + 1 - kind);
	pattern = strip(colon + 1, &plen);
	klen = (size_t)(colon - kind);
	kind = strip(kind, &klen);
	if (!plen) {
		snprintf(err, errlen, "empty pattern for kind %s",
			 quote_bytes(kind, klen, shown));
		return -EINVAL;
	}
	if (klen == 1 && kind[0] == '*') {
		k = -1;
	} else {
		for (k = 0; k < REP_KIND_MAX; k++)
			if (strlen(report_kind_name(k)) == klen &&
			    !memcmp(kind, report_kind_name(k), klen))
				break;
		if (k == REP_KIND_MAX) {
			char valid[400];
			size_t v = 0;

			valid[0] = 0;
			for (k = 0; k < REP_KIND_MAX && v < sizeof(valid); k++)
				v += (size_t)snprintf(valid + v,
						      sizeof(valid) - v, ", %s",
						      report_kind_name(k));
			snprintf(err, errlen,
				 "unknown report kind %s (valid: *%s)",
				 quote_bytes(kind, klen, shown),
				 valid);
			return -EINVAL;
		}
	}
	if (plen >= RULE_LEN) {
		snprintf(err, errlen, "pattern longer than %d bytes",
			 RULE_LEN - 1);
		return -EINVAL;
	}
	if (n_rules >= RULES_MAX) {
		snprintf(err, errlen, "more than %d rules", RULES_MAX);
		return -ENOMEM;
	}
	rules[n_rules].kind = k;
	memcpy(rules[n_rules].pattern, pattern, plen);
	rules[n_rules].pattern[plen] = 0;
	n_rules++;
	return 0;
}

int suppress_add(const char *line, char *err, size_t errlen)
{
	return add_line(line, strlen(line), err, errlen);
}

int suppress_load(const char *text, size_t len, const char *path,
		  void (*bad)(void *ctx, const char *msg), void *ctx)
{
	char err[400], msg[PATH_SHOWN + sizeof(err) + 64];
	const char *p = text, *end = text + len, *eol;
	int lineno = 0, nbad = 0, rc;

	for (; p < end; p = eol + 1) {
		eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		lineno++;
		if (memchr(p, 0, (size_t)(eol - p))) {
			snprintf(err, sizeof(err),
				 "a NUL byte in the line (not a text file?)");
			rc = -EINVAL;
		} else {
			rc = add_line(p, (size_t)(eol - p), err, sizeof(err));
		}
		if (rc) {
			snprintf(msg, sizeof(msg), "suppressions %.*s:%d: %s",
				 PATH_SHOWN, path, lineno, err);
			bad(ctx, msg);
			nbad++;
		}
	}
	return nbad;
}

void suppress_clear(void)
{
	n_rules = 0;
	__atomic_store_n(&n_hits, 0, __ATOMIC_RELAXED);
}

int suppress_rules(void)
{
	return n_rules;
}

int suppress_hits(void)
{
	return __atomic_load_n(&n_hits, __ATOMIC_RELAXED);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static bool name_matches(const char *pattern, const char *name)
{
	if (!name || !name[0])
		return false;
	return !fnmatch(pattern, name, 0) ||
	       !fnmatch(pattern, base_name(name), 0);
}

static bool stack_matches(const char *pattern, uint32_t id,
			  report_symbolize_fn sym, report_stack_fn stacks)
{
	const uint64_t *pcs = NULL;
	struct coffman_frame f;
	int n = id && stacks ? stacks(id, &pcs) : 0, i;

	for (i = 0; i < n; i++) {
		memset(&f, 0, sizeof(f));
		if (!sym || sym(pcs[i], &f) != 0)
			continue;
		if (name_matches(pattern, f.function) ||
		    name_matches(pattern, f.file) ||
		    name_matches(pattern, f.module))
			return true;
	}
	return false;
}

static bool rule_matches(const struct rule *ru, const struct report *r,
			 report_symbolize_fn sym, report_stack_fn stacks)
{
	const char *p = ru->pattern;
	int i;

	for (i = 0; i < r->nobjects; i++)
		if (name_matches(p, r->objects[i].name) ||
		    stack_matches(p, r->objects[i].init_stack, sym, stacks))
			return true;
	for (i = 0; i < r->nthreads; i++)
		if (name_matches(p, r->threads[i].name))
			return true;
	for (i = 0; i < r->nedges; i++)
		if (stack_matches(p, r->edges[i].from_stack, sym, stacks) ||
		    stack_matches(p, r->edges[i].to_stack, sym, stacks))
			return true;
	for (i = 0; i < r->nsites; i++)
		if (stack_matches(p, r->sites[i].stack, sym, stacks))
			return true;
	return false;
}

bool suppress_match(const struct report *r, report_symbolize_fn sym,
		    report_stack_fn stacks)
{
	int i;

	for (i = 0; i < n_rules; i++) {
		if (rules[i].kind >= 0 && rules[i].kind != r->kind)
			continue;
		if (rule_matches(&rules[i], r, sym, stacks)) {
			__atomic_fetch_add(&n_hits, 1, __ATOMIC_RELAXED);
			return true;
		}
	}
	return false;
}
