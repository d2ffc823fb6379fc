/* SPDX-License-Identifier: MIT */
/* text_trace.c - parse the text trace format (text_trace.h) into a binary
 * trace. */
#include "text_trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

#define MAX_TOKENS 64			/* per line */
#define MAX_EVENTS 4			/* engine events one line stands for */
#define MAX_FRAMES 64			/* frames of an @site list */
#define NAME_SPACE (TEXT_OBJ_SIZE / 64) /* name slots of 64 bytes */

/* ---- small hash maps ---------------------------------------------------- */

/* Open addressing on a 64-bit key, plus an optional string key. */
struct slot {
	uint64_t key; /* hash of the string, or the number itself */
	char *str;    /* owned string key, NULL for numeric maps */
	size_t slen;
	uint64_t v1, v2; /* values */
	uint32_t v3, v4;
	bool used;
};

struct map {
	struct slot *s;
	size_t cap, n;
};

static uint64_t fnv1a(const char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--) {
		h ^= (unsigned char)*p++;
		h *= 0x100000001b3ull;
	}
	return h;
}

static int map_grow(struct map *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i, j;
	struct slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++) {
		if (!m->s[i].used)
			continue;
		for (j = m->s[i].key & (ncap - 1); ns[j].used;
		     j = (j + 1) & (ncap - 1))
			;
		ns[j] = m->s[i];
	}
	free(m->s);
	m->s = ns;
	m->cap = ncap;
	return 0;
}

/* The slot for (key, str), or NULL; created (zeroed values) if 'create'.
 * *fresh says whether it was created. */
static struct slot *map_get(struct map *m, uint64_t key, const char *str,
			    size_t slen, bool create, bool *fresh)
{
	size_t i;

	if (fresh)
		*fresh = false;
	if (m->cap) {
		for (i = key & (m->cap - 1); m->s[i].used;
		     i = (i + 1) & (m->cap - 1)) {
			struct slot *s = &m->s[i];

			if (s->key != key)
				continue;
			if (!str ||
			    (s->slen == slen && memcmp(s->str, str, slen) == 0))
				return s;
		}
	}
	if (!create)
		return NULL;
	if ((m->n + 1) * 2 > m->cap && map_grow(m))
		return NULL;
	for (i = key & (m->cap - 1); m->s[i].used; i = (i + 1) & (m->cap - 1))
		;
	memset(&m->s[i], 0, sizeof(m->s[i]));
	m->s[i].used = true;
	m->s[i].key = key;
	if (str) {
		m->s[i].str = malloc(slen + 1);
		if (!m->s[i].str) {
			m->s[i].used = false;
			return NULL;
		}
		memcpy(m->s[i].str, str, slen);
		m->s[i].str[slen] = 0;
		m->s[i].slen = slen;
	}
	m->n++;
	if (fresh)
		*fresh = true;
	return &m->s[i];
}

static void map_free(struct map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->s[i].used)
			free(m->s[i].str);
	free(m->s);
	memset(m, 0, sizeof(*m));
}

/* ---- parser state -------------------------------------------------------- */

struct tok {
	const char *p; /* bytes (a quoted string: unescaped copy) */
	size_t n;
	bool quoted;
};

struct thr {
	int32_t tid;
	uint32_t parent, create_stack;
	char name[17];
	bool tid_set;
	bool blocked;	     /* its last line was `block` ... */
	uint64_t blocked_on; /* ... on this address */
};

/* What the parser knows of an object's state, to record the intent to
 * block (an acquire event) only when a lock line would have waited. */
struct ostate {
	uint32_t owner;	  /* exclusive holder's thread, 0 none */
	uint32_t count;	  /* its recursion depth */
	uint32_t readers; /* shared holders */
	int64_t value;	  /* semaphore value, if value_known */
	bool value_known;
	uint8_t mtype; /* mutex type from init */
};

struct parser {
	struct tbuild *b;
	char *err;
	size_t errlen;
	unsigned long line;
	uint64_t seq;
	uint64_t start_ns;
	uint64_t now; /* time of the current line, since start */
	bool saw_process, saw_event;
	struct map objs;     /* name -> v1 addr, v3 kind */
	struct map addrs;    /* addr -> taken by a name (collisions) */
	struct map strings;  /* string -> v3 id */
	struct map sites;    /* frame list -> v3 stack id */
	struct map threads;  /* num -> v1 (struct thr *) */
	struct map stack_pc; /* `stack` id -> v1 its first frame */
	struct map ostates;  /* address -> v1 (struct ostate *) */
	uint64_t *site_pc;   /* first frame of site stack STACK0 + i */
	size_t n_site_pc, cap_site_pc;
	uint32_t n_strings;
	uint32_t next_site_stack;
	char *scratch; /* unescaped quoted strings of this line */
	size_t scratch_len;
};

