/* SPDX-License-Identifier: MIT */
/* analyze_out.c - DOT graph and summary table of `coffman analyze`. */
#include "analyze_out.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "precise.h"
#include "replay.h"
#include "report.h"
#include "stackdepot.h"
#include "symbolize_offline.h"

/* ---- names -------------------------------------------------------------- */

static const char *obj_name(uint64_t addr, uint32_t kind, const char *user,
			    uint64_t id, char *buf, size_t len)
{
	if (user && user[0])
		snprintf(buf, len, "%s", user);
	else if (replay_data_name(addr, kind, buf, len) != 0 || !buf[0])
		snprintf(buf, len, "M%llu", (unsigned long long)id);
	return buf;
}

/* "file.c:12" of the first frame of a stack with a file, else "". */
static const char *site_of(uint32_t stack, int depth, char *buf, size_t len)
{
	const uint64_t *pcs = NULL;
	struct coffman_frame f;
	int n = stack ? stackdepot_get(stack, &pcs) : 0, i;

	buf[0] = 0;
	for (i = 0; i < n && i < depth; i++) {
		if (symoff_symbolize(pcs[i], &f) == 0 && f.file[0]) {
			const char *b = strrchr(f.file, '/');

			snprintf(buf, len, "%.120s:%d", b ? b + 1 : f.file,
				 f.line);
			return buf;
		}
	}
	if (n > 0 && symoff_symbolize(pcs[0], &f) == 0 && f.function[0])
		snprintf(buf, len, "%.120s", f.function);
	return buf;
}

/* ---- DOT
 * --------------------------------------------------------------------- */

static void dot_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n') {
			fputs("\\n", f);
			continue;
		}
		fputc(*s, f);
	}
	fputc('"', f);
}

struct dot_ctx {
	FILE *f;
	int depth;
	uint64_t *seen; /* node ids printed, sorted as we go (small) */
	size_t n_seen, cap_seen;
	bool pass_nodes;
};

static bool seen_node(struct dot_ctx *c, uint64_t id)
{
	size_t i;

	for (i = 0; i < c->n_seen; i++)
		if (c->seen[i] == id)
			return true;
	if (c->n_seen == c->cap_seen) {
		size_t cap = c->cap_seen ? c->cap_seen * 2 : 64;
		uint64_t *n = realloc(c->seen, cap * sizeof(*n));

		if (!n)
			return true;
		c->seen = n;
		c->cap_seen = cap;
	}
	c->seen[c->n_seen++] = id;
	return false;
}

static void dot_node(struct dot_ctx *c, const struct pobj *o)
{
	char name[96], label[512], site[160];

	if (seen_node(c, o->id))
		return;
	obj_name(o->addr, o->kind, o->name, o->id, name, sizeof(name));
	site_of(o->init_stack, c->depth, site, sizeof(site));
	snprintf(label, sizeof(label), "%s %s\n0x%llx%s%s",
		 report_object_kind_name(o->kind), name,
		 (unsigned long long)replay_display_addr(o->addr),
		 site[0] ? "\nfirst seen at " : "", site);
	fprintf(c->f, "  n%llu [label=", (unsigned long long)o->id);
	dot_str(c->f, label);
	fputs("];\n", c->f);
}

static void dot_edge(void *ctx, struct pedge *e)
{
	struct dot_ctx *c = ctx;
	char label[512], site[160];
	size_t pos = 0;
	uint32_t i, shown = 0;

	if (c->pass_nodes) {
		dot_node(c, e->from_obj);
		dot_node(c, e->to_obj);
		return;
	}
	label[0] = 0;
	for (i = 0; i < e->nocc && pos + 16 < sizeof(label); i++) {
		uint32_t k;

		for (k = 0; k < i; k++)
			if (e->occ[k].thread == e->occ[i].thread)
				break;
		if (k < i)
			continue;
		if (shown == 3) {
			pos += (size_t)snprintf(label + pos,
						sizeof(label) - pos, ",...");
			break;
		}
		pos += (size_t)snprintf(label + pos, sizeof(label) - pos,
					"%sT%u", shown ? "," : "",
					e->occ[i].thread);
		shown++;
	}
	site_of(e->to_stack, c->depth, site, sizeof(site));
	if (site[0] && pos + 2 < sizeof(label))
		snprintf(label + pos, sizeof(label) - pos, " %s", site);
	fprintf(c->f, "  n%llu -> n%llu [label=", (unsigned long long)e->from,
		(unsigned long long)e->to);
	dot_str(c->f, label);
	if (e->in_cycle)
		fputs(", color=red, fontcolor=red, penwidth=2", c->f);
	if (e->to_mode == MODE_SHARED || e->from_mode == MODE_SHARED)
		fputs(", style=dashed", c->f);
	fputs("];\n", c->f);
}

