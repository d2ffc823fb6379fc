/* SPDX-License-Identifier: MIT */
/*
 * dump.c - `coffman dump`: print any trace in the text format
 * (text_trace.h), one engine event per line, so that analyzing the dump
 * gives the same reports as analyzing the trace; or, with --binary, write
 * any trace (a text one too) in the binary format.
 */
#include "dump.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "event.h"
#include "text_trace.h"
#include "trace_load.h"

static const char dump_usage[] = "usage: coffman dump [--binary=OUT] TRACE";

struct dump {
	FILE *f;
	const struct trace_reader *r;
	const struct trace_module_rec *text_objs;  /* "<text>", or NULL */
	const struct trace_module_rec *text_sites; /* "<text-sites>" */
	uint64_t last_t; /* time printed last (relative), UINT64_MAX none */
	/* text-module addresses printed by name: addr -> name, kind */
	struct dump_name {
		uint64_t addr;
		char *name;
		uint8_t kind;
	} * names;
	size_t n_names, cap_names;
};

static const char *const op_names[OP_MAX] = {
	[OP_INIT] = "init",
	[OP_DESTROY] = "destroy",
	[OP_ACQUIRE] = "acquire",
	[OP_ACQUIRED] = "acquired",
	[OP_TRY_FAILED] = "try_failed",
	[OP_TIMED_OUT] = "timed_out",
	[OP_RELEASE] = "release",
	[OP_WAIT] = "wait",
	[OP_WOKEN] = "woken",
	[OP_THREAD_START] = "thread_start",
	[OP_THREAD_EXIT] = "exit",
	[OP_JOIN] = "joined",
	[OP_FORK] = "fork",
	[OP_CLAIM] = "claim",
	[OP_NAME] = "name",
	[OP_RETIRE_RANGE] = "retire",
	[OP_PROBE] = "probe",
	[OP_SIGNAL] = "signal",
	[OP_SIGACTION] = "sigaction",
	[OP_CANCEL] = "cancel",
};

static const char *const kind_names[KIND_MAX] = {
	[KIND_NONE] = "object",	    [KIND_MUTEX] = "mutex",
	[KIND_RWLOCK] = "rwlock",   [KIND_SPIN] = "spin",
	[KIND_SEM] = "sem",	    [KIND_COND] = "cond",
	[KIND_BARRIER] = "barrier", [KIND_THREAD] = "thread",
	[KIND_ONCE] = "once",
};

static void put_quoted(FILE *f, const char *s, size_t n)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20 || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static bool path_is(const struct trace_module_rec *m, const char *s)
{
	return m->path_len == strlen(s) && memcmp(m->path, s, m->path_len) == 0;
}

static bool in_module(const struct trace_module_rec *m, uint64_t a)
{
	return m && a >= m->start && a < m->end;
}

/* A stack made of text call sites only: printable as @FILE:LINE,... */
static bool site_stack(const struct dump *d, const struct trace_stack_rec *s)
{
	uint32_t i;

	if (!d->text_sites || !s->n)
		return false;
	for (i = 0; i < s->n; i++) {
		uint64_t pc = trace_stack_pc(s, i);
		const struct trace_string_rec *str;

		if (!in_module(d->text_sites, pc))
			return false;
		str = trace_find_string(d->r,
					(uint32_t)((pc - TEXT_SITE_BASE) >>
						   TEXT_SITE_LINE_BITS));
		/* the file name must survive the trip through the parser */
		if (!str || !str->len || memchr(str->bytes, ',', str->len) ||
		    memchr(str->bytes, ' ', str->len) ||
		    memchr(str->bytes, '\t', str->len) ||
		    memchr(str->bytes, '"', str->len) ||
		    memchr(str->bytes, '#', str->len) ||
		    memchr(str->bytes, '\n', str->len) ||
		    memchr(str->bytes, '\r', str->len) ||
		    memchr(str->bytes, 0, str->len))
			return false;
	}
	return true;
}

static void put_sites(struct dump *d, const struct trace_stack_rec *s)
{
	uint32_t i;

	fputc('@', d->f);
	for (i = 0; i < s->n; i++) {
		uint64_t pc = trace_stack_pc(s, i), off = pc - TEXT_SITE_BASE;
		const struct trace_string_rec *str = trace_find_string(
			d->r, (uint32_t)(off >> TEXT_SITE_LINE_BITS));

		fprintf(d->f, "%s%.*s:%llu", i ? "," : "", (int)str->len,
			str->bytes,
			(unsigned long long)(off &
					     ((1u << TEXT_SITE_LINE_BITS) -
					      1)));
	}
}

