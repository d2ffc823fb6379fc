/* SPDX-License-Identifier: MIT */
/* claims.c - declared claims, claims files and the live Banker's checks. */
#include "claims.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc.h"
#include "banker.h"
#include "engine_internal.h"
#include "hash.h"
#include "lock.h"
#include "quote.h"
#include "order_graph.h"
#include "report.h"

#define KNOWN_MAX 64	 /* object names seen before a rule used them */
#define MISS_SLOTS 64	 /* addresses known to be no claimed object */
#define RECHECK_NS (100 * 1000000L) /* an avoid wait looks again at least
				       this often (a lost wake-up costs no
				       more than this) */
#define UNBOUND_ID_BIT (1ull << 61) /* report ids of objects not seen yet */
#define EVER_SLOTS 4096 /* (thread, object) claims ever made: power of 2 */

/* ---- state ------------------------------------------------------------ */

struct rule {
	char threads[CLAIMS_SPEC_MAX]; /* glob over thread names */
	char object[CLAIMS_SPEC_MAX];  /* "forks[3]", "sem:/pool", ... */
	uint32_t max;		       /* units */
};

/* A claimed object: a column of the Banker's matrices. */
struct col {
	uint64_t addr;		    /* 0 while unbound: a rule names it and
				       it has not been seen yet */
	char spec[CLAIMS_SPEC_MAX]; /* the rules' name for it, "" none */
	uint32_t units;		    /* semaphore's units when known, else 0 */
	uint32_t held;		    /* units rows hold (and exited rows kept) */
	uint8_t kind;		    /* enum ev_kind, KIND_NONE until seen */
	uint8_t used;
	uint32_t wseq;		    /* futex word: bumped when a unit of it
				       comes back */
	uint32_t n_waiting;	    /* threads waiting on wseq */
};

/* A thread with claims: a row. */
struct row {
	struct eng_thread *t; /* NULL: free */
	uint8_t done;	      /* claims_done: its claims follow its holdings */
};

/* A name an object was given before any column used it. */
struct known {
	char name[CLAIMS_SPEC_MAX];
	uint64_t addr;
	uint32_t units;
};

static struct rule rules[CLAIMS_RULES];
static int n_rules;
static bool sem_rules;

/* Everything below is under 'lock'. */
static struct eng_lock lock = ENG_LOCK_INIT;
static struct col cols[CLAIMS_COLS];
static struct row rows[CLAIMS_ROWS];
static uint32_t max_units[CLAIMS_ROWS][CLAIMS_COLS];
static uint32_t alloc_units[CLAIMS_ROWS][CLAIMS_COLS];
static int n_cols, n_rows;	/* high-water marks of the arrays */
static int n_unbound;		/* used columns without an address */
static bool safe_known = true;	/* the state is known to be safe */
static struct known known[KNOWN_MAX];
static int n_known;
static uint64_t miss[MISS_SLOTS];

/* Every (thread number, object) claim ever made, so a lock-order cycle
 * drawn by threads that have since ended can still be judged covered. */
static struct ever {
	uint64_t addr; /* 0: empty */
	uint32_t num;
} ever[EVER_SLOTS];
static int n_ever;

/* Futex word: bumped whenever units come back or claims shrink, for the
 * requests that wait until granting them is safe. A request that waits
 * for units of one object sleeps on that column's own word. */
static uint32_t wake_seq;
static uint32_t n_waiters;

/* The compacted state a full check runs on. */
#define SCRATCH_BYTES                                                   \
	(CLAIMS_COLS * (sizeof(uint64_t) + sizeof(uint32_t)) +          \
	 CLAIMS_ROWS * sizeof(bool) +                                   \
	 2 * CLAIMS_ROWS * CLAIMS_COLS * sizeof(uint32_t))
static uint64_t scratch[SCRATCH_BYTES / sizeof(uint64_t) + 1];

struct view {
	struct banker b;
	int nr, nc;
	int row[CLAIMS_ROWS];	 /* view row -> rows[] index */
	int col[CLAIMS_COLS];	 /* view column -> cols[] index */
	int vrow_of[CLAIMS_ROWS]; /* rows[] index -> view row, -1 */
	int vcol_of[CLAIMS_COLS]; /* cols[] index -> view column, -1 */
};

static struct view view; /* under 'lock' */

/* ---- small helpers ------------------------------------------------------ */

/* Glob match: '*', '?', '[abc]', '[a-z]', '[!x]'. */
static bool glob_match(const char *p, const char *s)
{
	const char *star_p = NULL, *star_s = NULL;

	while (*s) {
		if (*p == '*') {
			star_p = ++p;
			star_s = s;
			continue;
		}
		if (*p == '[') {
			const char *q = p + 1;
			bool neg = *q == '!' || *q == '^', hit = false;

			if (neg)
				q++;
			while (*q && *q != ']') {
				if (q[1] == '-' && q[2] && q[2] != ']') {
					if (*s >= q[0] && *s <= q[2])
						hit = true;
					q += 3;
				} else {
					if (*s == *q)
						hit = true;
					q++;
				}
			}
			if (*q == ']' && hit != neg) {
				p = q + 1;
				s++;
				continue;
			}
		} else if (*p && (*p == '?' || *p == *s)) {
			p++;
			s++;
			continue;
		}
		if (!star_p)
			return false;
		p = star_p;
		s = ++star_s;
	}
	while (*p == '*')
		p++;
	return !*p;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = 0;
}

static bool rules_name(const char *name)
{
	int i;

	for (i = 0; i < n_rules; i++)
		if (!strcmp(rules[i].object, name))
			return true;
	return false;
}

static void wake_all(void)
{
	__atomic_add_fetch(&wake_seq, 1, __ATOMIC_RELEASE);
	if (__atomic_load_n(&n_waiters, __ATOMIC_ACQUIRE))
		syscall(SYS_futex, &wake_seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
			NULL, 0);
}

