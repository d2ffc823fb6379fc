/* SPDX-License-Identifier: MIT */
/*
 * options.c - validate COFFMAN_OPTIONS items and store them in a struct
 * coffman_options, describing each rejected item in the caller's buffer.
 */
#include "options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "quote.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define MS_MIN	 1
#define MS_MAX	 86400000 /* one day */
#define MSG_MAX	 512	  /* fits the longest message, the unknown-key one */

enum opt_key {
	K_LOG,
	K_JSON,
	K_TRACE,
	K_ON_DEADLOCK,
	K_EXITCODE,
	K_STACK_DEPTH,
	K_IDENTITY,
	K_BANKER,
	K_CLAIMS,
	K_SUPPRESSIONS,
	K_VERBOSITY,
	K_WATCHDOG_MS,
	K_HOLD_WAIT_MS,
	K_STARVATION_MS,
	K_SPIN,
	K_COUNT
};

const char *const options_keys[] = {
	[K_LOG] = "log",
	[K_JSON] = "json",
	[K_TRACE] = "trace",
	[K_ON_DEADLOCK] = "on_deadlock",
	[K_EXITCODE] = "exitcode",
	[K_STACK_DEPTH] = "stack_depth",
	[K_IDENTITY] = "identity",
	[K_BANKER] = "banker",
	[K_CLAIMS] = "claims",
	[K_SUPPRESSIONS] = "suppressions",
	[K_VERBOSITY] = "verbosity",
	[K_WATCHDOG_MS] = "watchdog_ms",
	[K_HOLD_WAIT_MS] = "hold_wait_ms",
	[K_STARVATION_MS] = "starvation_ms",
	[K_SPIN] = "spin",
	[K_COUNT] = NULL,
};

_Static_assert(ARRAY_SIZE(options_keys) == K_COUNT + 1,
	       "options_keys[] needs one name per key and a NULL");

/* Enum spellings: the value stored is the index of the name. */
static const char *const on_deadlock_names[] = {
	[ON_DEADLOCK_REPORT] = "report",
	[ON_DEADLOCK_EXIT] = "exit",
	[ON_DEADLOCK_ABORT] = "abort",
	[ON_DEADLOCK_RECOVER] = "recover",
	NULL,
};

static const char *const identity_names[] = {
	[IDENTITY_INSTANCE] = "instance",
	[IDENTITY_CLASS] = "class",
	NULL,
};

static const char *const banker_names[] = {
	[BANKER_OFF] = "off",
	[BANKER_WARN] = "warn",
	[BANKER_AVOID] = "avoid",
	NULL,
};

enum opt_type {
	T_PATH, /* char[OPT_PATH_MAX]; "" restores the default */
	T_INT,	/* int, decimal digits only */
	T_ENUM, /* int, one of names[] */
};

struct opt_desc {
	enum opt_type type;
	size_t offset;		  /* of the field in struct coffman_options */
	int min, max;		  /* T_INT: inclusive range */
	const char *const *names; /* T_ENUM: NULL-terminated spellings */
};

#define FIELD(f) offsetof(struct coffman_options, f)
/* One line each: clang-format would spread the braces over four. */
/* clang-format off */
#define PATH_OPT(f)	   { T_PATH, FIELD(f), 0, 0, NULL }
#define INT_OPT(f, lo, hi) { T_INT, FIELD(f), (lo), (hi), NULL }
#define ENUM_OPT(f, n)	   { T_ENUM, FIELD(f), 0, 0, (n) }
/* clang-format on */

static const struct opt_desc descs[K_COUNT] = {
	[K_LOG] = PATH_OPT(log),
	[K_JSON] = PATH_OPT(json),
	[K_TRACE] = PATH_OPT(trace),
	[K_ON_DEADLOCK] = ENUM_OPT(on_deadlock, on_deadlock_names),
	[K_EXITCODE] = INT_OPT(exitcode, 0, 255),
	[K_STACK_DEPTH] = INT_OPT(stack_depth, 1, 64),
	[K_IDENTITY] = ENUM_OPT(identity, identity_names),
	[K_BANKER] = ENUM_OPT(banker, banker_names),
	[K_CLAIMS] = PATH_OPT(claims),
	[K_SUPPRESSIONS] = PATH_OPT(suppressions),
	[K_VERBOSITY] = INT_OPT(verbosity, 0, 3),
	[K_WATCHDOG_MS] = INT_OPT(watchdog_ms, MS_MIN, MS_MAX),
	[K_HOLD_WAIT_MS] = INT_OPT(hold_wait_ms, MS_MIN, MS_MAX),
	[K_STARVATION_MS] = INT_OPT(starvation_ms, MS_MIN, MS_MAX),
	[K_SPIN] = INT_OPT(spin, 0, 1000),
};

/* A message built in the caller's buffer: it truncates, never overflows. */
struct msg {
	char *buf;  /* NULL when the caller wants no message */
	size_t len; /* size of buf */
	size_t pos; /* bytes written so far, <= len - 1 */
};