__attribute__((format(printf, 2, 3))) static int perr(struct parser *ps,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!ps->errlen)
		return -EINVAL;
	n = snprintf(ps->err, ps->errlen, "line %lu: ", ps->line);
	if (n < 0 || (size_t)n >= ps->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static bool tok_is(const struct tok *t, const char *s)
{
	return !t->quoted && strlen(s) == t->n && memcmp(t->p, s, t->n) == 0;
}

/* A token quoted back in a message: at most 40 bytes, printable. */
static const char *show(const struct tok *t, char *buf, size_t len)
{
	size_t i, k = 0;

	for (i = 0; i < t->n && k + 4 < len && i < 40; i++) {
		unsigned char c = (unsigned char)t->p[i];

		buf[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < t->n && k + 4 < len) {
		buf[k++] = '.';
		buf[k++] = '.';
		buf[k++] = '.';
	}
	buf[k] = 0;
	return buf;
}

/* ---- numbers ------------------------------------------------------------ */

static bool parse_u64(const char *p, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	unsigned base = 10, d;
	size_t i = 0;

	if (n >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i >= n)
		return false;
	for (; i < n; i++) {
		char c = p[i];

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return false;
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
	}
	*out = v;
	return true;
}

static bool parse_i64(const char *p, size_t n, int64_t *out)
{
	uint64_t v;

	if (n && p[0] == '-') {
		if (!parse_u64(p + 1, n - 1, &v) || v > (uint64_t)INT64_MAX)
			return false;
		*out = -(int64_t)v;
		return true;
	}
	if (!parse_u64(p, n, &v) || v > (uint64_t)INT64_MAX)
		return false;
	*out = (int64_t)v;
	return true;
}

/* "12.5ms" -> ns, exactly (integer arithmetic, extra digits dropped). */
static bool parse_time(const char *p, size_t n, uint64_t *out)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = { { "ns", 1 },
		      { "us", 1000 },
		      { "ms", 1000000 },
		      { "s", 1000000000 } };
	uint64_t whole = 0, frac = 0, scale = 1, mul = 0;
	size_t i = 0, u, ulen;

	for (u = 0; u < sizeof(units) / sizeof(units[0]); u++) {
		ulen = strlen(units[u].unit);
		if (n > ulen &&
		    memcmp(p + n - ulen, units[u].unit, ulen) == 0 &&
		    (ulen == 2 || (p[n - 2] >= '0' && p[n - 2] <= '9') ||
		     p[n - 2] == '.')) {
			mul = units[u].ns;
			n -= ulen;
			break;
		}
	}
	if (!mul || !n)
		return false;
	for (; i < n && p[i] != '.'; i++) {
		if (p[i] < '0' || p[i] > '9' || whole > UINT64_MAX / 10)
			return false;
		whole = whole * 10 + (uint64_t)(p[i] - '0');
	}
	if (i < n) {
		for (i++; i < n; i++) {
			if (p[i] < '0' || p[i] > '9')
				return false;
			if (scale < mul) {
				frac = frac * 10 + (uint64_t)(p[i] - '0');
				scale *= 10;
			}
		}
	}
	if (whole > (UINT64_MAX - mul) / mul)
		return false;
	*out = whole * mul + frac * (mul / scale);
	return true;
}

/* ---- tokens ------------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Copy the quoted string starting at line[i] (after the opening quote)
 * into sc[*k...], undoing \\, \", \n, \t and \xHH. Returns the index of
 * the closing quote, len if there is none.
 */
static size_t unquote(const char *line, size_t len, size_t i, char *sc,
		      size_t *k)
{
	for (; i < len && line[i] != '"'; i++) {
		char c = line[i];

		if (c == '\\' && i + 1 < len) {
			c = line[++i];
			if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (c == 'x' && i + 2 < len &&
				   hexval(line[i + 1]) >= 0 &&
				   hexval(line[i + 2]) >= 0) {
				c = (char)(hexval(line[i + 1]) * 16 +
					   hexval(line[i + 2]));
				i += 2;
			}
		}
		sc[(*k)++] = c;
	}
	return i;
}

/*
 * Split one line into tokens; quoted strings are unescaped into
 * ps->scratch (sized for the whole line). Returns the count, or <0.
 */
static int tokenize(struct parser *ps, const char *line, size_t len,
		    struct tok *tv)
{
	size_t i = 0, k = 0;
	int n = 0;
	char *sc;

	if (len + 1 > ps->scratch_len) {
		sc = realloc(ps->scratch, len + 1);
		if (!sc)
			return -ENOMEM;
		ps->scratch = sc;
		ps->scratch_len = len + 1;
	}
	sc = ps->scratch;
	while (i < len) {
		while (i < len &&
		       (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
			i++;
		if (i >= len || line[i] == '#')
			break;
		if (n >= MAX_TOKENS)
			return perr(ps, "more than %d words", MAX_TOKENS);
		if (line[i] == '"') {
			tv[n].p = sc + k;
			tv[n].quoted = true;
			i = unquote(line, len, i + 1, sc, &k);
			if (i >= len)
				return perr(ps, "unterminated string");
			tv[n].n = (size_t)(sc + k - tv[n].p);
			i++;
		} else {
			size_t s = i;

			/* key="quoted value" stays one token; '#' starts a
			 * comment even inside a word */
			while (i < len && line[i] != ' ' && line[i] != '\t' &&
			       line[i] != '\r' && line[i] != '"' &&
			       line[i] != '#')
				i++;
			if (i < len && line[i] == '"' && i > s &&
			    line[i - 1] == '=') {
				size_t kstart = k;

				memcpy(sc + k, line + s, i - s);
				k += i - s;
				i = unquote(line, len, i + 1, sc, &k);
				if (i >= len)
					return perr(ps, "unterminated string");
				i++;
				tv[n].p = sc + kstart;
				tv[n].n = k - kstart;
				tv[n].quoted = false;
			} else {
				tv[n].p = line + s;
				tv[n].n = i - s;
				tv[n].quoted = false;
				if (i < len && line[i] == '"')
					return perr(ps, "unexpected '\"'");
			}
		}
		n++;
	}
	return n;
}

/* "Tn" -> n (1 .. 2^31-1). */
static bool thread_token(const struct tok *t, uint32_t *num)
{
	uint64_t v;

	if (t->quoted || t->n < 2 || t->p[0] != 'T' || t->p[1] < '0' ||
	    t->p[1] > '9' || !parse_u64(t->p + 1, t->n - 1, &v) || v == 0 ||
	    v > 0x7fffffff)
		return false;
	*num = (uint32_t)v;
	return true;
}

static bool ident_token(const struct tok *t)
{
	size_t i;
	char c;

	if (t->quoted || !t->n)
		return false;
	c = t->p[0];
	if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'))
		return false;
	for (i = 1; i < t->n; i++) {
		c = t->p[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		      c == '[' || c == ']'))
			return false;
	}
	return true;
}

/* "key=value": the value, or NULL if t is not that attribute. */
static bool attr(const struct tok *t, const char *key, struct tok *val)
{
	size_t k = strlen(key);

	if (t->quoted || t->n <= k || memcmp(t->p, key, k) != 0 ||
	    t->p[k] != '=')
		return false;
	val->p = t->p + k + 1;
	val->n = t->n - k - 1;
	val->quoted = false;
	return true;
}

/* ---- interning ---------------------------------------------------------- */

static int intern_string(struct parser *ps, const char *s, size_t n,
			 uint32_t *id)
{
	bool fresh;
	struct slot *sl =
		map_get(&ps->strings, fnv1a(s, n), s, n, true, &fresh);

	if (!sl)
		return -ENOMEM;
	if (fresh) {
		sl->v3 = ++ps->n_strings;
		tbuild_string(ps->b, sl->v3, s, n);
	}
	*id = sl->v3;
	return 0;
}

/* "@a.c:12,b.c:30" -> a stack id (same list, same id). */
static int site_stack(struct parser *ps, const struct tok *t, uint32_t *id)
{
	uint64_t pcs[MAX_FRAMES];
	uint32_t n = 0, sid;
	size_t i = 1, start;
	struct slot *sl;
	bool fresh;
	char buf[48];
	int rc;

	while (i < t->n) {
		size_t colon = 0;
		uint64_t line;

		start = i;
		while (i < t->n && t->p[i] != ',')
			i++;
		for (size_t j = start; j < i; j++)
			if (t->p[j] == ':')
				colon = j;
		if (!colon || colon == start ||
		    !parse_u64(t->p + colon + 1, i - colon - 1, &line) ||
		    line >= (1u << TEXT_SITE_LINE_BITS))
			return perr(ps,
				    "bad call site '%s' (want @FILE:LINE, "
				    "LINE < %u)",
				    show(t, buf, sizeof(buf)),
				    1u << TEXT_SITE_LINE_BITS);
		if (n >= MAX_FRAMES)
			return perr(ps, "more than %d frames in a call site",
				    MAX_FRAMES);
		rc = intern_string(ps, t->p + start, colon - start, &sid);
		if (rc)
			return rc;
		if (sid >= (1u << 24))
			return perr(ps, "too many file names");
		pcs[n++] = TEXT_SITE_BASE +
			   ((uint64_t)sid << TEXT_SITE_LINE_BITS) + line;
		i++;
	}
	if (!n)
		return perr(ps, "empty call site '@'");
	sl = map_get(&ps->sites, fnv1a((const char *)pcs, n * 8),
		     (const char *)pcs, n * 8, true, &fresh);
	if (!sl)
		return -ENOMEM;
	if (fresh) {
		if (ps->next_site_stack == 0)
			return perr(ps, "too many call sites");
		if (ps->n_site_pc == ps->cap_site_pc) {
			size_t ncap =
				ps->cap_site_pc ? ps->cap_site_pc * 2 : 64;
			uint64_t *np = realloc(ps->site_pc, ncap * sizeof(*np));

			if (!np)
				return -ENOMEM;
			ps->site_pc = np;
			ps->cap_site_pc = ncap;
		}
		ps->site_pc[ps->n_site_pc++] = pcs[0];
		sl->v3 = ps->next_site_stack++;
		tbuild_stack(ps->b, sl->v3, pcs, n);
	}
	*id = sl->v3;
	return 0;
}

static struct thr *thread_get(struct parser *ps, uint32_t num)
{
	bool fresh;
	struct slot *sl = map_get(&ps->threads, num, NULL, 0, true, &fresh);
	struct thr *t;

	if (!sl)
		return NULL;
	if (fresh) {
		t = calloc(1, sizeof(*t));
		if (!t) {
			/* leave the slot pointing nowhere: report OOM */
			return NULL;
		}
		t->tid = (int32_t)num;
		sl->v1 = (uint64_t)(uintptr_t)t;
	}
	return (struct thr *)(uintptr_t)sl->v1;
}

/* ---- events -------------------------------------------------------------- */

struct line_attrs {
	uint32_t stack;
	uint64_t pc;
	bool has_pc, has_time;
	uint64_t t;
	bool has_owner, has_arg, has_flags, has_mode;
	int32_t owner;
	uint64_t arg;
	uint8_t flags, mode;
	bool has_str;
	struct tok str;
	/* only with `event`: */
	bool has_op, has_kind, has_addr, has_strid;
	uint8_t op, kind;
	uint64_t addr;
	uint32_t strid;
};

static const char *const kind_words[KIND_MAX] = {
	[KIND_NONE] = "object",	    [KIND_MUTEX] = "mutex",
	[KIND_RWLOCK] = "rwlock",   [KIND_SPIN] = "spin",
	[KIND_SEM] = "sem",	    [KIND_COND] = "cond",
	[KIND_BARRIER] = "barrier", [KIND_THREAD] = "thread",
	[KIND_ONCE] = "once",
};

static int kind_word(const struct tok *t)
{
	int k;

	for (k = 0; k < KIND_MAX; k++)
		if (tok_is(t, kind_words[k]))
			return k;
	if (tok_is(t, "spinlock"))
		return KIND_SPIN;
	if (tok_is(t, "semaphore"))
		return KIND_SEM;
	if (tok_is(t, "condvar"))
		return KIND_COND;
	return -1;
}

static bool parse_flags(const struct tok *v, uint8_t *out)
{
	static const struct {
		const char *name;
		uint8_t bit;
	} names[] = { { "try", EVF_TRY },
		      { "timed", EVF_TIMED },
		      { "condwait", EVF_CONDWAIT },
		      { "typed", EVF_TYPE_KNOWN },
		      { "forkgone", EVF_FORK_GONE },
		      { "pshared", EVF_PSHARED },
		      { "top", EVF_TOP } };
	size_t i = 0, s, k;
	uint64_t num;
	uint8_t f = 0;

	if (parse_u64(v->p, v->n, &num)) {
		if (num > 0xff)
			return false;
		*out = (uint8_t)num;
		return true;
	}
	while (i < v->n) {
		s = i;
		while (i < v->n && v->p[i] != '+' && v->p[i] != ',')
			i++;
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k].name) == i - s &&
			    memcmp(v->p + s, names[k].name, i - s) == 0)
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return false;
		f |= names[k].bit;
		i++;
	}
	*out = f;
	return true;
}