void out_dot(FILE *f, int depth)
{
	struct dot_ctx c;

	memset(&c, 0, sizeof(c));
	c.f = f;
	c.depth = depth;
	fputs("digraph coffman {\n"
	      "  // lock-order graph: A -> B means B was acquired while A "
	      "was held\n"
	      "  rankdir=LR;\n"
	      "  node [shape=box, fontname=\"monospace\"];\n"
	      "  edge [fontname=\"monospace\", fontsize=10];\n",
	      f);
	c.pass_nodes = true;
	precise_for_each_edge(dot_edge, &c);
	c.pass_nodes = false;
	precise_for_each_edge(dot_edge, &c);
	fputs("}\n", f);
	free(c.seen);
}

/* ---- summary
 * ------------------------------------------------------------------ */

static int cmp_stat(const void *a, const void *b)
{
	const struct replay_objstat *x =
		*(const struct replay_objstat *const *)a;
	const struct replay_objstat *y =
		*(const struct replay_objstat *const *)b;

	if (x->acquired != y->acquired)
		return x->acquired > y->acquired ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

void out_summary(FILE *f, bool json)
{
	size_t n, i, k = 0;
	const struct replay_objstat *s = replay_objstats(&n);
	const struct replay_objstat **v = malloc((n + 1) * sizeof(*v));

	if (!v)
		return;
	for (i = 0; i < n; i++)
		if (s[i].used && s[i].kind)
			v[k++] = &s[i];
	qsort(v, k, sizeof(*v), cmp_stat);
	if (!json)
		fprintf(f,
			"coffman: summary: %zu object%s, %llu events "
			"(acquisitions, of them after waiting, failed tries "
			"and timeouts, longest and mean hold):\n",
			k, k == 1 ? "" : "s",
			(unsigned long long)replay_event_count());
	for (i = 0; i < k; i++) {
		char name[96];
		double longest = (double)v[i]->hold_max_ns / 1e6;
		double mean = v[i]->holds_timed
				      ? (double)v[i]->hold_total_ns /
						(double)v[i]->holds_timed / 1e6
				      : 0.0;

		obj_name(v[i]->addr, v[i]->kind, v[i]->name, 0, name,
			 sizeof(name));
		if (!strcmp(name, "M0"))
			name[0] = 0;
		if (json) {
			fprintf(f,
				"{\"summary\":{\"kind\":\"%s\",\"address\":"
				"\"0x%llx\",\"name\":",
				report_object_kind_name(v[i]->kind),
				(unsigned long long)replay_display_addr(
					v[i]->addr));
			json_str(f, name);
			fprintf(f,
				",\"acquired\":%llu,\"contended\":%llu,"
				"\"failed\":%llu,\"longest_hold_ns\":%llu,"
				"\"mean_hold_ns\":%llu}}\n",
				(unsigned long long)v[i]->acquired,
				(unsigned long long)v[i]->contended,
				(unsigned long long)v[i]->failed,
				(unsigned long long)v[i]->hold_max_ns,
				(unsigned long long)(v[i]->holds_timed
							     ? v[i]->hold_total_ns /
								       v[i]->holds_timed
							     : 0));
			continue;
		}
		fprintf(f,
			"coffman:   %-9s %-24s 0x%-14llx %8llu acquired %6llu "
			"contended %5llu failed  longest %.3f ms  mean %.3f "
			"ms\n",
			report_object_kind_name(v[i]->kind),
			name[0] ? name : "-",
			(unsigned long long)replay_display_addr(v[i]->addr),
			(unsigned long long)v[i]->acquired,
			(unsigned long long)v[i]->contended,
			(unsigned long long)v[i]->failed, longest, mean);
	}
	free(v);
}