static void msg_add(struct msg *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void msg_add(struct msg *m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!m->buf || m->pos + 1 >= m->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(m->buf + m->pos, m->len - m->pos, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	m->pos += (size_t)n;
	if (m->pos >= m->len)
		m->pos = m->len - 1;
}

/*
 * Quote a caller's string of length n, cut short so one line stays one
 * line. Bytes other than printable ASCII are shown as \xNN: the string
 * comes from the environment, and a newline or an escape sequence in it
 * must not reach the log as such (quote.h).
 */
static void msg_quote(struct msg *m, const char *s, size_t n)
{
	char shown[QUOTE_BUF];

	msg_add(m, "%s", quote_bytes(s, n, shown));
}

static void msg_list(struct msg *m, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		msg_add(m, "%s%s", i ? ", " : "", names[i]);
}

static void *field(struct coffman_options *o, const struct opt_desc *d)
{
	return (char *)o + d->offset;
}

static int find_key(const char *key, size_t klen)
{
	for (int k = 0; k < K_COUNT; k++) {
		if (strlen(options_keys[k]) == klen &&
		    memcmp(options_keys[k], key, klen) == 0)
			return k;
	}
	return -1;
}

/*
 * Decimal digits only: no sign, no blanks, no 0x. Stops as soon as the
 * value passes max, so it cannot overflow however many digits follow.
 */
static bool parse_int(const char *s, size_t n, int min, int max, int *out)
{
	long long v = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
		if (v > max)
			return false;
	}
	if (v < min)
		return false;
	*out = (int)v;
	return true;
}

static int parse_enum(const char *s, size_t n, const char *const *names)
{
	for (int i = 0; names[i]; i++) {
		if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
			return i;
	}
	return -1;
}

/*
 * options_set() on a key and value given by length, so options_parse() can
 * work in place on the environment string. value == NULL: no '=' was given.
 */
static int set_n(struct coffman_options *o, const char *key, size_t klen,
		 const char *value, size_t vlen, struct msg *m)
{
	const struct opt_desc *d;
	const char *name;
	int k, v;

	k = find_key(key, klen);
	if (k < 0) {
		msg_add(m, "unknown option ");
		msg_quote(m, key, klen);
		msg_add(m, " (valid: ");
		msg_list(m, options_keys);
		msg_add(m, ")");
		return -EINVAL;
	}
	d = &descs[k];
	name = options_keys[k];

	/* An empty path means "back to the default"; elsewhere it is a slip. */
	if (!value || (vlen == 0 && d->type != T_PATH)) {
		msg_add(m, "option '%s' needs a value", name);
		return -EINVAL;
	}

	switch (d->type) {
	case T_PATH:
		if (vlen >= OPT_PATH_MAX) {
			msg_add(m,
				"value for %s is too long (%zu bytes, max %d)",
				name, vlen, OPT_PATH_MAX - 1);
			return -EINVAL;
		}
		memcpy(field(o, d), value, vlen);
		((char *)field(o, d))[vlen] = '\0';
		return 0;
	case T_INT:
		if (!parse_int(value, vlen, d->min, d->max, &v)) {
			msg_add(m, "bad value ");
			msg_quote(m, value, vlen);
			msg_add(m, " for %s (valid: %d..%d)", name, d->min,
				d->max);
			return -EINVAL;
		}
		*(int *)field(o, d) = v;
		return 0;
	case T_ENUM:
		v = parse_enum(value, vlen, d->names);
		if (v < 0) {
			msg_add(m, "bad value ");
			msg_quote(m, value, vlen);
			msg_add(m, " for %s (valid: ", name);
			msg_list(m, d->names);
			msg_add(m, ")");
			return -EINVAL;
		}
		*(int *)field(o, d) = v;
		return 0;
	}
	return -EINVAL;
}

void options_defaults(struct coffman_options *o)
{
	memset(o, 0, sizeof(*o));
	o->on_deadlock = ON_DEADLOCK_REPORT;
	o->exitcode = 66;
	o->stack_depth = 16;
	o->identity = IDENTITY_INSTANCE;
	o->banker = BANKER_OFF;
	o->verbosity = 1;
	o->watchdog_ms = 1000;
	o->hold_wait_ms = 1000;
	o->starvation_ms = 5000;
	o->spin = 14;
}

int options_set(struct coffman_options *o, const char *key, const char *value,
		char *errbuf, size_t errlen)
{
	struct msg m = { errbuf, errlen, 0 };

	if (errbuf && errlen)
		errbuf[0] = '\0';
	return set_n(o, key, strlen(key), value, value ? strlen(value) : 0, &m);
}

int options_parse(struct coffman_options *o, const char *s,
		  void (*err)(void *ctx, const char *msg), void *ctx)
{
	char buf[MSG_MAX];
	int n_bad = 0;

	if (!s)
		return 0;
	while (*s) {
		const char *end = strchr(s, ':');
		const char *eq;
		size_t n;

		if (!end)
			end = s + strlen(s);
		n = (size_t)(end - s);
		if (n) {
			struct msg m = { buf, sizeof(buf), 0 };
			int rc;

			buf[0] = '\0';
			/* The first '=' ends the key: a path may hold more. */
			eq = memchr(s, '=', n);
			if (eq)
				rc = set_n(o, s, (size_t)(eq - s), eq + 1,
					   (size_t)(end - eq - 1), &m);
			else
				rc = set_n(o, s, n, NULL, 0, &m);
			if (rc < 0) {
				n_bad++;
				if (err)
					err(ctx, buf);
			}
		}
		s = *end ? end + 1 : end;
	}
	return n_bad;
}