/*
 * Take the attributes out of tv[from..n-1], leaving the positional words
 * in pos[]. Returns the number of positional words or <0.
 */
static int split_attrs(struct parser *ps, struct tok *tv, int from, int n,
		       struct tok *pos, struct line_attrs *a)
{
	int i, np = 0, rc;
	struct tok v;
	char buf[48];
	uint64_t u;
	int64_t s;

	memset(a, 0, sizeof(*a));
	for (i = from; i < n; i++) {
		struct tok *t = &tv[i];

		if (!t->quoted && t->n && t->p[0] == '@') {
			if (a->stack)
				return perr(ps, "two call sites on one line");
			rc = site_stack(ps, t, &a->stack);
			if (rc)
				return rc;
		} else if (attr(t, "stack", &v)) {
			if (a->stack)
				return perr(ps, "two call sites on one line");
			if (!parse_u64(v.p, v.n, &u) || !u ||
			    u >= TEXT_SITE_STACK0)
				return perr(ps,
					    "bad stack id '%s' (from 1 to %u)",
					    show(&v, buf, sizeof(buf)),
					    TEXT_SITE_STACK0 - 1);
			a->stack = (uint32_t)u;
		} else if (attr(t, "t", &v)) {
			if (!parse_time(v.p, v.n, &a->t))
				return perr(ps,
					    "bad time '%s' (want e.g. 12.5ms, "
					    "3s, 40us, 100ns)",
					    show(&v, buf, sizeof(buf)));
			a->has_time = true;
		} else if (attr(t, "pc", &v)) {
			if (!parse_u64(v.p, v.n, &a->pc))
				return perr(ps, "bad pc '%s'",
					    show(&v, buf, sizeof(buf)));
			a->has_pc = true;
		} else if (attr(t, "owner", &v)) {
			if (!parse_i64(v.p, v.n, &s) || s < INT32_MIN ||
			    s > INT32_MAX)
				return perr(ps, "bad owner '%s'",
					    show(&v, buf, sizeof(buf)));
			a->owner = (int32_t)s;
			a->has_owner = true;
		} else if (attr(t, "arg", &v)) {
			if (!parse_u64(v.p, v.n, &a->arg))
				return perr(ps, "bad arg '%s'",
					    show(&v, buf, sizeof(buf)));
			a->has_arg = true;
		} else if (attr(t, "flags", &v)) {
			if (!parse_flags(&v, &a->flags))
				return perr(ps,
					    "bad flags '%s' (want try, timed, "
					    "condwait, typed, forkgone, "
					    "pshared, top joined by '+')",
					    show(&v, buf, sizeof(buf)));
			a->has_flags = true;
		} else if (attr(t, "mode", &v)) {
			if (tok_is(&v, "shared") || tok_is(&v, "read"))
				a->mode = MODE_SHARED;
			else if (tok_is(&v, "excl") || tok_is(&v, "write"))
				a->mode = MODE_EXCL;
			else if (parse_u64(v.p, v.n, &u) && u <= 0xff)
				a->mode = (uint8_t)u;
			else
				return perr(ps, "bad mode '%s'",
					    show(&v, buf, sizeof(buf)));
			a->has_mode = true;
		} else if (attr(t, "str", &v)) {
			a->str = v;
			a->has_str = true;
		} else if (attr(t, "op", &v)) {
			if (!parse_u64(v.p, v.n, &u) || u > 0xff)
				return perr(ps, "bad op '%s'",
					    show(&v, buf, sizeof(buf)));
			a->op = (uint8_t)u;
			a->has_op = true;
		} else if (attr(t, "kind", &v)) {
			if (!parse_u64(v.p, v.n, &u) || u > 0xff)
				return perr(ps, "bad kind '%s'",
					    show(&v, buf, sizeof(buf)));
			a->kind = (uint8_t)u;
			a->has_kind = true;
		} else if (attr(t, "addr", &v)) {
			if (!parse_u64(v.p, v.n, &a->addr))
				return perr(ps, "bad addr '%s'",
					    show(&v, buf, sizeof(buf)));
			a->has_addr = true;
		} else if (attr(t, "strid", &v)) {
			if (!parse_u64(v.p, v.n, &u) || u > UINT32_MAX)
				return perr(ps, "bad strid '%s'",
					    show(&v, buf, sizeof(buf)));
			a->strid = (uint32_t)u;
			a->has_strid = true;
		} else {
			pos[np++] = *t;
		}
	}
	return np;
}

/* A resolved object operand. */
struct obj {
	uint64_t addr;
	uint8_t kind;
	bool named_now; /* a name first used on this line: name it */
	struct tok name;
};

/*
 * Resolve an object word. 'want' is the kind the operation needs
 * (KIND_NONE: any lock-like kind, the object's own or 'dflt').
 */
static int resolve(struct parser *ps, const struct tok *t, int explicit_kind,
		   int want, int dflt, struct obj *o)
{
	int need = explicit_kind >= 0 ? explicit_kind : want;
	char buf[48];
	uint32_t num;
	uint64_t addr;
	struct slot *sl;
	bool fresh;

	memset(o, 0, sizeof(*o));
	if (thread_token(t, &num)) {
		if (need > 0 && need != KIND_THREAD)
			return perr(ps, "'%s' is a thread, not a %s",
				    show(t, buf, sizeof(buf)),
				    kind_words[need]);
		o->addr = num;
		o->kind = KIND_THREAD;
		return 0;
	}
	if (need == KIND_THREAD)
		return perr(ps, "'%s' is not a thread (T1, T2, ...)",
			    show(t, buf, sizeof(buf)));
	if (!t->quoted && t->n > 2 && t->p[0] == '0' &&
	    (t->p[1] == 'x' || t->p[1] == 'X')) {
		if (!parse_u64(t->p, t->n, &addr))
			return perr(ps, "bad address '%s'",
				    show(t, buf, sizeof(buf)));
		o->addr = addr;
		o->kind = (uint8_t)(explicit_kind >= 0 ? explicit_kind
				    : want	       ? want
						       : dflt);
		return 0;
	}
	if (!ident_token(t))
		return perr(ps,
			    "'%s' is not an object (a name, 0xADDRESS or "
			    "Tn)",
			    show(t, buf, sizeof(buf)));
	sl = map_get(&ps->objs, fnv1a(t->p, t->n), t->p, t->n, true, &fresh);
	if (!sl)
		return -ENOMEM;
	if (fresh) {
		addr = text_trace_name_addr(t->p, t->n);
		/* Two names on one address: move on to a free one. */
		while (map_get(&ps->addrs, addr, NULL, 0, false, NULL))
			addr = TEXT_OBJ_BASE +
			       ((addr - TEXT_OBJ_BASE + 64) % TEXT_OBJ_SIZE);
		if (!map_get(&ps->addrs, addr, NULL, 0, true, NULL))
			return -ENOMEM;
		sl->v1 = addr;
		sl->v3 = (uint32_t)(explicit_kind >= 0 ? explicit_kind
				    : want > 0	       ? want
						       : dflt);
		/* (all three are small non-negative kinds) */
		o->named_now = true;
		o->name = *t;
		/* No kind yet (a claim, a probe): the first use that gives
		 * one names it too (v4: its name is still to be given). */
		sl->v4 = sl->v3 == KIND_NONE;
	} else if (sl->v3 == KIND_NONE &&
		   (need > 0 || (explicit_kind < 0 && dflt > 0))) {
		/* As a fresh name would get: an explicit "object" is no
		 * kind, whatever the operation's default. */
		sl->v3 = (uint32_t)(need > 0 ? need : dflt);
		if (sl->v4) {
			sl->v4 = 0;
			o->named_now = true;
			o->name = *t;
		}
	} else if (need > 0 && (uint32_t)need != sl->v3) {
		return perr(ps, "%s is a %s, not a %s",
			    show(t, buf, sizeof(buf)),
			    sl->v3 < KIND_MAX ? kind_words[sl->v3] : "?",
			    kind_words[need]);
	}
	o->addr = sl->v1;
	o->kind = (uint8_t)(explicit_kind >= 0 ? (uint32_t)explicit_kind
					       : sl->v3);
	return 0;
}