/* A unit of column j came back (call with the lock held). */
static void wake_col(struct col *c)
{
	__atomic_add_fetch(&c->wseq, 1, __ATOMIC_RELEASE);
	if (c->n_waiting)
		syscall(SYS_futex, &c->wseq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL,
			NULL, 0);
	wake_all();
}

static struct ever *ever_slot(uint32_t num, uint64_t addr)
{
	uint32_t k = (uint32_t)hash_mix(addr * 31 + num) & (EVER_SLOTS - 1);

	while (ever[k].addr && (ever[k].addr != addr || ever[k].num != num))
		k = (k + 1) & (EVER_SLOTS - 1);
	return &ever[k];
}

/* Remember that row i claims column j (when j is bound). */
static void remember(int i, int j)
{
	struct ever *e;

	if (!cols[j].addr || !rows[i].t || n_ever >= EVER_SLOTS / 2)
		return;
	e = ever_slot(rows[i].t->num, cols[j].addr);
	if (!e->addr) {
		e->addr = cols[j].addr;
		e->num = rows[i].t->num;
		n_ever++;
	}
}

static bool ever_claimed(uint32_t num, uint64_t addr)
{
	return addr && ever_slot(num, addr)->addr == addr;
}

/* ---- columns ------------------------------------------------------------ */

static int col_find(uint64_t addr)
{
	int j;

	for (j = 0; j < n_cols; j++)
		if (cols[j].used && cols[j].addr == addr)
			return j;
	return -1;
}

static int col_find_spec(const char *spec)
{
	int j;

	for (j = 0; j < n_cols; j++)
		if (cols[j].used && cols[j].spec[0] &&
		    !strcmp(cols[j].spec, spec))
			return j;
	return -1;
}

static void miss_clear(void)
{
	memset(miss, 0, sizeof(miss));
}

static bool miss_has(uint64_t addr)
{
	return miss[hash_mix(addr) % MISS_SLOTS] == addr;
}

static void miss_add(uint64_t addr)
{
	miss[hash_mix(addr) % MISS_SLOTS] = addr;
}

/* A column no row claims or holds any more can be used again. */
static bool col_idle(int j)
{
	int i;

	if (cols[j].held)
		return false;
	for (i = 0; i < n_rows; i++)
		if (max_units[i][j] || alloc_units[i][j])
			return false;
	return true;
}

static int col_new(uint64_t addr, const char *spec)
{
	int j;

	for (j = 0; j < n_cols; j++)
		if (!cols[j].used || col_idle(j))
			break;
	if (j == CLAIMS_COLS)
		return -1;
	if (cols[j].used && !cols[j].addr)
		n_unbound--;
	memset(&cols[j], 0, sizeof(cols[j]));
	for (int i = 0; i < CLAIMS_ROWS; i++)
		max_units[i][j] = alloc_units[i][j] = 0;
	cols[j].used = 1;
	cols[j].addr = addr;
	copy_str(cols[j].spec, sizeof(cols[j].spec), spec);
	if (!addr) {
		n_unbound++;
		miss_clear();
	}
	if (j == n_cols)
		n_cols++;
	return j;
}

/* Column j is the object at addr: merge it into the column that already
 * has that address (claimed through the API), if any. Returns the column. */
static int col_bind(int j, uint64_t addr, uint32_t units)
{
	int k = col_find(addr), i;

	if (cols[j].addr)
		return j;
	n_unbound--;
	if (k < 0) {
		cols[j].addr = addr;
		k = j;
	} else {
		for (i = 0; i < n_rows; i++) {
			if (max_units[i][j] > max_units[i][k])
				max_units[i][k] = max_units[i][j];
			alloc_units[i][k] += alloc_units[i][j];
			max_units[i][j] = alloc_units[i][j] = 0;
		}
		cols[k].held += cols[j].held;
		memcpy(cols[k].spec, cols[j].spec, sizeof(cols[k].spec));
		cols[j].used = 0;
	}
	if (units && !cols[k].units)
		cols[k].units = units;
	for (i = 0; i < n_rows; i++)
		if (max_units[i][k])
			remember(i, k);
	return k;
}

/* What a first use tells about the object: its kind, and its units. */
static void col_note(int j, uint32_t kind, const struct eng_obj *o)
{
	if (cols[j].kind == KIND_NONE && kind != KIND_NONE)
		cols[j].kind = (uint8_t)kind;
	if (cols[j].kind == KIND_SEM && o && o->kind == KIND_SEM && o->units)
		cols[j].units = o->units;
}

/*
 * Units of column j. A lock has one; a semaphore its initial value. When
 * that is unknown (a semaphore we never saw initialised, an object not
 * seen yet), enough for the largest claim on it.
 */
static uint32_t col_total(int j)
{
	const struct col *c = &cols[j];
	uint32_t t = c->units;
	int i;

	if (!t && c->kind != KIND_NONE && c->kind != KIND_SEM)
		t = 1;
	if (!t) {
		t = 1;
		for (i = 0; i < n_rows; i++)
			if (max_units[i][j] > t)
				t = max_units[i][j];
	}
	return t > c->held ? t : c->held;
}

/* Max[i][j] as the algorithm sees it: no more than there is, no less than
 * what is held. */
static uint32_t eff_max(int i, int j, uint32_t total)
{
	uint32_t m = max_units[i][j] < total ? max_units[i][j] : total;

	return m > alloc_units[i][j] ? m : alloc_units[i][j];
}

/* ---- rows --------------------------------------------------------------- */

static bool row_live(int i)
{
	return rows[i].t && rows[i].t->alive;
}