/* " stack=N" or " @site", and the pc a parser would then assume. */
static uint64_t put_stack_ref(struct dump *d, uint32_t id)
{
	const struct trace_stack_rec *s =
		id ? trace_find_stack(d->r, id) : NULL;

	if (!id)
		return 0;
	if (s && site_stack(d, s)) {
		fputc(' ', d->f);
		put_sites(d, s);
		return trace_stack_pc(s, 0);
	}
	if (id >= TEXT_SITE_STACK0) {
		/* the parser keeps these ids for @sites: cannot say it */
		return UINT64_MAX;
	}
	fprintf(d->f, " stack=%u", id);
	return s && s->n ? trace_stack_pc(s, 0) : 0;
}

static const char *name_of(const struct dump *d, uint64_t addr, uint8_t kind)
{
	size_t i;

	for (i = d->n_names; i-- > 0;)
		if (d->names[i].addr == addr)
			return d->names[i].kind == kind ? d->names[i].name
							: NULL;
	return NULL;
}

static bool ident(const char *s, size_t n)
{
	size_t i;

	if (!n || !((s[0] >= 'A' && s[0] <= 'Z') ||
		    (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	/* "T12" would read back as a thread */
	if (s[0] == 'T' && n > 1 && s[1] >= '0' && s[1] <= '9')
		return false;
	for (i = 1; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      s[i] == '.' || s[i] == '[' || s[i] == ']'))
			return false;
	/* kind words and operation words would be misread too */
	for (i = 0; i < KIND_MAX; i++)
		if (strlen(kind_names[i]) == n && !memcmp(kind_names[i], s, n))
			return false;
	return true;
}

static int remember_name(struct dump *d, uint64_t addr, uint8_t kind,
			 const char *s, size_t n)
{
	struct dump_name *nn;

	if (d->n_names == d->cap_names) {
		size_t cap = d->cap_names ? d->cap_names * 2 : 32;

		nn = realloc(d->names, cap * sizeof(*nn));
		if (!nn)
			return -ENOMEM;
		d->names = nn;
		d->cap_names = cap;
	}
	nn = &d->names[d->n_names];
	nn->name = malloc(n + 1);
	if (!nn->name)
		return -ENOMEM;
	memcpy(nn->name, s, n);
	nn->name[n] = 0;
	nn->addr = addr;
	nn->kind = kind;
	d->n_names++;
	return 0;
}

static void put_flags(FILE *f, uint8_t flags)
{
	static const struct {
		uint8_t bit;
		const char *name;
	} names[] = { { EVF_TRY, "try" },
		      { EVF_TIMED, "timed" },
		      { EVF_CONDWAIT, "condwait" },
		      { EVF_TYPE_KNOWN, "typed" },
		      { EVF_FORK_GONE, "forkgone" },
		      { EVF_PSHARED, "pshared" },
		      { EVF_TOP, "top" } };
	const char *sep = "";
	size_t i;

	if (!flags)
		return;
	if (flags & ~(EVF_TRY | EVF_TIMED | EVF_CONDWAIT | EVF_TYPE_KNOWN |
		      EVF_FORK_GONE | EVF_PSHARED | EVF_TOP)) {
		fprintf(f, " flags=0x%x", flags);
		return;
	}
	fputs(" flags=", f);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (flags & names[i].bit) {
			fprintf(f, "%s%s", sep, names[i].name);
			sep = "+";
		}
}

static void put_time(struct dump *d, uint64_t ts)
{
	uint64_t t;

	if (!ts)
		return;
	t = ts >= d->r->start_ns ? ts - d->r->start_ns : 0;
	if (t == d->last_t)
		return;
	d->last_t = t;
	fprintf(d->f, " t=%llu.%06llums", (unsigned long long)(t / 1000000),
		(unsigned long long)(t % 1000000));
}

/* The fields every event line ends with. */
static void put_tail(struct dump *d, const struct trace_ev *ev, bool raw_fields)
{
	uint64_t pc0 = put_stack_ref(d, ev->stack);

	if (raw_fields) {
		if (ev->mode == MODE_SHARED)
			fputs(" mode=shared", d->f);
		else if (ev->mode)
			fprintf(d->f, " mode=%u", ev->mode);
		put_flags(d->f, ev->flags);
		if (ev->arg)
			fprintf(d->f, " arg=%llu", (unsigned long long)ev->arg);
		if (ev->owner_tid)
			fprintf(d->f, " owner=%d", (int)ev->owner_tid);
	}
	if (ev->pc != pc0)
		fprintf(d->f, " pc=0x%llx", (unsigned long long)ev->pc);
	put_time(d, ev->ts_ns);
}

/* The generic form: every field spelled out. */
static void put_generic(struct dump *d, const struct trace_ev *ev)
{
	const struct trace_string_rec *s =
		ev->str ? trace_find_string(d->r, ev->str) : NULL;

	fprintf(d->f, "T%u event op=%u kind=%u addr=0x%llx", ev->thread, ev->op,
		ev->kind, (unsigned long long)ev->addr);
	if (s) {
		fputs(" str=", d->f);
		put_quoted(d->f, s->bytes, s->len);
	} else if (ev->str) {
		fprintf(d->f, " strid=%u", ev->str);
	}
	put_tail(d, ev, true);
	fputc('\n', d->f);
}

static bool thread_word_ok(uint64_t v)
{
	return v >= 1 && v <= 0x7fffffff;
}

/* Print one event in its named form, or the generic one. */
static int put_event(struct dump *d, const struct trace_ev *ev)
{
	const struct trace_string_rec *s = NULL;
	const char *name;
	bool named = ev->op < OP_MAX && op_names[ev->op] && ev->kind < KIND_MAX;

	if (!thread_word_ok(ev->thread)) {
		/* the analyzer skips these too: no thread to give it to */
		fprintf(d->f, "# offset %llu: event of thread %u skipped\n",
			(unsigned long long)ev->offset, ev->thread);
		return 0;
	}

	if (named && ev->stack >= TEXT_SITE_STACK0) {
		const struct trace_stack_rec *st =
			trace_find_stack(d->r, ev->stack);

		named = st && site_stack(d, st);
	}
	if (named && ev->kind == KIND_THREAD && !thread_word_ok(ev->addr))
		named = false;
	/* "cancel T2" names a thread, nothing else */
	if (named && ev->op == OP_CANCEL && ev->kind != KIND_THREAD)
		named = false;
	if (named && (ev->op == OP_WAIT || ev->op == OP_WOKEN) &&
	    (ev->kind == KIND_MUTEX || ev->kind == KIND_RWLOCK ||
	     ev->kind == KIND_SPIN || ev->kind == KIND_SEM ||
	     ev->kind == KIND_ONCE))
		named = false;
	if (named && ev->op == OP_THREAD_EXIT &&
	    (ev->kind || ev->addr || ev->str))
		named = false;
	/* "claim X N" takes N up to 2^31 - 1 */
	if (named && ev->op == OP_CLAIM &&
	    (ev->kind == KIND_THREAD || ev->arg > 0x7fffffff))
		named = false;
	if (named && ev->op == OP_SIGACTION &&
	    (ev->kind || ev->addr || ev->flags || ev->mode ||
	     !(ev->arg & SIGACTION_SIG_MASK) ||
	     (ev->arg & ~(uint64_t)(SIGACTION_SIG_MASK | SIGACTION_HANDLER))))
		named = false;
	if (named && ev->op == OP_NAME) {
		s = ev->str ? trace_find_string(d->r, ev->str) : NULL;
		named = s != NULL;
	} else if (named && ev->str) {
		named = false;
	}
	if (!named) {
		put_generic(d, ev);
		return 0;
	}
	if (ev->op == OP_CLAIM && ev->flags == EVF_CLAIMS_DONE && !ev->kind &&
	    !ev->addr && !ev->arg) {
		struct trace_ev e = *ev;

		e.flags = 0; /* the word says it */
		fprintf(d->f, "T%u claims_done", ev->thread);
		put_tail(d, &e, true);
		fputc('\n', d->f);
		return 0;
	}
	if (ev->op == OP_SIGACTION) {
		struct trace_ev e = *ev;

		e.arg = 0; /* the words say it */
		fprintf(d->f, "T%u sigaction %u%s", ev->thread,
			(unsigned)(ev->arg & SIGACTION_SIG_MASK),
			(ev->arg & SIGACTION_HANDLER) ? " handler" : "");
		put_tail(d, &e, true);
		fputc('\n', d->f);
		return 0;
	}
	fprintf(d->f, "T%u %s", ev->thread, op_names[ev->op]);
	if (ev->op == OP_THREAD_EXIT) {
		put_tail(d, ev, true);
		fputc('\n', d->f);
		return 0;
	}
	fprintf(d->f, " %s ", kind_names[ev->kind]);
	if (ev->kind == KIND_THREAD) {
		fprintf(d->f, "T%llu", (unsigned long long)ev->addr);
	} else if ((name = name_of(d, ev->addr, ev->kind))) {
		fputs(name, d->f);
	} else if (ev->op == OP_NAME && in_module(d->text_objs, ev->addr) &&
		   ident(s->bytes, s->len) && !name_of(d, ev->addr, ev->kind)) {
		/* A text trace's named object: call it by its name. */
		if (remember_name(d, ev->addr, ev->kind, s->bytes, s->len))
			return -ENOMEM;
		fprintf(d->f, "%.*s", (int)s->len, s->bytes);
	} else {
		fprintf(d->f, "0x%llx", (unsigned long long)ev->addr);
	}
	if (ev->op == OP_CLAIM) {
		/* "claim X N": the units, as the text format writes them */
		struct trace_ev e = *ev;

		fprintf(d->f, " %llu", (unsigned long long)ev->arg);
		e.arg = 0;
		put_tail(d, &e, true);
		fputc('\n', d->f);
		return 0;
	}
	if (ev->op == OP_NAME) {
		fputc(' ', d->f);
		put_quoted(d->f, s->bytes, s->len);
	}
	put_tail(d, ev, true);
	fputc('\n', d->f);
	return 0;
}

static void put_header(struct dump *d, const char *path, bool is_text)
{
	const struct trace_reader *r = d->r;
	size_t i;

	if (is_text)
		fprintf(d->f, "# coffman trace %s (text)\n", path);
	else
		fprintf(d->f, "# coffman trace %s (binary, version %u)\n",
			path, (unsigned)r->version);
	if (r->warning[0])
		fprintf(d->f, "# warning: %s\n", r->warning);
	fprintf(d->f, "process pid=%u ppid=%u exe=", r->pid, r->ppid);
	put_quoted(d->f, r->exe, strlen(r->exe));
	fprintf(d->f, " start_ns=%llu realtime_ns=%llu\n",
		(unsigned long long)r->start_ns,
		(unsigned long long)r->start_realtime_ns);
	for (i = 0; i < r->n_modules; i++) {
		const struct trace_module_rec *m = &r->modules[i];
		uint8_t k;

		if (path_is(m, TEXT_OBJ_MODULE) || path_is(m, TEXT_SITE_MODULE))
			continue;
		fprintf(d->f, "module 0x%llx 0x%llx-0x%llx ",
			(unsigned long long)m->base,
			(unsigned long long)m->start,
			(unsigned long long)m->end);
		put_quoted(d->f, m->path, m->path_len);
		if (m->build_id_len) {
			fputs(" build_id=", d->f);
			for (k = 0; k < m->build_id_len; k++)
				fprintf(d->f, "%02x", m->build_id[k]);
		}
		fputc('\n', d->f);
	}
	for (i = 0; i < r->n_stacks; i++) {
		const struct trace_stack_rec *s = &r->stacks[i];
		uint32_t k;

		if (site_stack(d, s) || s->id >= TEXT_SITE_STACK0 || !s->id)
			continue;
		fprintf(d->f, "stack %u", s->id);
		for (k = 0; k < s->n; k++)
			fprintf(d->f, " 0x%llx",
				(unsigned long long)trace_stack_pc(s, k));
		fputc('\n', d->f);
	}
	for (i = 0; i < r->n_threads; i++) {
		const struct trace_thread_rec *t = &r->threads[i];

		if (!thread_word_ok(t->num))
			continue;
		fprintf(d->f, "thread T%u tid=%d", t->num, (int)t->tid);
		if (thread_word_ok(t->parent))
			fprintf(d->f, " parent=T%u", t->parent);
		if (t->create_stack)
			put_stack_ref(d, t->create_stack);
		if (t->name[0]) {
			fputs(" name=", d->f);
			put_quoted(d->f, t->name, strlen(t->name));
		}
		fputc('\n', d->f);
	}
}

int dump_text(struct loaded_trace *lt, FILE *f)
{
	struct trace_reader *r = &lt->r;
	struct dump d;
	struct trace_ev ev;
	size_t i;
	int rc = 0;

	memset(&d, 0, sizeof(d));
	d.f = f;
	d.r = r;
	d.last_t = 0;
	for (i = 0; i < r->n_modules; i++) {
		if (path_is(&r->modules[i], TEXT_OBJ_MODULE))
			d.text_objs = &r->modules[i];
		if (path_is(&r->modules[i], TEXT_SITE_MODULE))
			d.text_sites = &r->modules[i];
	}
	put_header(&d, lt->path, lt->is_text);
	trace_rewind(r);
	while (rc == 0 && trace_next_event(r, &ev))
		rc = put_event(&d, &ev);
	if (r->has_end) {
		uint64_t t = r->end_ts_ns >= r->start_ns
				     ? r->end_ts_ns - r->start_ns
				     : 0;

		fprintf(f, "end t=%llu.%06llums reason=%s\n",
			(unsigned long long)(t / 1000000),
			(unsigned long long)(t % 1000000),
			r->end_reason == TRACE_END_SIGNAL ? "signal"
			: r->end_reason == TRACE_END_EXEC ? "exec"
							  : "exit");
	}
	for (i = 0; i < d.n_names; i++)
		free(d.names[i].name);
	free(d.names);
	return rc;
}

/* The binary form of a loaded trace: its bytes, or the text's
 * translation. */
static int write_binary(struct loaded_trace *lt, const char *out)
{
	const uint8_t *p = lt->is_text ? lt->text.buf : lt->data;
	size_t n = lt->is_text ? lt->text.len : (size_t)lt->r.good_end;
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -errno;
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = -errno;

			close(fd);
			return e;
		}
		p += w;
		n -= (size_t)w;
	}
	return close(fd) < 0 ? -errno : 0;
}