struct evbuf {
	struct trace_ev ev[MAX_EVENTS];
	bool cond[MAX_EVENTS]; /* an acquire kept only if it would wait */
	int n;
};

static struct trace_ev *ev_add(struct evbuf *eb, uint32_t thread, uint8_t op,
			       uint8_t kind, uint8_t mode, uint8_t flags,
			       uint64_t addr)
{
	struct trace_ev *e = &eb->ev[eb->n];

	eb->cond[eb->n++] = false;
	memset(e, 0, sizeof(*e));
	e->thread = thread;
	e->op = op;
	e->kind = kind;
	e->mode = mode;
	e->flags = flags;
	e->addr = addr;
	return e;
}

/* Lock-like kinds a `lock` may take. */
static bool lockable(int kind)
{
	return kind == KIND_MUTEX || kind == KIND_RWLOCK || kind == KIND_SPIN ||
	       kind == KIND_SEM || kind == KIND_ONCE;
}

struct opdef {
	const char *name;
	int code;
};

enum {
	O_LOCK,
	O_BLOCK,
	O_TRYLOCK,
	O_TIMEDLOCK,
	O_UNLOCK,
	O_RDLOCK,
	O_WRLOCK,
	O_TRYRDLOCK,
	O_TRYWRLOCK,
	O_SEM_WAIT,
	O_SEM_TRYWAIT,
	O_SEM_POST,
	O_WAIT,
	O_WOKEN,
	O_SIGNAL,
	O_BROADCAST,
	O_BARRIER_WAIT,
	O_CREATE,
	O_JOIN,
	O_CANCEL,
	O_EXIT,
	O_INIT,
	O_DESTROY,
	O_NAME,
	O_FREE,
	O_CLAIM,
	O_CLAIMS_DONE,
	O_SIGACTION,
	/* raw: one engine event each */
	O_RAW_ACQUIRE,
	O_RAW_ACQUIRED,
	O_RAW_TRY_FAILED,
	O_RAW_TIMED_OUT,
	O_RAW_RELEASE,
	O_RAW_THREAD_START,
	O_RAW_JOINED,
	O_RAW_FORK,
	O_RAW_RETIRE,
	O_RAW_PROBE,
	O_RAW_EVENT,
};

static const struct opdef ops[] = {
	{ "lock", O_LOCK },
	{ "block", O_BLOCK },
	{ "trylock", O_TRYLOCK },
	{ "timedlock", O_TIMEDLOCK },
	{ "unlock", O_UNLOCK },
	{ "rdlock", O_RDLOCK },
	{ "wrlock", O_WRLOCK },
	{ "tryrdlock", O_TRYRDLOCK },
	{ "trywrlock", O_TRYWRLOCK },
	{ "sem_wait", O_SEM_WAIT },
	{ "sem_trywait", O_SEM_TRYWAIT },
	{ "sem_post", O_SEM_POST },
	{ "wait", O_WAIT },
	{ "woken", O_WOKEN },
	{ "signal", O_SIGNAL },
	{ "broadcast", O_BROADCAST },
	{ "barrier_wait", O_BARRIER_WAIT },
	{ "create", O_CREATE },
	{ "join", O_JOIN },
	{ "cancel", O_CANCEL },
	{ "exit", O_EXIT },
	{ "thread_exit", O_EXIT },
	{ "init", O_INIT },
	{ "destroy", O_DESTROY },
	{ "name", O_NAME },
	{ "free", O_FREE },
	{ "acquire", O_RAW_ACQUIRE },
	{ "acquired", O_RAW_ACQUIRED },
	{ "try_failed", O_RAW_TRY_FAILED },
	{ "timed_out", O_RAW_TIMED_OUT },
	{ "release", O_RAW_RELEASE },
	{ "thread_start", O_RAW_THREAD_START },
	{ "joined", O_RAW_JOINED },
	{ "fork", O_RAW_FORK },
	{ "claim", O_CLAIM },
	{ "claims_done", O_CLAIMS_DONE },
	{ "sigaction", O_SIGACTION },
	{ "retire", O_RAW_RETIRE },
	{ "probe", O_RAW_PROBE },
	{ "event", O_RAW_EVENT },
};

/* Positional words after the op: [KIND] OBJ [rest...]. The kind word is
 * taken only when an object follows it. */
struct operands {
	int kind;	 /* explicit kind word, -1 none */
	struct tok *obj; /* NULL if none */
	struct tok *rest;
	int nrest;
};

static void operands(struct tok *pos, int np, struct operands *o)
{
	int i = 0;

	o->kind = -1;
	if (np >= 2 && kind_word(&pos[0]) >= 0) {
		o->kind = kind_word(&pos[0]);
		i = 1;
	}
	o->obj = i < np ? &pos[i] : NULL;
	o->rest = pos + i + (i < np);
	o->nrest = np - i - (i < np);
}

static bool rest_is(const struct operands *o, int i, const char *w)
{
	return i < o->nrest && tok_is(&o->rest[i], w);
}

static int need_obj(struct parser *ps, const struct operands *o, const char *op)
{
	if (!o->obj)
		return perr(ps, "'%s' needs an object", op);
	return 0;
}

static int extra_words(struct parser *ps, const struct operands *o, int used)
{
	char buf[48];

	if (o->nrest > used)
		return perr(ps, "unexpected '%s'",
			    show(&o->rest[used], buf, sizeof(buf)));
	return 0;
}

/* Mutex type words of `init`. */
static int init_words(struct parser *ps, const struct operands *o, uint8_t kind,
		      uint64_t *arg, bool *typed)
{
	char buf[48];
	uint64_t v;
	int i;

	*arg = 0;
	*typed = false;
	for (i = 0; i < o->nrest; i++) {
		const struct tok *w = &o->rest[i];

		if (kind == KIND_MUTEX && tok_is(w, "normal")) {
			*arg = (*arg & ~3ull) | MTYPE_NORMAL;
		} else if (kind == KIND_MUTEX && tok_is(w, "recursive")) {
			*arg = (*arg & ~3ull) | MTYPE_RECURSIVE;
		} else if (kind == KIND_MUTEX && tok_is(w, "errorcheck")) {
			*arg = (*arg & ~3ull) | MTYPE_ERRORCHECK;
		} else if (kind == KIND_MUTEX && tok_is(w, "adaptive")) {
			*arg = (*arg & ~3ull) | MTYPE_ADAPTIVE;
		} else if (kind == KIND_MUTEX && tok_is(w, "robust")) {
			*arg |= MTYPE_ROBUST_BIT;
		} else if (kind == KIND_MUTEX && tok_is(w, "pi")) {
			*arg |= MTYPE_PI_BIT;
		} else if (kind == KIND_RWLOCK && tok_is(w, "writer")) {
			*arg = RWKIND_PREFER_WRITER_NONRECURSIVE;
		} else if (kind == KIND_RWLOCK && tok_is(w, "reader")) {
			*arg = RWKIND_PREFER_READER;
		} else if ((kind == KIND_SEM || kind == KIND_BARRIER) &&
			   parse_u64(w->p, w->n, &v) && !w->quoted) {
			*arg = v;
		} else {
			return perr(ps, "unexpected '%s' for a %s",
				    show(w, buf, sizeof(buf)),
				    kind_words[kind]);
		}
		*typed = true;
	}
	return 0;
}

/* ---- the state model ------------------------------------------------------
 */

static struct ostate *ostate_of(struct parser *ps, uint64_t addr)
{
	bool fresh;
	struct slot *sl = map_get(&ps->ostates, addr, NULL, 0, true, &fresh);

	if (!sl)
		return NULL;
	if (fresh)
		sl->v1 = (uint64_t)(uintptr_t)calloc(1, sizeof(struct ostate));
	return (struct ostate *)(uintptr_t)sl->v1;
}

