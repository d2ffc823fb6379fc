/* SPDX-License-Identifier: MIT */
/*
 * analyze.c - `coffman analyze`: load traces (binary or text), replay them
 * through the engine (replay.h), then print what the engine reported, as
 * the live runtime would have: text by default, JSON Lines with --json;
 * or the lock-order graph with --dot; with --precise the offline cycle
 * analysis (precise.h) replaces the engine's first-cycle-per-edge
 * inversions. Reports are kept until the end so that every address is
 * symbolised in one pass per module.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_out.h"
#include "claims.h"
#include "commands.h"
#include "engine.h"
#include "options.h"
#include "precise.h"
#include "replay.h"
#include "report.h"
#include "stackdepot.h"
#include "suppress.h"
#include "symbolize_offline.h"
#include "trace_load.h"

#define TEXT_BUF (64 * 1024)
#define JSON_BUF (128 * 1024)

static const char analyze_usage[] = "usage: coffman analyze [OPTIONS] TRACE...";

struct kept {
	struct report r;
	bool filtered; /* a --precise cycle shown only under --all */
};

/* Runtime options given on the command line, re-applied over the run's. */
#define CLI_OPTS_MAX 64

struct analysis {
	bool json, dot, summary, precise, all, quiet_warnings;
	bool exitcode_set;
	int exitcode;
	int max_length, max_cycles;
	struct coffman_options opts;
	const char *cli[CLI_OPTS_MAX]; /* --key=value given, in order */
	int n_cli;
	struct kept *reps;
	size_t n_reps, cap_reps;
	bool oom;
};

static struct analysis an;

static void keep(const struct report *r, bool filtered)
{
	struct kept *k;

	if (an.n_reps == an.cap_reps) {
		size_t cap = an.cap_reps ? an.cap_reps * 2 : 16;

		k = realloc(an.reps, cap * sizeof(*k));
		if (!k) {
			an.oom = true;
			return;
		}
		an.reps = k;
		an.cap_reps = cap;
	}
	k = &an.reps[an.n_reps++];
	k->r = *r;
	k->filtered = filtered;
}

/* Each report the engine makes during the replay. */
static void on_report(const struct report *r)
{
	/* --precise judges every cycle itself */
	if (an.precise && r->kind == REP_LOCK_ORDER_INVERSION)
		return;
	keep(r, false);
}

static void on_precise(void *ctx, const struct report *r)
{
	(void)ctx;
	keep(r, r->severity == SEV_INFO);
}

/*
 * The options the traced run had, so a replay judges with the same
 * thresholds; options given here win. Paths (log, json, trace, claims,
 * suppressions) belong to the run's machine and are not taken.
 */
static void apply_run_options(const struct loaded_trace *tf)
{
	static const char *const keys[] = {
		"on_deadlock", "stack_depth",  "identity",	"banker",
		"watchdog_ms", "hold_wait_ms", "starvation_ms",
	};
	char text[2048], err[256];
	struct coffman_options o;
	size_t len = tf->r.options_len < sizeof(text) - 1 ? tf->r.options_len
							  : sizeof(text) - 1;
	char *item, *next;
	unsigned k;
	int i;

	if (!len)
		return;
	memcpy(text, tf->r.options, len);
	text[len] = 0;
	options_defaults(&o);
	for (item = text; item; item = next) {
		char *eq;

		next = strchr(item, ':');
		if (next)
			*next++ = 0;
		eq = strchr(item, '=');
		if (!eq)
			continue;
		*eq = 0;
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(item, keys[k]))
				options_set(&o, item, eq + 1, err, sizeof(err));
	}
	for (i = 0; i < an.n_cli; i++) {
		char cli[OPT_PATH_MAX + 64];
		char *eq;

		snprintf(cli, sizeof(cli), "%s", an.cli[i]);
		eq = strchr(cli, '=');
		if (!eq)
			continue;
		*eq = 0;
		options_set(&o, cli, eq + 1, err, sizeof(err));
	}
	an.opts = o;
}

