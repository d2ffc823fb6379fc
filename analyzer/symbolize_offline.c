/* SPDX-License-Identifier: MIT */
/* symbolize_offline.c - libdw, addr2line and nm over a recorded module map. */
#include "symbolize_offline.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dwlines.h"
#include "event.h"
#include "frame.h"
#include "objects.h"

#define PCS_PER_RUN 2000 /* addresses per tool run (argument space) */

extern char **environ;

struct dsym {
	uint64_t value, size;
	char *name;
};

struct mod {
	char *path;
	uint64_t base, start, end;
	uint8_t *build_id;  /* as the trace recorded it; NULL none */
	size_t build_id_len;
	int changed;	    /* file on disk vs build_id: 0 unchecked, 1 the
			       same (or not known), -1 another file */
	bool nm_done;	    /* data symbols loaded (or tried) */
	bool tools_failed;  /* no tool could read it: skip it */
	struct dsym *dsyms; /* sorted by value */
	size_t n_dsyms;
};

struct entry {
	uint64_t pc;
	bool used;
	bool done;     /* resolved (found or not) */
	bool dw_named; /* function from libdw, as live: the tools keep it */
	int line;
	char *function; /* NULL unknown */
	char *file;
};

static struct mod *mods;
static size_t n_mods, cap_mods;
static bool mods_sorted = true;

static struct entry *cache; /* open addressing on pc */
static size_t cache_cap, cache_n;

struct site {
	uint64_t pc;
	bool used;
	int line;
	char *file;
};

static struct site *sites;
static size_t sites_cap, sites_n;

static bool no_tools;
static uint64_t (*display)(uint64_t);

/* ---- tables ------------------------------------------------------------- */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

int symoff_add_module(const char *path, size_t path_len, uint64_t base,
		      uint64_t start, uint64_t end, const uint8_t *build_id,
		      size_t build_id_len)
{
	struct mod *m;

	if (n_mods == cap_mods) {
		size_t cap = cap_mods ? cap_mods * 2 : 32;

		m = realloc(mods, cap * sizeof(*m));
		if (!m)
			return -ENOMEM;
		mods = m;
		cap_mods = cap;
	}
	m = &mods[n_mods];
	memset(m, 0, sizeof(*m));
	m->path = dup_n(path, path_len);
	if (!m->path)
		return -ENOMEM;
	if (build_id_len) {
		m->build_id = malloc(build_id_len);
		if (!m->build_id) {
			free(m->path);
			return -ENOMEM;
		}
		memcpy(m->build_id, build_id, build_id_len);
		m->build_id_len = build_id_len;
	}
	m->base = base;
	m->start = start;
	m->end = end;
	n_mods++;
	mods_sorted = false;
	return 0;
}

