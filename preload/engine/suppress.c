/* SPDX-License-Identifier: MIT */
/* suppress.c - matching reports against suppression rules. */
#include "suppress.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "lock.h"

#define RULES_MAX 256
#define RULE_LEN 256

struct rule {
	int kind; /* enum rep_kind, -1 for any */
	char pattern[RULE_LEN];
};

static struct rule rules[RULES_MAX];
static int n_rules;
static int n_hits;

static void trim(char *s)
{
	size_t n = strlen(s);
	char *p = s;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
		     s[n - 1] == '\r'))
		s[--n] = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	memmove(s, p, strlen(p) + 1);
}

int suppress_add(const char *line, char *err, size_t errlen)
{
	char buf[RULE_LEN * 2];
	char *colon;
	int k;

	snprintf(buf, sizeof(buf), "%s", line);
	trim(buf);
	if (!buf[0] || buf[0] == '#')
		return 0;
	colon = strchr(buf, ':');
	if (!colon) {
		snprintf(err, errlen,
			 "expected KIND:PATTERN (e.g. lock-order-inversion:"
			 "my_function), got '%s'",
			 buf);
		return -EINVAL;
	}
	*colon = 0;
	trim(buf);
	trim(colon + 1);
	if (!colon[1]) {
		snprintf(err, errlen, "empty pattern after '%s:'", buf);
		return -EINVAL;
	}
	if (!strcmp(buf, "*")) {
		k = -1;
	} else {
		for (k = 0; k < REP_KIND_MAX; k++)
			if (!strcmp(buf, report_kind_name(k)))
				break;
		if (k == REP_KIND_MAX) {
			char valid[400];
			size_t n = 0;

			valid[0] = 0;
			for (k = 0; k < REP_KIND_MAX && n < sizeof(valid); k++)
				n += (size_t)snprintf(valid + n,
						      sizeof(valid) - n, ", %s",
						      report_kind_name(k));
			snprintf(err, errlen,
				 "unknown report kind '%s' (valid: *%s)", buf,
				 valid);
			return -EINVAL;
		}
	}
	if (n_rules >= RULES_MAX) {
		snprintf(err, errlen, "more than %d rules", RULES_MAX);
		return -ENOMEM;
	}
	rules[n_rules].kind = k;
	snprintf(rules[n_rules].pattern, RULE_LEN, "%s", colon + 1);
	n_rules++;
	return 0;
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