/* Would thread 'thread' have to wait to take ev's object? */
static bool would_wait(const struct ostate *st, const struct trace_ev *ev,
		       uint32_t thread)
{
	switch (ev->kind) {
	case KIND_SEM:
		return st->value_known && st->value <= 0;
	case KIND_RWLOCK:
		if (ev->mode == MODE_SHARED)
			return st->owner != 0;
		return st->owner != 0 || st->readers > 0;
	default:
		if (ev->kind == KIND_MUTEX && st->mtype == MTYPE_RECURSIVE &&
		    st->owner == thread)
			return false;
		return st->owner != 0;
	}
}

/* Follow one event's effect on its object. */
static void model(struct ostate *st, const struct trace_ev *ev)
{
	switch (ev->op) {
	case OP_INIT:
		memset(st, 0, sizeof(*st));
		if (ev->kind == KIND_MUTEX && (ev->flags & EVF_TYPE_KNOWN))
			st->mtype = (uint8_t)(ev->arg & 3);
		if (ev->kind == KIND_SEM && (ev->flags & EVF_TYPE_KNOWN)) {
			st->value = (int64_t)(ev->arg & 0x7fffffff);
			st->value_known = true;
		}
		break;
	case OP_DESTROY:
		memset(st, 0, sizeof(*st));
		break;
	case OP_ACQUIRED:
		if (ev->kind == KIND_SEM) {
			st->value -= st->value_known;
		} else if (ev->mode == MODE_SHARED) {
			st->readers++;
		} else if (st->owner == ev->thread &&
			   !(ev->flags & EVF_CONDWAIT)) {
			st->count++;
		} else {
			st->owner = ev->thread;
			st->count = 1;
		}
		break;
	case OP_RELEASE:
		if (ev->kind == KIND_SEM) {
			st->value += st->value_known;
		} else if (st->owner == ev->thread) {
			if (--st->count == 0 || (ev->flags & EVF_CONDWAIT)) {
				st->owner = 0;
				st->count = 0;
			}
		} else if (st->readers) {
			st->readers--;
		}
		break;
	default:
		break;
	}
}