static int cmp_mod(const void *a, const void *b)
{
	const struct mod *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static struct mod *mod_of(uint64_t addr)
{
	size_t lo = 0, hi;

	if (!n_mods)
		return NULL;
	if (!mods_sorted) {
		qsort(mods, n_mods, sizeof(*mods), cmp_mod);
		mods_sorted = true;
	}
	hi = n_mods;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mods[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* The last module starting at or below addr, then earlier ones
	 * (ranges of a path seen at several bases may nest). */
	while (lo-- > 0)
		if (addr >= mods[lo].start && addr < mods[lo].end)
			return &mods[lo];
	return NULL;
}

static struct entry *cache_get(uint64_t pc, bool create)
{
	size_t i;

	if (cache_cap) {
		for (i = mix(pc) & (cache_cap - 1); cache[i].used;
		     i = (i + 1) & (cache_cap - 1))
			if (cache[i].pc == pc)
				return &cache[i];
	}
	if (!create)
		return NULL;
	if ((cache_n + 1) * 2 > cache_cap) {
		size_t ncap = cache_cap ? cache_cap * 2 : 256, j;
		struct entry *nc = calloc(ncap, sizeof(*nc));

		if (!nc)
			return NULL;
		for (j = 0; j < cache_cap; j++) {
			if (!cache[j].used)
				continue;
			for (i = mix(cache[j].pc) & (ncap - 1); nc[i].used;
			     i = (i + 1) & (ncap - 1))
				;
			nc[i] = cache[j];
		}
		free(cache);
		cache = nc;
		cache_cap = ncap;
	}
	for (i = mix(pc) & (cache_cap - 1); cache[i].used;
	     i = (i + 1) & (cache_cap - 1))
		;
	cache[i].used = true;
	cache[i].pc = pc;
	cache_n++;
	return &cache[i];
}

int symoff_add_site(uint64_t pc, const char *file, size_t len, int line)
{
	size_t i;

	if ((sites_n + 1) * 2 > sites_cap) {
		size_t ncap = sites_cap ? sites_cap * 2 : 256, j;
		struct site *ns = calloc(ncap, sizeof(*ns));

		if (!ns)
			return -ENOMEM;
		for (j = 0; j < sites_cap; j++) {
			if (!sites[j].used)
				continue;
			for (i = mix(sites[j].pc) & (ncap - 1); ns[i].used;
			     i = (i + 1) & (ncap - 1))
				;
			ns[i] = sites[j];
		}
		free(sites);
		sites = ns;
		sites_cap = ncap;
	}
	for (i = mix(pc) & (sites_cap - 1); sites[i].used;
	     i = (i + 1) & (sites_cap - 1))
		if (sites[i].pc == pc)
			return 0;
	sites[i].file = dup_n(file, len);
	if (!sites[i].file)
		return -ENOMEM;
	sites[i].used = true;
	sites[i].pc = pc;
	sites[i].line = line;
	sites_n++;
	return 0;
}

static const struct site *site_of(uint64_t pc)
{
	size_t i;

	if (!sites_cap)
		return NULL;
	for (i = mix(pc) & (sites_cap - 1); sites[i].used;
	     i = (i + 1) & (sites_cap - 1))
		if (sites[i].pc == pc)
			return &sites[i];
	return NULL;
}

/* ---- running the tools --------------------------------------------------- */

/*
 * Run argv[0] (PATH search) with stdout captured into *out (NUL-
 * terminated, malloc'ed) and stderr discarded. Returns its exit status,
 * 127 if it could not be started, -ENOMEM.
 */
static int run(char *const argv[], char **out)
{
	posix_spawn_file_actions_t fa;
	size_t len = 0, cap = 4096;
	int pfd[2], status = 0, rc;
	char *buf;
	pid_t pid;
	ssize_t n;

	*out = NULL;
	if (pipe2(pfd, O_CLOEXEC) < 0)
		return 127;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (rc != 0) {
		close(pfd[0]);
		return 127;
	}
	buf = malloc(cap);
	for (;;) {
		if (buf && len + 1 >= cap) {
			char *p = realloc(buf, cap * 2);

			if (!p) {
				free(buf);
				buf = NULL;
			} else {
				buf = p;
				cap *= 2;
			}
		}
		if (!buf) {
			char sink[4096];

			n = read(pfd[0], sink, sizeof(sink));
		} else {
			n = read(pfd[0], buf + len, cap - len - 1);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (buf)
			len += (size_t)n;
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!buf)
		return -ENOMEM;
	buf[len] = 0;
	*out = buf;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128;
}

/* Next line of *p (modified in place), or NULL at the end. */
static char *next_line(char **p)
{
	char *s = *p, *nl;

	if (!s || !*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = 0;
		*p = nl + 1;
	} else {
		*p = s + strlen(s);
	}
	return s;
}

/* "file:line", "file:line:col", "file:line (discriminator 3)", "??:0". */
static void parse_location(const char *s, char **file, int *line)
{
	char *copy = strdup(s), *c, *d;
	long v;

	*file = NULL;
	*line = 0;
	if (!copy)
		return;
	d = strstr(copy, " (discriminator");
	if (d)
		*d = 0;
	c = strrchr(copy, ':');
	if (c && c[1] >= '0' && c[1] <= '9') {
		v = strtol(c + 1, NULL, 10);
		*c = 0;
		/* eu-addr2line may add ":column" */
		d = strrchr(copy, ':');
		if (d && d[1] >= '0' && d[1] <= '9' &&
		    strspn(d + 1, "0123456789") == strlen(d + 1)) {
			v = strtol(d + 1, NULL, 10);
			*d = 0;
		}
		if (v > 0 && v < 1 << 30)
			*line = (int)v;
	}
	/* A relative compilation directory joined to a relative name
	 * ("./nptl/./nptl/x.c", "./misc/../sysdeps/y.S"): the runtime
	 * prints the name alone, as the line table has it. */
	if (!strncmp(copy, "./", 2) && (c = strchr(copy + 2, '/')) &&
	    (!strncmp(c + 1, "./", 2) || !strncmp(c + 1, "../", 3)))
		memmove(copy, c + 1, strlen(c + 1) + 1);
	if (copy[0] && strcmp(copy, "??") != 0 && *line > 0)
		*file = copy;
	else
		free(copy);
}

/* Apply addr2line -a -f -i output to the entries of pcs[]. */
static void parse_a2l(char *text, struct entry **ents, size_t n)
{
	char *p = text, *l;
	size_t k = 0;
	bool started = false, first_pair = true;
	struct entry *e = NULL;

	while ((l = next_line(&p))) {
		char *fn, *loc;

		if (l[0] == '0' && l[1] == 'x') {
			if (started)
				k++;
			started = true;
			first_pair = true;
			e = k < n ? ents[k] : NULL;
			continue;
		}
		fn = l;
		loc = next_line(&p);
		if (!e || !loc)
			continue;
		/* inlined frames: innermost first; the function is the
		 * outermost (the symbol), the line the innermost one outside
		 * the system's headers (frame_system_header), as live */
		if (strcmp(fn, "??") != 0 && !e->dw_named) {
			free(e->function);
			e->function = strdup(fn);
		}
		if (first_pair || (e->file && frame_system_header(e->file))) {
			char *file;
			int line;

			parse_location(loc, &file, &line);
			if (first_pair || file) {
				free(e->file);
				e->file = file;
				e->line = line;
			}
			first_pair = false;
		}
	}
}

/* Run tool over the entries of ents[0..n-1] (all in module m) that have
 * no source line yet. The tool's exit status, or -1 when out of memory;
 * what it printed is applied whatever the status: eu-addr2line exits 1
 * when one address has no line, though it found the others. */
static int run_tool(const char *tool, struct mod *m, struct entry **ents,
		    size_t n)
{
	struct entry **todo = calloc(n + 1, sizeof(*todo));
	char **argv = calloc(n + 8, sizeof(*argv)), *out = NULL;
	size_t i, k = 0;
	int rc = -1;

	if (!todo || !argv)
		goto out;
	for (i = 0; i < n; i++) {
		char hex[24];

		if (ents[i]->file)
			continue;
		/* a return address: look up the call before it */
		snprintf(hex, sizeof(hex), "0x%llx",
			 (unsigned long long)(ents[i]->pc - 1 - m->base));
		argv[7 + k] = strdup(hex);
		if (!argv[7 + k])
			goto out;
		todo[k++] = ents[i];
	}
	if (!k) {
		rc = 0;
		goto out;
	}
	argv[0] = (char *)tool;
	argv[1] = (char *)"-a";
	argv[2] = (char *)"-f";
	argv[3] = (char *)"-i";
	argv[4] = (char *)"-C";
	argv[5] = (char *)"-e";
	argv[6] = m->path;
	rc = run(argv, &out);
	if (out && rc != 127)
		parse_a2l(out, todo, k);
	free(out);
out:
	if (argv)
		for (i = 0; i < k; i++)
			free(argv[7 + i]);
	free(argv);
	free(todo);
	return rc;
}

/* ---- libdw, in-process ------------------------------------------------- */

#ifdef COFFMAN_HAVE_LIBDWFL_H
/*
 * One libdw session per file, holding that file alone at base 0: libdw's
 * addresses are then the file's own (pc - 1 - base, what the tools are
 * given), for a shared object, a PIE or a fixed-address executable alike
 * (dwfl_report_elf ignores the base of the last), and modules that
 * overlap in canonical space never meet. The modules of one path (one
 * program in several traces) share its session.
 */
struct dwfile {
	char *path;
	Dwfl *dwfl;	  /* NULL: libdw cannot read the file */
	Dwfl_Module *mod; /* the file, in dwfl */
};

static struct dwfile *dwfiles;
static size_t n_dwfiles, cap_dwfiles;

/* path's module in its session, opened on first use; NULL if libdw is
 * missing or cannot read the file (asked once). */
static Dwfl_Module *dw_module(const char *path)
{
	struct dwfile *f;
	size_t i;

	for (i = 0; i < n_dwfiles; i++)
		if (!strcmp(dwfiles[i].path, path))
			return dwfiles[i].mod;
	if (n_dwfiles == cap_dwfiles) {
		size_t cap = cap_dwfiles ? cap_dwfiles * 2 : 16;

		f = realloc(dwfiles, cap * sizeof(*f));
		if (!f)
			return NULL;
		dwfiles = f;
		cap_dwfiles = cap;
	}
	f = &dwfiles[n_dwfiles];
	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	if (!f->path)
		return NULL;
	n_dwfiles++;
	f->dwfl = dwlines_begin_offline();
	if (!f->dwfl)
		return NULL;
	/* add_p_vaddr: a prelinked library's first p_vaddr is its own */
	f->mod = dw.report_elf(f->dwfl, path, path, -1, 0, true);
	dw.report_end(f->dwfl, NULL, NULL);
	if (!f->mod) {
		dw.end(f->dwfl);
		f->dwfl = NULL;
	}
	return f->mod;
}

/* Fill from libdw what it knows of ents[0..n-1], all in module m. False
 * when it cannot read m's file. */
static bool resolve_dw(const struct mod *m, struct entry **ents, size_t n)
{
	Dwfl_Module *mod = dw_module(m->path);
	struct coffman_frame f;
	size_t i;

	if (!mod)
		return false;
	for (i = 0; i < n; i++) {
		struct entry *e = ents[i];

		memset(&f, 0, sizeof(f));
		/* a return address: look up the call before it */
		dwlines_frame(mod, e->pc - 1 - m->base, &f);
		if (f.function[0]) {
			e->function = strdup(f.function);
			e->dw_named = e->function != NULL;
		}
		if (f.file[0]) {
			e->file = strdup(f.file);
			e->line = e->file ? f.line : 0;
		}
	}
	return true;
}

/* The build id of the file at path, in *bits: its length, 0 or less if
 * unknown (libdw missing, the file unreadable or without one). */
static int file_build_id(const char *path, const uint8_t **bits)
{
	Dwfl_Module *mod = dw_module(path);
	GElf_Addr vaddr;

	if (!mod || !dw.module_build_id)
		return -1;
	return dw.module_build_id(mod, bits, &vaddr);
}

static void dw_reset(void)
{
	size_t i;

	for (i = 0; i < n_dwfiles; i++) {
		if (dwfiles[i].dwfl)
			dw.end(dwfiles[i].dwfl);
		free(dwfiles[i].path);
	}
	free(dwfiles);
	dwfiles = NULL;
	n_dwfiles = cap_dwfiles = 0;
}

#else /* !COFFMAN_HAVE_LIBDWFL_H */

static bool resolve_dw(const struct mod *m, struct entry **ents, size_t n)
{
	(void)m;
	(void)ents;
	(void)n;
	return false;
}

static int file_build_id(const char *path, const uint8_t **bits)
{
	(void)path;
	(void)bits;
	return -1;
}

static void dw_reset(void)
{
}

#endif /* COFFMAN_HAVE_LIBDWFL_H */

static void put_hex(char *out, size_t size, const uint8_t *b, size_t n)
{
	size_t i;

	out[0] = 0;
	for (i = 0; i < n && 2 * i + 3 <= size; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/*
 * Is the file at m's path another build than the one the trace recorded
 * (another build id)? Its addresses then hold other code and data: a name
 * or line from it would be wrong, and none is given. Unknown (no build id
 * in the trace, or none read from the file) counts as the same. Warns
 * once per path.
 */
static bool mod_changed(struct mod *m)
{
	char was[2 * 64 + 1], now[2 * 64 + 1];
	const uint8_t *bits;
	size_t i;
	int len;

	if (m->changed)
		return m->changed < 0;
	m->changed = 1;
	if (!m->build_id_len || m->path[0] != '/')
		return false;
	len = file_build_id(m->path, &bits);
	if (len <= 0 || ((size_t)len == m->build_id_len &&
			 !memcmp(bits, m->build_id, m->build_id_len)))
		return false;
	m->changed = -1;
	for (i = 0; i < n_mods; i++)
		if (&mods[i] != m && mods[i].changed < 0 &&
		    !strcmp(mods[i].path, m->path))
			return true; /* said already */
	put_hex(was, sizeof(was), m->build_id, m->build_id_len);
	put_hex(now, sizeof(now), bits, (size_t)len);
	fprintf(stderr,
		"coffman analyze: warning: %s is not the file the trace was "
		"made with (build id %s there, %s now): its code and "
		"variables are not named\n",
		m->path, was, now);
	return true;
}

static bool missing_line(struct entry **ents, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!ents[i]->file)
			return true;
	return false;
}

/* Resolve ents[0..n-1], all in module m. */
static void resolve_module(struct mod *m, struct entry **ents, size_t n)
{
	/*
	 * libdw in-process first, read as the runtime reads it (dwlines.c),
	 * so frames match the live reports. The tools run for what it found
	 * no line for, or for all when libdw is missing: eu-addr2line (the
	 * same library: only when ours could not read the file), then
	 * binutils, which reads the line tables of some compilers' DWARF 5
	 * that elfutils 0.188 does not (clang 14's), but names the including
	 * file for gcc 12's code in a header (binutils 2.40): so it comes
	 * last.
	 */
	static const char *const tools[] = { "eu-addr2line", "addr2line" };
	size_t i, t = 0;
	bool tried = false, ran = false;

	for (i = 0; i < n; i++)
		ents[i]->done = true;
	if (m->path[0] != '/' || mod_changed(m))
		return;
	if (resolve_dw(m, ents, n))
		t = 1;
	if (no_tools || m->tools_failed)
		return;
	for (; t < sizeof(tools) / sizeof(tools[0]) && missing_line(ents, n);
	     t++) {
		int rc = run_tool(tools[t], m, ents, n);

		if (rc < 0)
			return;
		tried = true;
		/* 127: not installed; above 1: it could not read the file */
		if (rc <= 1)
			ran = true;
	}
	if (tried && !ran)
		m->tools_failed = true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

void symoff_prefetch(const uint64_t *pcs, size_t n)
{
	uint64_t *todo = malloc((n + 1) * sizeof(*todo));
	struct entry **ents;
	size_t i, k = 0, s;

	if (!todo)
		return;
	for (i = 0; i < n; i++) {
		struct entry *e;

		if (!pcs[i] || site_of(pcs[i]) || !mod_of(pcs[i]))
			continue;
		e = cache_get(pcs[i], true);
		if (!e || e->done)
			continue;
		e->done = true; /* queued once */
		todo[k++] = pcs[i];
	}
	/* Sorted by pc, each module's addresses are one run of todo[]. The
	 * table no longer grows: pointers into it stay valid. */
	qsort(todo, k, sizeof(*todo), cmp_u64);
	ents = malloc((k + 1) * sizeof(*ents));
	if (!ents) {
		free(todo);
		return;
	}
	for (i = 0; i < k; i++)
		ents[i] = cache_get(todo[i], false);
	for (s = 0; s < k;) {
		struct mod *m = mod_of(todo[s]);
		size_t e = s + 1;

		while (e < k && e - s < PCS_PER_RUN && mod_of(todo[e]) == m)
			e++;
		resolve_module(m, ents + s, e - s);
		s = e;
	}
	free(ents);
	free(todo);
}

int symoff_symbolize(uint64_t pc, struct coffman_frame *f)
{
	const struct site *s;
	struct entry *e;
	struct mod *m;

	memset(f, 0, sizeof(*f));
	f->pc = display ? display(pc) : pc;
	if (!pc)
		return -ENOENT;
	s = site_of(pc);
	if (s) {
		dwlines_copy_tail(f->file, sizeof(f->file), s->file);
		f->line = s->line;
		return 0;
	}
	m = mod_of(pc);
	if (!m)
		return -ENOENT;
	dwlines_copy_tail(f->module, sizeof(f->module), m->path);
	f->offset = pc - m->base;
	e = cache_get(pc, false);
	if (!e || !e->done) {
		symoff_prefetch(&pc, 1);
		e = cache_get(pc, false);
	}
	if (e && e->function)
		dwlines_copy_head(f->function, sizeof(f->function),
				  e->function);
	if (e && e->file) {
		dwlines_copy_tail(f->file, sizeof(f->file), e->file);
		f->line = e->line;
	}
	return 0;
}

/* ---- data symbols ---------------------------------------------------------
 */

static int cmp_dsym(const void *a, const void *b)
{
	const struct dsym *x = a, *y = b;

	return x->value < y->value ? -1 : x->value > y->value;
}

/* The next blank-separated word of *p (NUL-terminated in place), or NULL. */
static char *next_word(char **p)
{
	char *w = *p + strspn(*p, " \t");

	if (!*w)
		return NULL;
	*p = w + strcspn(w, " \t");
	if (**p)
		*(*p)++ = 0;
	return w;
}

/* Parse `nm -S -C` lines: "VALUE [SIZE] TYPE NAME"; keep data symbols. A
 * demangled NAME may hold blanks ("ns::(anonymous namespace)::x"): it is
 * the rest of the line. nm pads a SIZE to 16 digits, so a one-letter
 * second word is the TYPE. */
static void parse_nm(struct mod *m, char *text)
{
	char *p = text, *l;
	size_t cap = 0;

	while ((l = next_line(&p))) {
		char *value = next_word(&l), *size = next_word(&l), *type;
		struct dsym d;
		int nt;
		char *w;

		memset(&d, 0, sizeof(d));
		if (!value || !size)
			continue;
		if (strlen(size) == 1) {
			type = size;
			size = NULL;
		} else {
			type = next_word(&l);
		}
		if (!type || strlen(type) != 1)
			continue;
		w = l + strspn(l, " \t");
		if (!*w)
			continue;
		d.value = strtoull(value, NULL, 16);
		d.size = size ? strtoull(size, NULL, 16) : 0;
		nt = type[0];
		if (!strchr("bBdDrRgGsSvV", nt))
			continue;
		if (m->n_dsyms == cap) {
			struct dsym *nd;

			cap = cap ? cap * 2 : 256;
			nd = realloc(m->dsyms, cap * sizeof(*nd));
			if (!nd)
				return;
			m->dsyms = nd;
		}
		d.name = strdup(w);
		if (!d.name)
			return;
		m->dsyms[m->n_dsyms++] = d;
	}
}

static void load_nm(struct mod *m)
{
	char *argv[7], *out = NULL;
	int rc;

	m->nm_done = true;
	if (no_tools || m->path[0] != '/' || mod_changed(m))
		return;
	argv[0] = (char *)"nm";
	argv[1] = (char *)"-S";
	argv[2] = (char *)"-C";
	argv[3] = (char *)"--defined-only";
	argv[4] = m->path;
	argv[5] = NULL;
	rc = run(argv, &out);
	if (rc == 0 && out)
		parse_nm(m, out);
	free(out);
	if (!m->n_dsyms) {
		/* stripped: the dynamic symbols are better than nothing */
		argv[1] = (char *)"-D";
		argv[2] = (char *)"-S";
		argv[3] = (char *)"-C";
		argv[4] = (char *)"--defined-only";
		argv[5] = m->path;
		argv[6] = NULL;
		out = NULL;
		rc = run(argv, &out);
		if (rc == 0 && out)
			parse_nm(m, out);
		free(out);
	}
	if (m->n_dsyms)
		qsort(m->dsyms, m->n_dsyms, sizeof(*m->dsyms), cmp_dsym);
}


int symoff_data_name(uint64_t addr, uint32_t kind, char *buf, size_t len)
{
	struct mod *m = mod_of(addr);
	const struct dsym *best = NULL;
	uint64_t off, objsize = objects_kind_size(kind);
	size_t lo = 0, hi;

	if (!len)
		return -EINVAL;
	buf[0] = 0;
	if (!m)
		return -ENOENT;
	if (!m->nm_done)
		load_nm(m);
	off = addr - m->base;
	hi = m->n_dsyms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->dsyms[mid].value <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* the symbol starting at or below off that covers it */
	while (lo-- > 0) {
		const struct dsym *d = &m->dsyms[lo];

		if (off - d->value < d->size ||
		    (off == d->value && d->size == 0)) {
			best = d;
			break;
		}
		if (d->value + (1u << 20) < off)
			break;
	}
	if (!best)
		return -ENOENT;
	off -= best->value;
	/* as the runtime names them (preload/symbolize.c) */
	if (off == 0 && (!objsize || best->size <= objsize))
		snprintf(buf, len, "%s", best->name);
	else if (objsize && best->size && best->size % objsize == 0 &&
		 off % objsize == 0)
		snprintf(buf, len, "%s[%llu]", best->name,
			 (unsigned long long)(off / objsize));
	else
		snprintf(buf, len, "%s+0x%llx", best->name,
			 (unsigned long long)off);
	return 0;
}

void symoff_set_display(uint64_t (*fn)(uint64_t addr))
{
	display = fn;
}

void symoff_disable_tools(int disable)
{
	no_tools = disable != 0;
}

void symoff_reset(void)
{
	size_t i, j;

	dw_reset();
	for (i = 0; i < n_mods; i++) {
		for (j = 0; j < mods[i].n_dsyms; j++)
			free(mods[i].dsyms[j].name);
		free(mods[i].dsyms);
		free(mods[i].path);
		free(mods[i].build_id);
	}
	free(mods);
	mods = NULL;
	n_mods = cap_mods = 0;
	for (i = 0; i < cache_cap; i++) {
		free(cache[i].function);
		free(cache[i].file);
	}
	free(cache);
	cache = NULL;
	cache_cap = cache_n = 0;
	for (i = 0; i < sites_cap; i++)
		free(sites[i].file);
	free(sites);
	sites = NULL;
	sites_cap = sites_n = 0;
}