/* ---- options --------------------------------------------------------------
 */

static void print_help(void)
{
	printf("%s\n\n"
	       "Replay recorded traces (trace=PATH, binary, or the text format; "
	       "told apart by\n"
	       "content) through the deadlock detector and print the reports "
	       "the live run\n"
	       "made. Several traces are merged into one lock-order graph: "
	       "an inversion split\n"
	       "across two runs is found. A trace cut short is analyzed up to "
	       "its last whole\n"
	       "block.\n\n"
	       "Output:\n"
	       "  --json           reports as JSON Lines (the runtime's "
	       "schema)\n"
	       "  --dot            the lock-order graph for Graphviz, cycles "
	       "in red\n"
	       "  --summary        also a table per object: acquisitions, "
	       "contention, holds\n"
	       "Analysis:\n"
	       "  --precise        every elementary cycle (bounded), each "
	       "judged: cycles that\n"
	       "                   cannot happen (read-read, gate lock, one "
	       "thread, ordered by\n"
	       "                   thread creation and join) are left out\n"
	       "  --all            with --precise, show the left-out cycles "
	       "too, with the reason\n"
	       "  --max-length=N   longest cycle --precise looks for [8]\n"
	       "  --max-cycles=N   cycles --precise enumerates at most [1000]\n"
	       "  --identity=class one lock per init site: inversions between "
	       "instances\n"
	       "                   of the same classes\n"
	       "  --exitcode=N     exit status when something is reported [1]\n"
	       "  --KEY=VALUE      the runtime's options that mean something "
	       "offline:\n"
	       "                   stack_depth, watchdog_ms, hold_wait_ms, "
	       "starvation_ms,\n"
	       "                   on_deadlock, suppressions, banker, claims, "
	       "verbosity\n"
	       "  --banker=warn    the Banker's checks over the claims the "
	       "trace recorded\n"
	       "                   (coffman_claim; text traces: `Tn claim X "
	       "N`): unsafe-state\n"
	       "                   and claim-exceeded reports\n"
	       "  --claims=FILE    claims for threads by name, objects by "
	       "name (implies\n"
	       "                   --banker=warn)\n"
	       "  -h, --help       show this help and exit\n\n"
	       "Exit status: 0 nothing reported, 1 (or --exitcode) reports, 2 "
	       "bad arguments\n"
	       "or an unreadable trace.\n",
	       analyze_usage);
}

static bool parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return false;
	*out = (int)v;
	return true;
}

/* One --key=value. Returns false (message printed) on error. */
static bool set_option(const char *arg)
{
	const char *eq = strchr(arg, '=');
	char key[64], err[512];
	size_t klen = eq ? (size_t)(eq - arg) : strlen(arg);

	if (klen >= sizeof(key))
		klen = sizeof(key) - 1;
	memcpy(key, arg, klen);
	key[klen] = 0;
	if (!strcmp(key, "max-length") || !strcmp(key, "max_length")) {
		if (!eq ||
		    !parse_int(eq + 1, 2, PRECISE_LEN_MAX, &an.max_length))
			goto bad_value;
		an.precise = true;
		return true;
	}
	if (!strcmp(key, "max-cycles") || !strcmp(key, "max_cycles")) {
		if (!eq || !parse_int(eq + 1, 1, 1000000, &an.max_cycles))
			goto bad_value;
		an.precise = true;
		return true;
	}
	if (!strcmp(key, "log") || !strcmp(key, "json") ||
	    !strcmp(key, "trace")) {
		fprintf(stderr,
			"coffman analyze: option '%s' has no meaning offline "
			"(reports go to standard output; see --json)\n",
			key);
		return false;
	}
	if (options_set(&an.opts, key, eq ? eq + 1 : NULL, err, sizeof(err))) {
		fprintf(stderr, "coffman analyze: %s\n", err);
		return false;
	}
	if (an.n_cli < CLI_OPTS_MAX)
		an.cli[an.n_cli++] = arg;
	if (!strcmp(key, "exitcode")) {
		an.exitcode_set = true;
		an.exitcode = an.opts.exitcode;
	}
	return true;
bad_value:
	fprintf(stderr, "coffman analyze: bad value for --%s (%s)\n", key,
		!strcmp(key, "max-length") || !strcmp(key, "max_length")
			? "2..16"
			: "1..1000000");
	return false;
}