static int do_event_line(struct parser *ps, uint32_t thread, struct tok *tv,
			 int n)
{
	struct tok pos[MAX_TOKENS];
	struct line_attrs a;
	struct operands o;
	struct evbuf eb;
	struct obj x, m;
	struct trace_ev *e;
	const struct opdef *op = NULL;
	char buf[48];
	uint32_t strid = 0, name_id = 0;
	uint64_t line_pc;
	struct thr *th;
	int np, i, k, rc, code, name_after = 0;
	bool single;
	size_t oi;

	if (n < 2)
		return perr(ps, "no operation after the thread");
	for (oi = 0; oi < sizeof(ops) / sizeof(ops[0]); oi++)
		if (tok_is(&tv[1], ops[oi].name))
			op = &ops[oi];
	if (!op)
		return perr(ps, "unknown operation '%s'",
			    show(&tv[1], buf, sizeof(buf)));
	code = op->code;
	np = split_attrs(ps, tv, 2, n, pos, &a);
	if (np < 0)
		return np;
	if (a.has_time)
		ps->now = a.t;
	operands(pos, np, &o);
	memset(&eb, 0, sizeof(eb));
	memset(&x, 0, sizeof(x));
	memset(&m, 0, sizeof(m));

	switch (code) {
	case O_LOCK:
	case O_TIMEDLOCK:
	case O_TRYLOCK: {
		uint8_t fl = code == O_TIMEDLOCK ? EVF_TIMED
			     : code == O_TRYLOCK ? EVF_TRY
						 : 0;
		bool failed;

		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_NONE, KIND_MUTEX,
				  &x)))
			return rc;
		if (!lockable(x.kind))
			return perr(ps, "cannot %s a %s", op->name,
				    kind_words[x.kind]);
		failed = (code == O_TRYLOCK && rest_is(&o, 0, "failed")) ||
			 (code == O_TIMEDLOCK && rest_is(&o, 0, "timeout"));
		if ((rc = extra_words(ps, &o, failed ? 1 : 0)))
			return rc;
		if (code != O_TRYLOCK) {
			ev_add(&eb, thread, OP_ACQUIRE, x.kind, MODE_EXCL, fl,
			       x.addr);
			eb.cond[0] = !failed;
		}
		ev_add(&eb, thread,
		       !failed		   ? OP_ACQUIRED
		       : code == O_TRYLOCK ? OP_TRY_FAILED
					   : OP_TIMED_OUT,
		       x.kind, MODE_EXCL, fl, x.addr);
		break;
	}
	case O_BLOCK: {
		bool read = false, timed = false;
		int w;

		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_NONE, KIND_MUTEX,
				  &x)))
			return rc;
		for (w = 0; w < o.nrest; w++) {
			if (rest_is(&o, w, "read") && x.kind == KIND_RWLOCK)
				read = true;
			else if (rest_is(&o, w, "timed"))
				timed = true;
			else
				return extra_words(ps, &o, w);
		}
		ev_add(&eb, thread, lockable(x.kind) ? OP_ACQUIRE : OP_WAIT,
		       x.kind, read ? MODE_SHARED : MODE_EXCL,
		       timed ? EVF_TIMED : 0, x.addr);
		break;
	}
	case O_UNLOCK:
		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_NONE, KIND_MUTEX,
				  &x)) ||
		    (rc = extra_words(ps, &o, 0)))
			return rc;
		if (!lockable(x.kind))
			return perr(ps, "cannot unlock a %s",
				    kind_words[x.kind]);
		ev_add(&eb, thread, OP_RELEASE, x.kind, MODE_EXCL, 0, x.addr);
		break;
	case O_RDLOCK:
	case O_WRLOCK:
	case O_TRYRDLOCK:
	case O_TRYWRLOCK: {
		uint8_t mode = (code == O_RDLOCK || code == O_TRYRDLOCK)
				       ? MODE_SHARED
				       : MODE_EXCL;
		bool try = code == O_TRYRDLOCK || code == O_TRYWRLOCK;
		bool failed = try && rest_is(&o, 0, "failed");

		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_RWLOCK, KIND_RWLOCK,
				  &x)) ||
		    (rc = extra_words(ps, &o, failed ? 1 : 0)))
			return rc;
		if (!try) {
			ev_add(&eb, thread, OP_ACQUIRE, KIND_RWLOCK, mode, 0,
			       x.addr);
			eb.cond[0] = true;
		}
		ev_add(&eb, thread, failed ? OP_TRY_FAILED : OP_ACQUIRED,
		       KIND_RWLOCK, mode, try ? EVF_TRY : 0, x.addr);
		break;
	}
	case O_SEM_WAIT:
	case O_SEM_TRYWAIT:
	case O_SEM_POST: {
		bool failed = code == O_SEM_TRYWAIT && rest_is(&o, 0, "failed");

		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_SEM, KIND_SEM, &x)) ||
		    (rc = extra_words(ps, &o, failed ? 1 : 0)))
			return rc;
		if (code == O_SEM_POST) {
			ev_add(&eb, thread, OP_RELEASE, KIND_SEM, MODE_EXCL, 0,
			       x.addr);
			break;
		}
		if (code == O_SEM_WAIT) {
			ev_add(&eb, thread, OP_ACQUIRE, KIND_SEM, MODE_EXCL, 0,
			       x.addr);
			eb.cond[0] = true;
		}
		ev_add(&eb, thread, failed ? OP_TRY_FAILED : OP_ACQUIRED,
		       KIND_SEM, MODE_EXCL, code == O_SEM_TRYWAIT ? EVF_TRY : 0,
		       x.addr);
		break;
	}
	case O_WAIT:
	case O_WOKEN: {
		bool with = rest_is(&o, 0, "with"), timed = false;
		int used = 0;

		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, with ? KIND_COND : 0,
				  KIND_COND, &x)))
			return rc;
		if (lockable(x.kind))
			return perr(ps,
				    "cannot %s on a %s (use lock or "
				    "block)",
				    op->name, kind_words[x.kind]);
		if (with) {
			if (o.nrest < 2)
				return perr(ps, "'with' needs a mutex");
			if ((rc = resolve(ps, &o.rest[1], -1, KIND_MUTEX,
					  KIND_MUTEX, &m)))
				return rc;
			used = 2;
		}
		if (rest_is(&o, used, "timed")) {
			timed = true;
			used++;
		}
		if ((rc = extra_words(ps, &o, used)))
			return rc;
		if (code == O_WAIT) {
			if (with)
				ev_add(&eb, thread, OP_RELEASE, KIND_MUTEX,
				       MODE_EXCL, EVF_CONDWAIT, m.addr);
			ev_add(&eb, thread, OP_WAIT, x.kind, MODE_EXCL,
			       timed ? EVF_TIMED : 0, x.addr);
		} else {
			ev_add(&eb, thread, OP_WOKEN, x.kind, MODE_EXCL,
			       timed ? EVF_TIMED : 0, x.addr);
			if (with)
				ev_add(&eb, thread, OP_ACQUIRED, KIND_MUTEX,
				       MODE_EXCL,
				       EVF_CONDWAIT | (timed ? EVF_TIMED : 0),
				       m.addr);
		}
		break;
	}
	case O_SIGNAL:
	case O_BROADCAST:
		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_COND, KIND_COND,
				  &x)) ||
		    (rc = extra_words(ps, &o, 0)))
			return rc;
		e = ev_add(&eb, thread, OP_SIGNAL, x.kind, MODE_EXCL, 0,
			   x.addr);
		e->arg = code == O_BROADCAST; /* as the runtime: 1 broadcast */
		break;
	case O_BARRIER_WAIT:
		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_BARRIER, KIND_BARRIER,
				  &x)) ||
		    (rc = extra_words(ps, &o, 0)))
			return rc;
		ev_add(&eb, thread, OP_WAIT, KIND_BARRIER, MODE_EXCL, 0,
		       x.addr);
		ev_add(&eb, thread, OP_WOKEN, KIND_BARRIER, MODE_EXCL, 0,
		       x.addr);
		break;
	case O_CREATE: {
		struct thr *child;

		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_THREAD, KIND_THREAD,
				  &x)) ||
		    (rc = extra_words(ps, &o, 0)))
			return rc;
		if (x.addr == thread)
			return perr(ps, "a thread cannot create itself");
		child = thread_get(ps, (uint32_t)x.addr);
		if (!child)
			return -ENOMEM;
		child->parent = thread;
		child->create_stack = a.stack;
		/* as the runtime records it: the creator's event */
		ev_add(&eb, thread, OP_THREAD_START, KIND_THREAD, MODE_EXCL, 0,
		       x.addr);
		break;
	}
	case O_JOIN:
	case O_CANCEL: /* both name one thread */
		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_THREAD, KIND_THREAD,
				  &x)) ||
		    (rc = extra_words(ps, &o, 0)))
			return rc;
		if (code == O_CANCEL) {
			ev_add(&eb, thread, OP_CANCEL, KIND_THREAD, MODE_EXCL,
			       0, x.addr);
			break;
		}
		ev_add(&eb, thread, OP_WAIT, KIND_THREAD, MODE_EXCL, 0, x.addr);
		ev_add(&eb, thread, OP_WOKEN, KIND_THREAD, MODE_EXCL, 0,
		       x.addr);
		ev_add(&eb, thread, OP_JOIN, KIND_THREAD, MODE_EXCL, 0, x.addr);
		break;
	case O_EXIT:
		if (o.obj)
			return perr(ps, "unexpected '%s'",
				    show(o.obj, buf, sizeof(buf)));
		ev_add(&eb, thread, OP_THREAD_EXIT, KIND_NONE, MODE_EXCL, 0, 0);
		break;
	case O_INIT: {
		uint64_t arg;
		bool typed;

		/* "init S sem 1": the kind may follow the object */
		if (o.kind < 0 && o.nrest && kind_word(&o.rest[0]) >= 0) {
			o.kind = kind_word(&o.rest[0]);
			o.rest++;
			o.nrest--;
		}
		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_NONE, KIND_MUTEX,
				  &x)) ||
		    (rc = init_words(ps, &o, x.kind, &arg, &typed)))
			return rc;
		e = ev_add(&eb, thread, OP_INIT, x.kind, MODE_EXCL,
			   typed ? EVF_TYPE_KNOWN : 0, x.addr);
		e->arg = arg;
		name_after = 1; /* init starts a new object: name it after */
		break;
	}
	case O_DESTROY:
		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_NONE, KIND_MUTEX,
				  &x)) ||
		    (rc = extra_words(ps, &o, 0)))
			return rc;
		ev_add(&eb, thread, OP_DESTROY, x.kind, MODE_EXCL, 0, x.addr);
		break;
	case O_NAME:
		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_NONE, KIND_MUTEX,
				  &x)))
			return rc;
		if (o.nrest < 1 || !o.rest[0].quoted)
			return perr(ps, "'name' needs a quoted name");
		if ((rc = extra_words(ps, &o, 1)) ||
		    (rc = intern_string(ps, o.rest[0].p, o.rest[0].n, &strid)))
			return rc;
		x.named_now = false; /* the name given wins */
		e = ev_add(&eb, thread, OP_NAME, x.kind, MODE_EXCL, 0,
			   x.kind == KIND_THREAD ? x.addr : x.addr);
		e->str = strid;
		break;
	case O_CLAIM: {
		/* "claim X [N]": this thread may hold up to N (1) units of X */
		uint64_t units = 1;

		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_NONE, KIND_NONE,
				  &x)))
			return rc;
		if (x.kind == KIND_THREAD)
			return perr(ps, "a thread cannot be claimed");
		if (o.nrest >= 1 &&
		    (o.rest[0].quoted ||
		     !parse_u64(o.rest[0].p, o.rest[0].n, &units) ||
		     units > 0x7fffffff))
			return perr(ps, "bad number of units '%s'",
				    show(&o.rest[0], buf, sizeof(buf)));
		if ((rc = extra_words(ps, &o, o.nrest >= 1 ? 1 : 0)))
			return rc;
		/* Named at its first real use, which gives it its kind. */
		x.named_now = false;
		e = ev_add(&eb, thread, OP_CLAIM, x.kind, MODE_EXCL, 0, x.addr);
		e->arg = units;
		break;
	}
	case O_CLAIMS_DONE:
		if (o.obj)
			return perr(ps, "unexpected '%s'",
				    show(o.obj, buf, sizeof(buf)));
		ev_add(&eb, thread, OP_CLAIM, KIND_NONE, MODE_EXCL,
		       EVF_CLAIMS_DONE, 0);
		break;
	case O_SIGACTION: {
		/* sigaction SIG [handler]: its action set, a handler or not */
		uint64_t sig = 0;
		bool handler = false;

		if (!o.obj || o.obj->quoted ||
		    !parse_u64(o.obj->p, o.obj->n, &sig) || !sig ||
		    sig > SIGACTION_SIG_MASK)
			return perr(ps, "want: sigaction SIGNAL [handler] "
					"(SIGNAL from 1 to %u)",
				    SIGACTION_SIG_MASK);
		if (o.nrest >= 1) {
			if (!tok_is(&o.rest[0], "handler"))
				return perr(ps, "unexpected '%s'",
					    show(&o.rest[0], buf,
						 sizeof(buf)));
			handler = true;
		}
		if ((rc = extra_words(ps, &o, o.nrest >= 1 ? 1 : 0)))
			return rc;
		e = ev_add(&eb, thread, OP_SIGACTION, KIND_NONE, MODE_EXCL, 0,
			   0);
		e->arg = sig | (handler ? SIGACTION_HANDLER : 0);
		break;
	}
	case O_FREE: {
		uint64_t len = 1;

		if ((rc = need_obj(ps, &o, op->name)) ||
		    (rc = resolve(ps, o.obj, o.kind, KIND_NONE, KIND_MUTEX,
				  &x)))
			return rc;
		if (o.nrest >= 1 &&
		    (o.rest[0].quoted ||
		     !parse_u64(o.rest[0].p, o.rest[0].n, &len)))
			return perr(ps, "bad length '%s'",
				    show(&o.rest[0], buf, sizeof(buf)));
		if ((rc = extra_words(ps, &o, o.nrest >= 1 ? 1 : 0)))
			return rc;
		e = ev_add(&eb, thread, OP_RETIRE_RANGE, KIND_NONE, MODE_EXCL,
			   0, x.addr);
		e->arg = len;
		x.named_now = false;
		break;
	}
	default: {
		/* Raw: exactly one engine event, fields from attributes. */
		static const uint8_t raw_op[] = {
			[O_RAW_ACQUIRE] = OP_ACQUIRE,
			[O_RAW_ACQUIRED] = OP_ACQUIRED,
			[O_RAW_TRY_FAILED] = OP_TRY_FAILED,
			[O_RAW_TIMED_OUT] = OP_TIMED_OUT,
			[O_RAW_RELEASE] = OP_RELEASE,
			[O_RAW_THREAD_START] = OP_THREAD_START,
			[O_RAW_JOINED] = OP_JOIN,
			[O_RAW_FORK] = OP_FORK,
			[O_RAW_RETIRE] = OP_RETIRE_RANGE,
			[O_RAW_PROBE] = OP_PROBE,
			[O_RAW_EVENT] = 0,
		};
		uint8_t rop = raw_op[code];

		if (code == O_RAW_EVENT) {
			if (!a.has_op)
				return perr(ps, "'event' needs op=N");
			rop = a.op;
		}
		if (o.obj) {
			bool lock_op = rop != OP_RETIRE_RANGE &&
				       rop != OP_PROBE && rop != OP_FORK;

			if ((rc = resolve(ps, o.obj, o.kind, KIND_NONE,
					  lock_op ? KIND_MUTEX : KIND_NONE,
					  &x)))
				return rc;
		} else if (o.kind >= 0) {
			x.kind = (uint8_t)o.kind;
		}
		if ((rc = extra_words(ps, &o, 0)))
			return rc;
		if (code == O_RAW_RETIRE || code == O_RAW_EVENT ||
		    code == O_RAW_FORK)
			x.named_now = false;
		e = ev_add(&eb, thread, rop, x.kind, MODE_EXCL, 0, x.addr);
		if (code == O_RAW_EVENT) {
			if (a.has_kind)
				e->kind = a.kind;
			if (a.has_addr)
				e->addr = a.addr;
			if (a.has_strid)
				e->str = a.strid;
		}
		break;
	}
	}

	single = eb.n == 1;
	if (!single && (a.has_owner || a.has_arg || a.has_flags || a.has_mode ||
			a.has_pc || a.has_str))
		return perr(ps,
			    "'%s' stands for %d events: raw fields (pc=, "
			    "owner=, arg=, flags=, mode=, str=) need a "
			    "one-event operation",
			    op->name, eb.n);
	if (single) {
		e = &eb.ev[0];
		if (a.has_owner)
			e->owner_tid = a.owner;
		if (a.has_arg)
			e->arg = a.arg;
		if (a.has_flags)
			e->flags = a.flags;
		if (a.has_mode)
			e->mode = a.mode;
		if (a.has_str) {
			if ((rc = intern_string(ps, a.str.p, a.str.n, &strid)))
				return rc;
			e->str = strid;
		}
	}
	th = thread_get(ps, thread);
	if (!th)
		return -ENOMEM;
	/* As live: an acquire event only where the lock line would wait,
	 * and not again for the lock a `block` line already waits for. */
	for (i = 0, k = 0; i < eb.n; i++) {
		struct trace_ev *ev = &eb.ev[i];
		struct ostate *st = ev->kind == KIND_THREAD || !ev->addr
					    ? NULL
					    : ostate_of(ps, ev->addr);

		if (eb.cond[i] && st &&
		    ((th->blocked && th->blocked_on == ev->addr) ||
		     !would_wait(st, ev, thread)))
			continue;
		if (st)
			model(st, ev);
		eb.ev[k++] = *ev;
	}
	eb.n = k;
	th->blocked = code == O_BLOCK && eb.n == 1 && eb.ev[0].op == OP_ACQUIRE;
	th->blocked_on = eb.n ? eb.ev[0].addr : 0;
	/* A name first seen here gets itself as its name. */
	if (x.named_now && ident_token(&x.name)) {
		rc = intern_string(ps, x.name.p, x.name.n, &name_id);
		if (rc)
			return rc;
	}
	line_pc = a.has_pc ? a.pc : 0;
	if (!a.has_pc && a.stack >= TEXT_SITE_STACK0) {
		if (a.stack - TEXT_SITE_STACK0 < ps->n_site_pc)
			line_pc = ps->site_pc[a.stack - TEXT_SITE_STACK0];
	} else if (!a.has_pc && a.stack) {
		struct slot *sl =
			map_get(&ps->stack_pc, a.stack, NULL, 0, false, NULL);

		line_pc = sl ? sl->v1 : 0;
	}
	for (i = 0; i <= eb.n; i++) {
		struct trace_ev *ev;
		struct trace_ev nm;

		if (name_id && i == (name_after ? eb.n : 0)) {
			memset(&nm, 0, sizeof(nm));
			nm.op = OP_NAME;
			nm.kind = x.kind;
			nm.thread = thread;
			nm.addr = x.addr;
			nm.str = name_id;
			nm.stack = a.stack;
			nm.pc = line_pc;
			nm.ts_ns = ps->start_ns + ps->now;
			nm.seq = ++ps->seq;
			tbuild_event(ps->b, &nm);
		}
		if (i == eb.n)
			break;
		ev = &eb.ev[i];
		ev->stack = a.stack;
		ev->ts_ns = ps->start_ns + ps->now;
		ev->seq = ++ps->seq;
		ev->pc = line_pc;
		tbuild_event(ps->b, ev);
	}
	ps->saw_event = true;
	return 0;
}