/* Drop row i: its claims go; units of locks it still holds stay taken
 * (nobody can unlock them), a semaphore's come back. */
static void row_drop(int i)
{
	int j;

	for (j = 0; j < n_cols; j++) {
		if (alloc_units[i][j] && cols[j].kind == KIND_SEM)
			cols[j].held -= alloc_units[i][j];
		max_units[i][j] = alloc_units[i][j] = 0;
	}
	if (rows[i].t) {
		rows[i].t->bk_row = 0;
		rows[i].t->bk_pending = 0;
	}
	rows[i].t = NULL;
	rows[i].done = 0;
	safe_known = false;
}

/* t's row, made if need be; -1 when every row is taken. */
static int row_of(struct eng_thread *t, bool create)
{
	int i;

	if (t->bk_row)
		return t->bk_row - 1;
	if (!create)
		return -1;
	for (i = 0; i < n_rows; i++)
		if (!row_live(i))
			break;
	if (i == CLAIMS_ROWS)
		return -1;
	if (i < n_rows && rows[i].t)
		row_drop(i); /* a thread that ended without saying so */
	rows[i].t = t;
	rows[i].done = 0;
	if (i == n_rows)
		n_rows++;
	t->bk_row = (uint8_t)(i + 1);
	return i;
}

static bool row_holds(int i)
{
	int j;

	for (j = 0; j < n_cols; j++)
		if (alloc_units[i][j])
			return true;
	return false;
}

/* Row i may hold up to 'units' of column j. */
static void set_claim(int i, int j, uint32_t units)
{
	/* A thread that holds something and claims more can make the
	 * state unsafe; one that holds nothing cannot (it can go last). */
	if (units > max_units[i][j] && row_holds(i))
		safe_known = false;
	max_units[i][j] = units;
	rows[i].done = 0;
	if (units)
		remember(i, j);
}

/* ---- claims files ------------------------------------------------------- */