int cmd_dump(int argc, char **argv)
{
	const char *binary = NULL, *path = NULL;
	struct loaded_trace lt;
	char err[LOAD_MSG_MAX];
	int i, rc;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			printf("%s\n\n"
			       "Print TRACE (binary or text) in the text trace "
			       "format, one engine event per\n"
			       "line: 'coffman analyze' of the output gives the "
			       "same reports as of TRACE.\n\n"
			       "Options:\n"
			       "  --binary=OUT  write TRACE in the binary format "
			       "to OUT instead\n"
			       "  -h, --help    show this help and exit\n",
			       dump_usage);
			return CMD_EXIT_CLEAN;
		}
		if (strncmp(a, "--binary=", 9) == 0 && a[9]) {
			binary = a + 9;
		} else if (strcmp(a, "--") == 0 && i + 1 < argc && !path) {
			path = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr,
				"coffman dump: unknown option '%s' (%s)\n", a,
				dump_usage);
			return CMD_EXIT_USAGE;
		} else if (!path) {
			path = a;
		} else {
			fprintf(stderr,
				"coffman dump: one trace at a time (%s)\n",
				dump_usage);
			return CMD_EXIT_USAGE;
		}
	}
	if (!path) {
		fprintf(stderr, "coffman dump: no trace given (%s)\n",
			dump_usage);
		return CMD_EXIT_USAGE;
	}
	rc = trace_load(path, &lt, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "coffman dump: %s: %s\n", path, err);
		return CMD_EXIT_USAGE;
	}
	if (lt.r.warning[0])
		fprintf(stderr, "coffman dump: %s: warning: %s\n", path,
			lt.r.warning);
	if (binary) {
		rc = write_binary(&lt, binary);
		if (rc < 0)
			fprintf(stderr, "coffman dump: %s: %s\n", binary,
				strerror(-rc));
	} else {
		rc = dump_text(&lt, stdout);
		if (rc < 0)
			fprintf(stderr, "coffman dump: %s: out of memory\n",
				path);
	}
	trace_unload(&lt);
	return rc < 0 ? CMD_EXIT_USAGE : CMD_EXIT_CLEAN;
}