/* ---- directives ---------------------------------------------------------- */

static int do_process(struct parser *ps, struct tok *tv, int n)
{
	char buf[48];
	struct tok v;
	uint64_t u;
	int i;

	if (ps->saw_event || ps->saw_process)
		return perr(ps, "'process' must come once, before any event");
	ps->saw_process = true;
	for (i = 1; i < n; i++) {
		if (attr(&tv[i], "pid", &v) && parse_u64(v.p, v.n, &u) &&
		    u <= UINT32_MAX) {
			ps->b->buf[16] = (uint8_t)u;
			ps->b->buf[17] = (uint8_t)(u >> 8);
			ps->b->buf[18] = (uint8_t)(u >> 16);
			ps->b->buf[19] = (uint8_t)(u >> 24);
		} else if (attr(&tv[i], "ppid", &v) &&
			   parse_u64(v.p, v.n, &u) && u <= UINT32_MAX) {
			ps->b->buf[20] = (uint8_t)u;
			ps->b->buf[21] = (uint8_t)(u >> 8);
			ps->b->buf[22] = (uint8_t)(u >> 16);
			ps->b->buf[23] = (uint8_t)(u >> 24);
		} else if (attr(&tv[i], "exe", &v)) {
			size_t len = v.n < 255 ? v.n : 255;

			memset(ps->b->buf + 40, 0, 256);
			memcpy(ps->b->buf + 40, v.p, len);
		} else if (attr(&tv[i], "start_ns", &v) &&
			   parse_u64(v.p, v.n, &u)) {
			ps->start_ns = u;
			for (int k = 0; k < 8; k++)
				ps->b->buf[24 + k] = (uint8_t)(u >> (8 * k));
		} else if (attr(&tv[i], "realtime_ns", &v) &&
			   parse_u64(v.p, v.n, &u)) {
			for (int k = 0; k < 8; k++)
				ps->b->buf[32 + k] = (uint8_t)(u >> (8 * k));
		} else {
			return perr(ps, "bad 'process' field '%s'",
				    show(&tv[i], buf, sizeof(buf)));
		}
	}
	return 0;
}

static int do_module(struct parser *ps, struct tok *tv, int n)
{
	uint64_t base, start, end;
	uint8_t id[255];
	size_t idlen = 0, j;
	struct tok v;
	const struct tok *range;
	const char *dash;
	char buf[48];

	if (n < 4 || n > 5 || !tv[3].quoted)
		return perr(ps, "want: module BASE START-END \"PATH\" "
				"[build_id=HEX]");
	range = &tv[2];
	dash = memchr(range->p, '-', range->n);
	if (!parse_u64(tv[1].p, tv[1].n, &base) || !dash ||
	    !parse_u64(range->p, (size_t)(dash - range->p), &start) ||
	    !parse_u64(dash + 1, range->n - (size_t)(dash - range->p) - 1,
		       &end) ||
	    end < start)
		return perr(ps, "bad module addresses");
	if (n == 5) {
		if (!attr(&tv[4], "build_id", &v) || v.n % 2 || v.n / 2 > 255)
			return perr(ps, "bad build id '%s'",
				    show(&tv[4], buf, sizeof(buf)));
		for (j = 0; j < v.n; j += 2) {
			uint64_t byte;

			if (!parse_u64((char[]){ '0', 'x', v.p[j], v.p[j + 1] },
				       4, &byte))
				return perr(ps, "bad build id");
			id[idlen++] = (uint8_t)byte;
		}
	}
	tbuild_module(ps->b, base, start, end, id, (uint8_t)idlen, tv[3].p,
		      tv[3].n);
	return 0;
}