/* "forks[007]" -> "forks[7]"; false if it is no valid object name. */
static bool parse_object(const char *s, size_t n, char *out, size_t len)
{
	size_t i = 0, o = 0;

	if (n >= 5 && !memcmp(s, "sem:/", 5)) {
		if (n == 5 || n >= len)
			return false;
		for (i = 5; i < n; i++)
			if (s[i] == '/' || (unsigned char)s[i] <= ' ')
				return false;
		memcpy(out, s, n);
		out[n] = 0;
		return true;
	}
	if (!n || !(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') ||
		    (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	while (i < n && (s[i] == '_' || s[i] == '.' ||
			 (s[i] >= '0' && s[i] <= '9') ||
			 (s[i] >= 'A' && s[i] <= 'Z') ||
			 (s[i] >= 'a' && s[i] <= 'z')))
		i++;
	if (i + 1 >= len)
		return false;
	memcpy(out, s, i);
	o = i;
	if (i == n) {
		out[o] = 0;
		return true;
	}
	if (s[i] != '[' || s[n - 1] != ']' || i + 2 >= n)
		return false;
	{
		unsigned long long idx = 0;
		size_t k;
		int w;

		for (k = i + 1; k < n - 1; k++) {
			if (s[k] < '0' || s[k] > '9' || idx > 100000000ull)
				return false;
			idx = idx * 10 + (unsigned)(s[k] - '0');
		}
		w = snprintf(out + o, len - o, "[%llu]", idx);
		if (w < 0 || (size_t)w >= len - o)
			return false;
	}
	return true;
}

static bool parse_max(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (!n || n > 10)
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v < 1 || v > INT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool has_control(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

static void line_error(void (*err)(void *, const char *), void *ctx,
		       const char *path, int lineno, const char *what)
{
	char msg[512];

	snprintf(msg, sizeof(msg), "claims %s:%d: %s", path, lineno, what);
	if (err)
		err(ctx, msg);
}

int claims_load(const char *text, size_t len, const char *path,
		void (*err)(void *ctx, const char *msg), void *ctx)
{
	size_t pos = 0;
	int lineno = 0, bad = 0;

	while (pos < len) {
		const char *line = text + pos, *tok[4];
		size_t n = 0, tlen[4], i = 0, ntok = 0;
		struct rule r;
		char shown[QUOTE_BUF], what[256];

		while (pos + n < len && text[pos + n] != '\n')
			n++;
		pos += n + 1;
		lineno++;
		while (i < n && line[i] != '#') {
			size_t start;

			if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r') {
				i++;
				continue;
			}
			start = i;
			while (i < n && line[i] != ' ' && line[i] != '\t' &&
			       line[i] != '\r' && line[i] != '#')
				i++;
			if (ntok < 4) {
				tok[ntok] = line + start;
				tlen[ntok] = i - start;
			}
			ntok++;
		}
		if (!ntok)
			continue;
		if (ntok != 3) {
			snprintf(what, sizeof(what),
				 "expected THREADS OBJECT MAX, got %zu "
				 "field%s",
				 ntok, ntok == 1 ? "" : "s");
			line_error(err, ctx, path, lineno, what);
			bad++;
			continue;
		}
		memset(&r, 0, sizeof(r));
		if (tlen[0] >= sizeof(r.threads)) {
			line_error(err, ctx, path, lineno,
				   "thread pattern longer than 63 bytes");
			bad++;
			continue;
		}
		/* Thread names never hold one: it is damage, and a NUL
		 * would cut the pattern short without a word. */
		if (has_control(tok[0], tlen[0])) {
			snprintf(what, sizeof(what),
				 "bad thread pattern %s (a control character)",
				 quote_bytes(tok[0], tlen[0], shown));
			line_error(err, ctx, path, lineno, what);
			bad++;
			continue;
		}
		memcpy(r.threads, tok[0], tlen[0]);
		if (!parse_object(tok[1], tlen[1], r.object, sizeof(r.object))) {
			snprintf(what, sizeof(what),
				 "bad object %s (a variable, name[index] or "
				 "sem:/name)",
				 quote_bytes(tok[1], tlen[1], shown));
			line_error(err, ctx, path, lineno, what);
			bad++;
			continue;
		}
		if (!parse_max(tok[2], tlen[2], &r.max)) {
			snprintf(what, sizeof(what),
				 "bad maximum %s (a number of units, 1 or "
				 "more)",
				 quote_bytes(tok[2], tlen[2], shown));
			line_error(err, ctx, path, lineno, what);
			bad++;
			continue;
		}
		if (n_rules == CLAIMS_RULES) {
			line_error(err, ctx, path, lineno,
				   "more than 256 rules: the rest are ignored");
			return -ENOSPC;
		}
		if (!strncmp(r.object, "sem:", 4))
			sem_rules = true;
		rules[n_rules++] = r;
	}
	return bad;
}

void claims_unload(void)
{
	n_rules = 0;
	sem_rules = false;
}

bool claims_want_sem_names(void)
{
	return sem_rules && eng_opts.banker != BANKER_OFF;
}

/* The object at addr is known as 'name': bind the column of that name, or
 * remember it for a column made later. Call with the lock held. */
static void bind_name_locked(uint64_t addr, const char *name, uint32_t units)
{
	int j = col_find_spec(name), k;

	if (j >= 0 && cols[j].addr && cols[j].addr != addr && !cols[j].held &&
	    col_find(addr) < 0) {
		/* Opened again (sem_close, sem_open) at another address. */
		cols[j].addr = addr;
		cols[j].units = units;
		return;
	}
	if (j >= 0) {
		col_bind(j, addr, units);
		return;
	}
	for (k = 0; k < n_known; k++)
		if (!strcmp(known[k].name, name))
			break;
	if (k == n_known) {
		if (n_known == KNOWN_MAX)
			return;
		n_known++;
	}
	copy_str(known[k].name, sizeof(known[k].name), name);
	known[k].addr = addr;
	known[k].units = units;
}

void claims_bind_name(uint64_t addr, const char *name, uint32_t units)
{
	if (!n_rules || !addr || !name || !rules_name(name))
		return;
	eng_lock(&lock);
	bind_name_locked(addr, name, units);
	eng_unlock(&lock);
}

void claims_object_named(const struct eng_obj *o, const char *name)
{
	if (!n_rules || eng_opts.banker == BANKER_OFF || !o || !name ||
	    !rules_name(name))
		return;
	eng_lock(&lock);
	bind_name_locked(o->addr, name, 0);
	eng_unlock(&lock);
}

/* The column for a rule's object, made (and bound if its name is known)
 * if need be. Call with the lock held; -1 when every column is taken. */
static int col_for_spec(const char *spec)
{
	int j = col_find_spec(spec), k;

	if (j >= 0)
		return j;
	j = col_new(0, spec);
	if (j < 0)
		return -1;
	for (k = 0; k < n_known; k++)
		if (!strcmp(known[k].name, spec))
			return col_bind(j, known[k].addr, known[k].units);
	return j;
}

/* Give t the claims of every rule its name matches. */
static void apply_rules(struct eng_thread *t)
{
	char name[THREAD_NAME_MAX];
	int k, i, j;

	t->bk_rules = 0;
	memcpy(name, t->name, sizeof(name));
	name[sizeof(name) - 1] = 0;
	eng_lock(&lock);
	for (k = 0; k < n_rules; k++) {
		if (!glob_match(rules[k].threads, name))
			continue;
		i = row_of(t, true);
		if (i < 0)
			break;
		j = col_for_spec(rules[k].object);
		if (j < 0)
			break;
		if (rules[k].max > max_units[i][j])
			set_claim(i, j, rules[k].max);
	}
	eng_unlock(&lock);
	if (t->bk_row)
		t->bk_on = 1;
}

/* ---- the engine's hooks --------------------------------------------------- */

void claims_thread_new(struct eng_thread *t)
{
	if (n_rules && eng_opts.banker != BANKER_OFF) {
		t->bk_rules = 1;
		t->bk_on = 1;
	}
}

void claims_thread_named(struct eng_thread *t, struct eng_thread *target)
{
	if (!n_rules || eng_opts.banker == BANKER_OFF || !target)
		return;
	if (target == t) {
		apply_rules(t);
		return;
	}
	/* Only t itself changes its claims: at its next acquisition. */
	__atomic_store_n(&target->bk_rules, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&target->bk_on, 1, __ATOMIC_RELAXED);
}

int claims_event(struct eng_thread *t, const struct coffman_event *ev)
{
	const struct eng_obj *o;
	int i, j, rc = 0;

	if (eng_opts.banker == BANKER_OFF)
		return 0; /* only traced, for `coffman analyze --banker` */
	if (ev->flags & EVF_CLAIMS_DONE) {
		eng_lock(&lock);
		i = row_of(t, false);
		if (i >= 0) {
			rows[i].done = 1;
			for (j = 0; j < n_cols; j++)
				max_units[i][j] = alloc_units[i][j];
			wake_all();
		}
		eng_unlock(&lock);
		return 0;
	}
	if (!ev->addr)
		return -EINVAL;
	o = objects_get(ev->addr, KIND_NONE, false, 0, NULL);
	eng_lock(&lock);
	i = row_of(t, true);
	j = col_find(ev->addr);
	if (j < 0 && i >= 0)
		j = col_new(ev->addr, "");
	if (i < 0 || j < 0) {
		rc = -ENOSPC;
	} else {
		uint32_t before = max_units[i][j];

		if (o)
			col_note(j, o->kind, o);
		set_claim(i, j,
			  ev->arg > INT32_MAX ? INT32_MAX : (uint32_t)ev->arg);
		if (max_units[i][j] < before)
			wake_all(); /* a smaller claim may let others in */
	}
	eng_unlock(&lock);
	if (t->bk_row)
		t->bk_on = 1;
	return rc;
}

/*
 * The column of the object at addr, binding a rule's object by the name
 * the object goes by (its coffman_name, else its variable). -1 if it is
 * not claimed. Takes the lock; calls the data_name hook without it.
 */
static int col_lookup(uint64_t addr, uint32_t kind, const struct eng_obj *o)
{
	char names[2][CLAIMS_SPEC_MAX];
	int j, unbound, k;

	eng_lock(&lock);
	j = col_find(addr);
	if (j >= 0)
		col_note(j, kind, o);
	unbound = n_unbound;
	if (j < 0 && unbound && miss_has(addr))
		unbound = 0;
	eng_unlock(&lock);
	if (j >= 0 || !unbound)
		return j;
	names[0][0] = names[1][0] = 0;
	if (o && o->name)
		copy_str(names[0], sizeof(names[0]), o->name);
	if (eng_data_name(addr, kind, names[1], sizeof(names[1])) != 0)
		names[1][0] = 0;
	eng_lock(&lock);
	j = col_find(addr);
	for (k = 0; j < 0 && k < 2; k++) {
		int s = names[k][0] ? col_find_spec(names[k]) : -1;

		if (s >= 0 && !cols[s].addr)
			j = col_bind(s, addr, 0);
	}
	if (j >= 0)
		col_note(j, kind, o);
	else
		miss_add(addr);
	eng_unlock(&lock);
	return j;
}

/* ---- the safety checks --------------------------------------------------- */

/* Copy the live state into 'view' (every live row, every used column). */
static void view_build(void)
{
	int i, j, vi, vj;

	view.nr = view.nc = 0;
	for (i = 0; i < CLAIMS_ROWS; i++)
		view.vrow_of[i] = -1;
	for (j = 0; j < CLAIMS_COLS; j++)
		view.vcol_of[j] = -1;
	for (i = 0; i < n_rows; i++)
		if (row_live(i)) {
			view.vrow_of[i] = view.nr;
			view.row[view.nr++] = i;
		}
	for (j = 0; j < n_cols; j++)
		if (cols[j].used) {
			view.vcol_of[j] = view.nc;
			view.col[view.nc++] = j;
		}
	banker_init(&view.b, (uint32_t)view.nr, (uint32_t)view.nc, scratch);
	for (vj = 0; vj < view.nc; vj++) {
		uint32_t total = col_total(view.col[vj]);

		view.b.available[vj] = total - cols[view.col[vj]].held;
		for (vi = 0; vi < view.nr; vi++) {
			size_t cell = (size_t)vi * (size_t)view.nc + (size_t)vj;

			i = view.row[vi];
			j = view.col[vj];
			view.b.max[cell] = eff_max(i, j, total);
			view.b.allocation[cell] = alloc_units[i][j];
		}
	}
}

/*
 * Granting row i one more unit of column j keeps a safe state safe when
 * i's whole remaining Need fits in what is left: i can then finish first,
 * and every thread finishes after it in the order that was safe before.
 */
static bool grant_obviously_safe(int i, int j, uint32_t units)
{
	int k;

	for (k = 0; k < n_cols; k++) {
		uint32_t total, need, avail;

		if (!cols[k].used)
			continue;
		total = col_total(k);
		need = eff_max(i, k, total) - alloc_units[i][k];
		avail = total - cols[k].held;
		if (k == j) {
			need -= units;
			avail -= units;
		}
		if (need > avail)
			return false;
	}
	return true;
}

static void grant(int i, int j, uint32_t units)
{
	alloc_units[i][j] += units;
	cols[j].held += units;
	if (max_units[i][j] < alloc_units[i][j])
		max_units[i][j] = alloc_units[i][j];
}

/* ---- reports ------------------------------------------------------------- */

/* Fill r's Banker's table from 'view' (built), request (vi, vj). */
static void table_fill(struct report *r, int vi, int vj, uint32_t units,
		       const uint32_t *finish, uint32_t nfinish)
{
	struct rep_banker *bk = &r->banker;
	int order_r[REP_BANKER_MAX], order_c[REP_BANKER_MAX];
	int a, c, k;

	/* In their own order; the request's row and column always shown. */
	bk->nthreads = view.nr < REP_BANKER_MAX ? view.nr : REP_BANKER_MAX;
	bk->nres = view.nc < REP_BANKER_MAX ? view.nc : REP_BANKER_MAX;
	for (a = 0; a < bk->nthreads; a++)
		order_r[a] = a;
	for (c = 0; c < bk->nres; c++)
		order_c[c] = c;
	if (vi >= bk->nthreads)
		order_r[bk->nthreads - 1] = vi;
	if (vj >= bk->nres)
		order_c[bk->nres - 1] = vj;
	bk->truncated = view.nr > REP_BANKER_MAX || view.nc > REP_BANKER_MAX;
	for (a = 0; a < bk->nthreads; a++) {
		struct eng_thread *t = rows[view.row[order_r[a]]].t;

		bk->thread[a] = t->num;
		eng_report_thread(r, t);
	}
	for (c = 0; c < bk->nres; c++) {
		const struct col *col = &cols[view.col[order_c[c]]];
		const struct eng_obj *o =
			col->addr ? objects_get(col->addr, KIND_NONE, false, 0,
						NULL)
				  : NULL;
		uint64_t id = o ? o->id
				: UNBOUND_ID_BIT | (uint64_t)(view.col[order_c[c]] + 1);
		int oi = eng_report_object(r, id, col->addr,
					   o ? o->kind : col->kind, o);

		if (oi >= 0 && !r->objects[oi].name[0] && col->spec[0])
			copy_str(r->objects[oi].name,
				 sizeof(r->objects[oi].name), col->spec);
		bk->object[c] = oi;
		bk->total[c] = col_total(view.col[order_c[c]]);
		bk->available[c] = view.b.available[order_c[c]];
		for (a = 0; a < bk->nthreads; a++) {
			size_t cell = (size_t)order_r[a] * (size_t)view.nc +
				      (size_t)order_c[c];

			bk->max[a][c] = view.b.max[cell];
			bk->alloc[a][c] = view.b.allocation[cell];
		}
	}
	for (a = 0; a < bk->nthreads; a++)
		if (order_r[a] == vi)
			bk->req_row = a;
	for (c = 0; c < bk->nres; c++)
		if (order_c[c] == vj)
			bk->req_col = c;
	bk->req_units = units;
	bk->nfinish = 0;
	for (k = 0; k < (int)nfinish; k++)
		for (a = 0; a < bk->nthreads; a++)
			if (order_r[a] == (int)finish[k] &&
			    bk->nfinish < REP_BANKER_MAX)
				bk->finish[bk->nfinish++] = a;
}

/* A report made under the lock, finished and emitted after it. */
struct pending {
	struct report *r;
	int kind;
	uint32_t units;	  /* asked for */
	uint32_t claimed; /* claim-exceeded: its claim, and what it held */
	uint32_t held;
	int nrows;	  /* unsafe-state: threads with claims */
	bool forced;	  /* avoid could not hold the grant back */
};

/*
 * Row i takes more of column j than it claimed. Call with the lock held
 * and the view built; the report goes in *p.
 */
static void exceeded_report(int i, int j, uint32_t units,
			    struct pending *p)
{
	struct report *r = eng_report_new(REP_CLAIM_EXCEEDED, SEV_ERROR);

	if (!r)
		return;
	table_fill(r, view.vrow_of[i], view.vcol_of[j], units, NULL, 0);
	p->r = r;
	p->kind = REP_CLAIM_EXCEEDED;
	p->units = units;
	p->claimed = max_units[i][j];
	p->held = alloc_units[i][j];
}

static void unsafe_report(int i, int j, uint32_t units,
			  const uint32_t *finish, uint32_t nfinish,
			  bool forced, struct pending *p)
{
	struct report *r = eng_report_new(REP_UNSAFE_STATE, SEV_WARNING);

	if (!r)
		return;
	table_fill(r, view.vrow_of[i], view.vcol_of[j], units, finish,
		   nfinish);
	p->r = r;
	p->kind = REP_UNSAFE_STATE;
	p->units = units;
	p->nrows = view.nr;
	p->forced = forced;
}

/* Finish and emit a report made under the lock (now released). */
static void pending_emit(struct pending *p, struct eng_thread *t,
			 const struct coffman_event *ev)
{
	struct report *r = p->r;
	struct rep_object *ob;
	char label[96];
	uint32_t stack;
	uint64_t key;
	int oi;

	if (!r)
		return;
	p->r = NULL;
	stack = eng_capture(ev);
	key = hash_mix((uint64_t)p->kind * 0x9e37u + 0xb4) ^
	      hash_mix(stack ? stack : ev->pc);
	if (!eng_report_is_new(key)) {
		eng_free(r, sizeof(*r));
		return;
	}
	/* The object asked for, named now (no lock held) for the message. */
	oi = r->banker.object[r->banker.req_col];
	ob = &r->objects[oi];
	if (!ob->name[0])
		eng_data_name(ob->addr, ob->kind, ob->name, sizeof(ob->name));
	report_object_label(r, oi, label, sizeof(label));
	if (p->kind == REP_CLAIM_EXCEEDED)
		snprintf(r->message, sizeof(r->message),
			 "claim exceeded: thread T%u takes %u unit%s of %s, "
			 "beyond its claim (it claimed %u and held %u): the "
			 "Banker's algorithm cannot keep a thread that breaks "
			 "its claim out of a deadlock (its claim is raised to "
			 "match)",
			 t->num, p->units, p->units == 1 ? "" : "s", label,
			 p->claimed, p->held);
	else
		snprintf(r->message, sizeof(r->message),
			 "unsafe state: thread T%u is granted %u unit%s of %s, "
			 "after which no order lets every thread with claims "
			 "finish (%d of %d could): if each now asks for the "
			 "rest of its claim, they deadlock%s",
			 t->num, p->units, p->units == 1 ? "" : "s", label,
			 r->banker.nfinish, p->nrows,
			 p->forced ? " (banker=avoid could not hold this "
				     "grant back: the lock was taken inside "
				     "a call it cannot delay, or the state "
				     "was unsafe already)"
				   : "");
	eng_report_site(r,
			p->kind == REP_CLAIM_EXCEEDED ? "takes" : "is granted",
			t, oi, stack);
	eng_report_emit(r);
}

/*
 * Reports about a grant claims_before() made wait for the lock itself:
 * making one can take long (the first symbolisation loads debug info),
 * and the program should reach the state it reports on as it would have
 * without us. Emitted by claims_acquired() or claims_cancel().
 */
static void stash(struct eng_thread *t, struct pending *p)
{
	struct pending *keep;

	if (!p[0].r && !p[1].r)
		return;
	keep = t->bk_reports ? NULL : eng_alloc(2 * sizeof(*keep));
	if (!keep) {
		struct coffman_event ev = { .op = OP_ACQUIRE };

		pending_emit(&p[0], t, &ev);
		pending_emit(&p[1], t, &ev);
		return;
	}
	memcpy(keep, p, 2 * sizeof(*keep));
	t->bk_reports = keep;
}

static void unstash(struct eng_thread *t, const struct coffman_event *ev)
{
	struct pending *keep = t->bk_reports;

	if (!keep)
		return;
	t->bk_reports = NULL;
	pending_emit(&keep[0], t, ev);
	pending_emit(&keep[1], t, ev);
	eng_free(keep, 2 * sizeof(*keep));
}

/* ---- requests ------------------------------------------------------------ */

enum outcome {
	OUT_GRANTED,   /* counted as t's */
	OUT_WAIT,      /* avoid: granting it now would be unsafe */
	OUT_WAIT_UNIT, /* avoid: no unit is free */
	OUT_LATER,     /* not decided here: the acquisition itself will be */
};

/*
 * Row i asks for 'units' of column j. 'taken': the unit is already its (offline, or acquired where it could not be held back), so
 * it is granted whatever the verdict. 'avoid': an unsafe grant waits.
 * Call with the lock held; reports go in p[0..1].
 */
static enum outcome request(int i, int j, uint32_t units, bool taken,
			    bool avoid, struct pending *p)
{
	uint32_t seq[CLAIMS_ROWS], total = col_total(j), req[CLAIMS_COLS];
	struct banker_result res;
	bool was_safe;
	int vi, vj;

	if (eff_max(i, j, total) - alloc_units[i][j] < units) {
		view_build();
		exceeded_report(i, j, units, &p[0]);
		/* Keep going as if it had claimed this much. */
		max_units[i][j] = alloc_units[i][j] + units;
		safe_known = false;
		total = col_total(j);
	}
	if (total - cols[j].held < units) {
		if (!taken)
			return avoid ? OUT_WAIT_UNIT : OUT_LATER;
		/* Units we did not know of: the count was wrong, not it. */
		grant(i, j, units);
		safe_known = false;
		return OUT_GRANTED;
	}
	if (safe_known && grant_obviously_safe(i, j, units)) {
		grant(i, j, units);
		return OUT_GRANTED;
	}
	view_build();
	vi = view.vrow_of[i];
	vj = view.vcol_of[j];
	memset(req, 0, sizeof(uint32_t) * (size_t)view.nc);
	req[vj] = units;
	if (banker_request(&view.b, (uint32_t)vi, req, seq, &res, NULL,
			   NULL) == BANKER_GRANTED) {
		grant(i, j, units);
		safe_known = true;
		return OUT_GRANTED;
	}
	/* Unsafe if granted. Was it safe before? Then avoid can wait. */
	was_safe = safe_known || banker_is_safe(&view.b, NULL, NULL, NULL,
						 NULL);
	if (avoid && !taken && was_safe)
		return OUT_WAIT;
	if (was_safe) {
		/* The grant that makes the state unsafe: banker_request left
		 * the state as it was and the finishers in seq[]. */
		unsafe_report(i, j, units, seq, res.n_finished, avoid,
			      &p[1]);
	}
	grant(i, j, units);
	safe_known = false;
	return OUT_GRANTED;
}

static int wait_change(uint32_t *word, uint32_t seen,
		       const struct timespec *abstime, clockid_t clk)
{
	if (abstime) {
		int op = FUTEX_WAIT_BITSET_PRIVATE;

		if (clk == CLOCK_REALTIME)
			op |= FUTEX_CLOCK_REALTIME;
		if (syscall(SYS_futex, word, op, seen, abstime, NULL,
			    FUTEX_BITSET_MATCH_ANY) == 0 ||
		    errno != EINVAL)
			return errno == ETIMEDOUT ? -ETIMEDOUT : 0;
		/* A timeout the kernel refuses: the lock call itself will
		 * say so; wait as if untimed meanwhile. */
	}
	{
		struct timespec rel = { 0, RECHECK_NS };

		syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, seen, &rel, NULL,
			0);
	}
	return 0;
}

int claims_before(struct eng_thread *t, uint64_t addr, uint32_t kind,
		  uint32_t mode, uint32_t flags, uint64_t pc,
		  const struct timespec *abstime, clockid_t clk)
{
	struct coffman_event ev = {
		.op = OP_ACQUIRE,
		.kind = kind,
		.mode = mode,
		.flags = flags,
		.addr = addr,
		.pc = pc,
	};
	struct pending p[2];
	const struct eng_obj *o;
	bool avoid = eng_opts.banker == BANKER_AVOID;
	int saved = errno, i, j, rc = 0;
	enum outcome out;

	memset(p, 0, sizeof(p));
	eng_capture_reset();
	if (t->bk_pending)
		claims_cancel(t);
	if (t->bk_rules)
		apply_rules(t);
	if (!t->bk_row) {
		/* Nothing to check: back to the fast path, unless it was
		 * named meanwhile. */
		t->bk_on = 0;
		if (__atomic_load_n(&t->bk_rules, __ATOMIC_SEQ_CST))
			t->bk_on = 1;
		return 0;
	}
	/* Read locks do not exclude each other: they are not counted. */
	if (kind == KIND_RWLOCK && mode == MODE_SHARED)
		return 0;
	/* Made now if this is its first use, so reports can name it. */
	o = eng_lookup(t, &ev, true);
	if (o && kind != KIND_SEM && threads_held_find(t, o->id) >= 0)
		return 0; /* re-entry takes no new unit */
	for (;;) {
		uint32_t *word = &wake_seq, seen;

		eng_lock(&lock);
		j = col_find(addr);
		if (j < 0 && n_unbound && !miss_has(addr)) {
			/* Perhaps a rule's object: look at its name. */
			eng_unlock(&lock);
			j = col_lookup(addr, kind, o);
			eng_lock(&lock);
			if (j >= 0 && (!cols[j].used || cols[j].addr != addr))
				j = -1;
		}
		if (j < 0) {
			eng_unlock(&lock);
			break; /* no claimed object: nothing to check */
		}
		col_note(j, kind, o);
		seen = __atomic_load_n(&wake_seq, __ATOMIC_ACQUIRE);
		i = row_of(t, false);
		out = i < 0 ? OUT_LATER : request(i, j, 1, false, avoid, p);
		if (out == OUT_GRANTED)
			t->bk_pending = addr;
		if (out == OUT_WAIT_UNIT) {
			word = &cols[j].wseq;
			seen = __atomic_load_n(word, __ATOMIC_ACQUIRE);
			cols[j].n_waiting++;
		} else if (out == OUT_WAIT) {
			__atomic_add_fetch(&n_waiters, 1, __ATOMIC_ACQ_REL);
		}
		eng_unlock(&lock);
		if (out == OUT_GRANTED) {
			stash(t, p);
		} else {
			pending_emit(&p[0], t, &ev);
			pending_emit(&p[1], t, &ev);
		}
		if (out != OUT_WAIT && out != OUT_WAIT_UNIT)
			break;
		if (!(flags & EVF_TRY))
			rc = wait_change(word, seen,
					 (flags & EVF_TIMED) ? abstime : NULL,
					 clk);
		else
			rc = -EBUSY;
		if (out == OUT_WAIT_UNIT) {
			eng_lock(&lock);
			if (cols[j].n_waiting)
				cols[j].n_waiting--;
			eng_unlock(&lock);
		} else {
			__atomic_sub_fetch(&n_waiters, 1, __ATOMIC_ACQ_REL);
		}
		if (rc)
			break;
	}
	errno = saved;
	return rc;
}

void claims_cancel(struct eng_thread *t)
{
	struct coffman_event ev = { .op = OP_TRY_FAILED };
	uint64_t addr = t->bk_pending;
	int i, j;

	/* The findings stand, whether or not the lock was taken. */
	ev.addr = addr;
	unstash(t, &ev);
	t->bk_pending = 0;
	if (!addr)
		return;
	eng_lock(&lock);
	i = row_of(t, false);
	j = col_find(addr);
	if (i >= 0 && j >= 0 && alloc_units[i][j]) {
		alloc_units[i][j]--;
		cols[j].held--;
		wake_col(&cols[j]);
	}
	eng_unlock(&lock);
}

void claims_acquired(struct eng_thread *t, struct eng_obj *o,
		     const struct coffman_event *ev, bool held)
{
	struct pending p[2];
	int i, j;

	memset(p, 0, sizeof(p));
	if (t->bk_rules)
		apply_rules(t);
	if (!t->bk_row)
		return;
	if (t->bk_pending) {
		if (t->bk_pending == ev->addr) {
			t->bk_pending = 0; /* claims_before() counted it */
			unstash(t, ev);
			return;
		}
		claims_cancel(t);
	}
	if ((held && o->kind != KIND_SEM) ||
	    (o->kind == KIND_RWLOCK && ev->mode == MODE_SHARED))
		return;
	j = col_lookup(ev->addr, o->kind, o);
	if (j < 0)
		return;
	eng_lock(&lock);
	i = row_of(t, false);
	if (i >= 0 && cols[j].used && cols[j].addr == ev->addr)
		request(i, j, 1, true, false, p);
	eng_unlock(&lock);
	pending_emit(&p[0], t, ev);
	pending_emit(&p[1], t, ev);
}

void claims_released(struct eng_thread *t, uint64_t addr, uint32_t kind)
{
	int i, j;

	(void)kind;
	eng_lock(&lock);
	i = row_of(t, false);
	j = i >= 0 ? col_find(addr) : -1;
	if (j >= 0 && alloc_units[i][j]) {
		alloc_units[i][j]--;
		cols[j].held--;
		if (rows[i].done)
			max_units[i][j] = alloc_units[i][j];
		/* Giving back keeps a safe state safe; an unsafe one may
		 * have become safe. */
		if (!safe_known) {
			view_build();
			safe_known = banker_is_safe(&view.b, NULL, NULL, NULL,
						    NULL);
		}
		wake_col(&cols[j]);
	}
	eng_unlock(&lock);
}

void claims_thread_exit(struct eng_thread *t)
{
	int i;

	eng_lock(&lock);
	i = row_of(t, false);
	if (i >= 0) {
		row_drop(i);
		wake_all();
	}
	eng_unlock(&lock);
	if (t->bk_reports) {
		struct coffman_event ev = { .op = OP_THREAD_EXIT };

		unstash(t, &ev);
	}
	t->bk_on = 0;
	t->bk_rules = 0;
}

bool claims_cover_cycle(struct og_edge *const *edges, int n)
{
	bool covered = true;
	int k, w;

	if (eng_opts.banker != BANKER_AVOID)
		return false;
	eng_lock(&lock);
	for (k = 0; k < n && covered; k++) {
		const struct og_edge *e = edges[k];
		uint32_t who[2] = { e->thread, e->multi_thread ? e->thread2 : 0 };

		/* The graph keeps two of the threads that took an edge; a
		 * third one that took it without claims would not show. */
		if (e->multi_thread && !e->thread2)
			covered = false;
		for (w = 0; w < 2 && who[w] && covered; w++)
			covered = ever_claimed(who[w], e->from_addr) &&
				  ever_claimed(who[w], e->to_addr);
	}
	eng_unlock(&lock);
	return covered;
}

/* ---- fork ----------------------------------------------------------------- */

void claims_fork_prepare(void)
{
	eng_lock(&lock);
}

void claims_fork_parent(void)
{
	eng_unlock(&lock);
}

void claims_fork_child(struct eng_thread *self)
{
	int i;

	eng_lock_reset(&lock);
	n_waiters = 0;
	for (i = 0; i < n_rows; i++)
		if (rows[i].t && rows[i].t != self)
			row_drop(i);
}