/* ---- suppressions (applied at the end, with every frame resolved) ------ */

static void suppress_bad_line(void *ctx, const char *msg)
{
	*(int *)ctx += 1;
	fprintf(stderr, "coffman analyze: %s\n", msg);
}

/* Its first SUPPRESS_FILE_MAX bytes, cut as the runtime cuts them. */
static int load_suppressions(const char *path)
{
	static char text[SUPPRESS_FILE_MAX];
	FILE *f = fopen(path, "r");
	size_t len;
	int bad = 0;

	if (!f) {
		fprintf(stderr, "coffman analyze: suppressions %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	len = fread(text, 1, sizeof(text), f);
	if (ferror(f)) {
		fprintf(stderr, "coffman analyze: suppressions %s: %s\n", path,
			strerror(errno));
		fclose(f);
		return -1;
	}
	if (len == sizeof(text) && fgetc(f) != EOF) {
		while (len > 0 && text[len - 1] != '\n')
			len--;
		fprintf(stderr,
			"coffman analyze: suppressions %s: larger than %d KiB: "
			"only the lines in the first %d KiB are read\n",
			path, SUPPRESS_FILE_MAX / 1024, SUPPRESS_FILE_MAX / 1024);
	}
	fclose(f);
	suppress_load(text, len, path, suppress_bad_line, &bad);
	return bad ? -1 : 0;
}

/* ---- claims (the Banker's checks over the replay) ------------------------ */

static void claims_bad_line(void *ctx, const char *msg)
{
	*(int *)ctx += 1;
	fprintf(stderr, "coffman analyze: %s\n", msg);
}

/*
 * Load claims=FILE for the replay: rules match thread names, objects go
 * by their names (a text trace's, or their variables'). Bad lines are
 * errors here, unlike in the live runtime: -1 after printing them.
 */
static int load_claims(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int bad = 0;

	if (!f) {
		fprintf(stderr, "coffman analyze: claims %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			char *nb = realloc(buf, cap ? cap * 2 : 4096);

			if (!nb) {
				fclose(f);
				free(buf);
				fputs("coffman analyze: out of memory\n", stderr);
				return -1;
			}
			buf = nb;
			cap = cap ? cap * 2 : 4096;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	if (claims_load(buf, len, path, claims_bad_line, &bad) < 0 && !bad)
		bad = 1;
	free(buf);
	return bad ? -1 : 0;
}

/* ---- output ---------------------------------------------------------------
 */

static void stack_pcs(uint32_t id, uint64_t **v, size_t *n, size_t *cap)
{
	const uint64_t *pcs = NULL;
	int k = id ? stackdepot_get(id, &pcs) : 0, i;

	for (i = 0; i < k && i < an.opts.stack_depth; i++) {
		if (*n == *cap) {
			size_t c = *cap ? *cap * 2 : 256;
			uint64_t *nv = realloc(*v, c * sizeof(*nv));

			if (!nv)
				return;
			*v = nv;
			*cap = c;
		}
		(*v)[(*n)++] = pcs[i];
	}
}

/* Resolve every frame any report will print, one tool run per module. */
static void prefetch_all(void)
{
	uint64_t *v = NULL;
	size_t n = 0, cap = 0, i;
	int k;

	for (i = 0; i < an.n_reps; i++) {
		const struct report *r = &an.reps[i].r;

		for (k = 0; k < r->nedges; k++) {
			stack_pcs(r->edges[k].from_stack, &v, &n, &cap);
			stack_pcs(r->edges[k].to_stack, &v, &n, &cap);
		}
		for (k = 0; k < r->nsites; k++)
			stack_pcs(r->sites[k].stack, &v, &n, &cap);
		for (k = 0; k < r->nobjects; k++)
			stack_pcs(r->objects[k].init_stack, &v, &n, &cap);
		for (k = 0; k < r->nthreads; k++)
			stack_pcs(r->threads[k].create_stack, &v, &n, &cap);
	}
	symoff_prefetch(v, n);
	free(v);
}

/* Names for the objects of --precise reports, which the engine did not
 * name; addresses as they were in their processes. */
static void finish_report(struct report *r)
{
	int i;

	for (i = 0; i < r->nobjects; i++) {
		struct rep_object *o = &r->objects[i];

		if (!o->name[0] && o->kind != KIND_THREAD)
			replay_data_name(o->addr, o->kind, o->name,
					 sizeof(o->name));
		if (o->kind != KIND_THREAD)
			o->addr = replay_display_addr(o->addr);
	}
}

static int print_reports(void)
{
	char *buf = malloc(an.json ? JSON_BUF : TEXT_BUF);
	int counted = 0;
	size_t i, len;

	if (!buf)
		return -ENOMEM;
	for (i = 0; i < an.n_reps; i++) {
		struct report *r = &an.reps[i].r;

		if (an.reps[i].filtered && !an.all)
			continue;
		if (suppress_rules() &&
		    suppress_match(r, symoff_symbolize, stackdepot_get))
			continue;
		if (r->kind == REP_LOCK_ORDER_INVERSION && an.dot)
			for (int k = 0; k < r->nedges; k++)
				precise_mark_cycle_edge(
					r->objects[r->edges[k].from].id,
					r->objects[r->edges[k].to].id);
		finish_report(r);
		if (r->severity != SEV_INFO)
			counted++;
		if (an.dot)
			continue;
		if (an.json)
			len = report_format_json(
				r, symoff_symbolize, stackdepot_get,
				an.opts.stack_depth, buf, JSON_BUF);
		else
			len = report_format_text(
				r, symoff_symbolize, stackdepot_get,
				an.opts.stack_depth, buf, TEXT_BUF);
		fwrite(buf, 1, len, stdout);
	}
	free(buf);
	return counted;
}

int cmd_analyze(int argc, char **argv)
{
	struct replay_config cfg;
	struct loaded_trace *traces;
	const char **paths;
	char err[LOAD_MSG_MAX];
	int n_paths = 0, i, rc, found, status;
	bool options_done = false, suppressions_ok = true;

	memset(&an, 0, sizeof(an));
	options_defaults(&an.opts);
	an.max_length = 8;
	an.max_cycles = 1000;
	paths = calloc((size_t)argc + 1, sizeof(*paths));
	if (!paths) {
		fputs("coffman analyze: out of memory\n", stderr);
		return CMD_EXIT_USAGE;
	}
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (options_done || a[0] != '-' || !strcmp(a, "-")) {
			paths[n_paths++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			options_done = true;
		} else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			print_help();
			free(paths);
			return CMD_EXIT_CLEAN;
		} else if (!strcmp(a, "--json")) {
			an.json = true;
		} else if (!strcmp(a, "--dot")) {
			an.dot = true;
		} else if (!strcmp(a, "--summary")) {
			an.summary = true;
		} else if (!strcmp(a, "--precise")) {
			an.precise = true;
		} else if (!strcmp(a, "--all")) {
			an.all = true;
			an.precise = true;
		} else if (a[1] == '-' && a[2] && strchr(a, '=')) {
			if (!set_option(a + 2)) {
				free(paths);
				return CMD_EXIT_USAGE;
			}
		} else {
			fprintf(stderr,
				"coffman analyze: unknown option '%s' (see "
				"'coffman analyze --help')\n",
				a);
			free(paths);
			return CMD_EXIT_USAGE;
		}
	}
	if (!n_paths) {
		fprintf(stderr, "coffman analyze: no trace given (%s)\n",
			analyze_usage);
		free(paths);
		return CMD_EXIT_USAGE;
	}
	if (an.json && an.dot) {
		fputs("coffman analyze: --json and --dot both write standard "
		      "output: choose one\n",
		      stderr);
		free(paths);
		return CMD_EXIT_USAGE;
	}
	traces = calloc((size_t)n_paths, sizeof(*traces));
	if (!traces) {
		fputs("coffman analyze: out of memory\n", stderr);
		free(paths);
		return CMD_EXIT_USAGE;
	}
	/* Every trace must be readable before anything is printed. */
	for (i = 0; i < n_paths; i++) {
		rc = trace_load(paths[i], &traces[i], err, sizeof(err));
		if (rc < 0) {
			fprintf(stderr, "coffman analyze: %s: %s\n", paths[i],
				err);
			while (i-- > 0)
				trace_unload(&traces[i]);
			free(traces);
			free(paths);
			return CMD_EXIT_USAGE;
		}
		if (traces[i].r.warning[0])
			fprintf(stderr,
				"coffman analyze: %s: warning: %s: the trace "
				"was cut short; analyzing the %llu events "
				"before it\n",
				paths[i], traces[i].r.warning,
				(unsigned long long)traces[i].r.n_events);
	}

	apply_run_options(&traces[0]);
	/* A claims file asks for the Banker's checks. */
	if (an.opts.claims[0] && an.opts.banker == BANKER_OFF)
		an.opts.banker = BANKER_WARN;
	memset(&cfg, 0, sizeof(cfg));
	cfg.opts = an.opts;
	cfg.want_edges = an.precise || an.dot;
	cfg.want_hb = an.precise;
	cfg.want_summary = an.summary;
	cfg.emit = on_report;
	replay_begin(&cfg);
	if (an.opts.claims[0] && load_claims(an.opts.claims) < 0) {
		status = CMD_EXIT_USAGE;
		goto out;
	}
	for (i = 0; i < n_paths; i++) {
		rc = replay_trace(&traces[i], i, n_paths);
		if (rc < 0) {
			fprintf(stderr, "coffman analyze: %s: out of memory\n",
				paths[i]);
			status = CMD_EXIT_USAGE;
			goto out;
		}
	}
	if (an.precise) {
		struct precise_params p = {
			.max_length = an.max_length,
			.max_cycles = an.max_cycles,
			.all = an.all,
			.pid = n_paths == 1 ? (int)traces[0].r.pid : 0,
			.data_name = replay_data_name,
		};
		bool truncated;

		precise_cycles(&p, on_precise, NULL, &truncated);
		if (truncated)
			fprintf(stderr,
				"coffman analyze: warning: --precise stopped "
				"at a bound (--max-cycles=%d, or its search "
				"budget): there may be more cycles\n",
				an.max_cycles);
	}
	if (an.oom) {
		fputs("coffman analyze: out of memory\n", stderr);
		status = CMD_EXIT_USAGE;
		goto out;
	}
	if (an.opts.suppressions[0] &&
	    load_suppressions(an.opts.suppressions) < 0)
		suppressions_ok = false;
	if (!suppressions_ok) {
		status = CMD_EXIT_USAGE;
		goto out;
	}
	prefetch_all();
	replay_symbolize_now(true);
	found = print_reports();
	if (found < 0) {
		fputs("coffman analyze: out of memory\n", stderr);
		status = CMD_EXIT_USAGE;
		goto out;
	}
	if (an.dot)
		out_dot(stdout, an.opts.stack_depth);
	if (an.summary)
		out_summary(stdout, an.json);
	if (an.opts.verbosity >= 2 && !an.json && !an.dot)
		printf("coffman: %d report(s) from %d trace(s), %llu events\n",
		       found, n_paths,
		       (unsigned long long)replay_event_count());
	status = found ? (an.exitcode_set ? an.exitcode : CMD_EXIT_FOUND)
		       : CMD_EXIT_CLEAN;
out:
	replay_end();
	for (i = 0; i < n_paths; i++)
		trace_unload(&traces[i]);
	free(traces);
	free(paths);
	free(an.reps);
	return status;
}