static int do_stack(struct parser *ps, struct tok *tv, int n)
{
	uint64_t id, pcs[MAX_TOKENS];
	int i;

	if (n < 2 || !parse_u64(tv[1].p, tv[1].n, &id) || !id ||
	    id >= TEXT_SITE_STACK0)
		return perr(ps, "want: stack ID PC... (ID from 1 to %u)",
			    TEXT_SITE_STACK0 - 1);
	for (i = 2; i < n; i++)
		if (tv[i].quoted || !parse_u64(tv[i].p, tv[i].n, &pcs[i - 2]))
			return perr(ps, "bad pc in stack %llu",
				    (unsigned long long)id);
	tbuild_stack(ps->b, (uint32_t)id, pcs, (uint32_t)(n - 2));
	if (n > 2) {
		struct slot *sl =
			map_get(&ps->stack_pc, id, NULL, 0, true, NULL);

		if (!sl)
			return -ENOMEM;
		sl->v1 = pcs[0];
	}
	return 0;
}

static int do_thread(struct parser *ps, struct tok *tv, int n)
{
	struct line_attrs a;
	struct tok pos[MAX_TOKENS], v;
	struct thr *t;
	uint32_t num, parent;
	char buf[48];
	int i, np;

	if (n < 2 || !thread_token(&tv[1], &num))
		return perr(ps, "want: thread Tn [tid=N] [parent=Tn] "
				"[stack=N|@SITE] [name=\"x\"]");
	t = thread_get(ps, num);
	if (!t)
		return -ENOMEM;
	np = split_attrs(ps, tv, 2, n, pos, &a);
	if (np < 0)
		return np;
	if (a.stack)
		t->create_stack = a.stack;
	for (i = 0; i < np; i++) {
		uint64_t u;

		if (attr(&pos[i], "tid", &v) && parse_u64(v.p, v.n, &u) &&
		    u <= INT32_MAX) {
			t->tid = (int32_t)u;
		} else if (attr(&pos[i], "parent", &v)) {
			if (!thread_token(&v, &parent))
				return perr(ps, "bad parent '%s'",
					    show(&v, buf, sizeof(buf)));
			t->parent = parent;
		} else if (attr(&pos[i], "name", &v)) {
			size_t len = v.n < 16 ? v.n : 16;

			memset(t->name, 0, sizeof(t->name));
			memcpy(t->name, v.p, len);
		} else {
			return perr(ps, "bad 'thread' field '%s'",
				    show(&pos[i], buf, sizeof(buf)));
		}
	}
	return 0;
}

static int do_end(struct parser *ps, struct tok *tv, int n)
{
	uint64_t t = ps->now;
	uint32_t reason = TRACE_END_EXIT;
	struct tok v;
	char buf[48];
	int i;

	for (i = 1; i < n; i++) {
		if (attr(&tv[i], "t", &v) && parse_time(v.p, v.n, &t))
			continue;
		if (attr(&tv[i], "reason", &v)) {
			if (tok_is(&v, "exit"))
				reason = TRACE_END_EXIT;
			else if (tok_is(&v, "signal"))
				reason = TRACE_END_SIGNAL;
			else if (tok_is(&v, "exec"))
				reason = TRACE_END_EXEC;
			else
				return perr(ps, "bad reason '%s'",
					    show(&v, buf, sizeof(buf)));
			continue;
		}
		return perr(ps, "want: end t=TIME [reason=exit|signal|exec]");
	}
	tbuild_end(ps->b, reason, ps->start_ns + t);
	return 0;
}

/* ---- the whole text ------------------------------------------------------ */

static int parse_line(struct parser *ps, const char *line, size_t len)
{
	struct tok tv[MAX_TOKENS];
	char buf[48];
	uint32_t num;
	int n = tokenize(ps, line, len, tv);

	if (n <= 0)
		return n;
	if (thread_token(&tv[0], &num))
		return do_event_line(ps, num, tv, n);
	if (tok_is(&tv[0], "process"))
		return do_process(ps, tv, n);
	if (tok_is(&tv[0], "module"))
		return do_module(ps, tv, n);
	if (tok_is(&tv[0], "stack"))
		return do_stack(ps, tv, n);
	if (tok_is(&tv[0], "thread"))
		return do_thread(ps, tv, n);
	if (tok_is(&tv[0], "end"))
		return do_end(ps, tv, n);
	return perr(ps,
		    "expected a thread (T1, T2, ...) or a directive, got "
		    "'%s'",
		    show(&tv[0], buf, sizeof(buf)));
}

static void free_parser(struct parser *ps)
{
	size_t i;

	for (i = 0; i < ps->threads.cap; i++)
		if (ps->threads.s[i].used)
			free((void *)(uintptr_t)ps->threads.s[i].v1);
	map_free(&ps->threads);
	map_free(&ps->objs);
	map_free(&ps->addrs);
	map_free(&ps->strings);
	map_free(&ps->sites);
	map_free(&ps->stack_pc);
	for (i = 0; i < ps->ostates.cap; i++)
		if (ps->ostates.s[i].used)
			free((void *)(uintptr_t)ps->ostates.s[i].v1);
	map_free(&ps->ostates);
	free(ps->site_pc);
	free(ps->scratch);
}

/* Thread records in number order, so dumps are stable. */
static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int emit_threads(struct parser *ps)
{
	uint32_t *nums = malloc((ps->threads.n + 1) * sizeof(*nums));
	size_t i, k = 0;

	if (!nums)
		return -ENOMEM;
	for (i = 0; i < ps->threads.cap; i++)
		if (ps->threads.s[i].used && ps->threads.s[i].v1)
			nums[k++] = (uint32_t)ps->threads.s[i].key;
	qsort(nums, k, sizeof(*nums), cmp_u32);
	for (i = 0; i < k; i++) {
		struct slot *sl =
			map_get(&ps->threads, nums[i], NULL, 0, false, NULL);
		struct thr *t = (struct thr *)(uintptr_t)sl->v1;

		tbuild_thread(ps->b, nums[i], t->tid, t->parent,
			      t->create_stack, t->name);
	}
	free(nums);
	return 0;
}

int text_trace_parse(const char *text, size_t len, struct tbuild *out,
		     char *err, size_t errlen)
{
	struct parser ps;
	size_t pos = 0;
	int rc;

	memset(&ps, 0, sizeof(ps));
	if (errlen)
		err[0] = 0;
	ps.b = out;
	ps.err = err;
	ps.errlen = errlen;
	ps.start_ns = TEXT_START_NS;
	ps.next_site_stack = TEXT_SITE_STACK0;
	rc = tbuild_init(out, 0, 0, NULL, TEXT_START_NS, 0);
	if (rc)
		goto err_free;
	tbuild_module(out, TEXT_OBJ_BASE, TEXT_OBJ_BASE,
		      TEXT_OBJ_BASE + TEXT_OBJ_SIZE, NULL, 0, TEXT_OBJ_MODULE,
		      strlen(TEXT_OBJ_MODULE));
	tbuild_module(out, TEXT_SITE_BASE, TEXT_SITE_BASE,
		      TEXT_SITE_BASE + TEXT_SITE_SIZE, NULL, 0,
		      TEXT_SITE_MODULE, strlen(TEXT_SITE_MODULE));
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		ps.line++;
		if (memchr(text + pos, 0, end - pos)) {
			rc = perr(&ps, "NUL byte: this is not a text trace");
			goto err_free;
		}
		rc = parse_line(&ps, text + pos, end - pos);
		if (rc) {
			if (rc == -ENOMEM && errlen)
				snprintf(err, errlen, "out of memory");
			goto err_free;
		}
		if (out->err) {
			rc = out->err;
			goto err_free;
		}
		pos = end + 1;
	}
	rc = emit_threads(&ps);
	if (!rc)
		rc = tbuild_finish(out);
	if (rc)
		goto err_free;
	free_parser(&ps);
	return 0;

err_free:
	if (rc == -ENOMEM && errlen)
		snprintf(err, errlen, "out of memory");
	free_parser(&ps);
	tbuild_free(out);
	return rc;
}

int text_trace_plausible(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i, n = len < 4096 ? len : 4096, ctl = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == 0)
			return 0;
		if (p[i] < 0x20 && p[i] != '\n' && p[i] != '\t' && p[i] != '\r')
			ctl++;
	}
	return ctl * 20 <= n;
}

uint64_t text_trace_name_addr(const char *name, size_t len)
{
	return TEXT_OBJ_BASE + (fnv1a(name, len) % NAME_SPACE) * 64;
}
