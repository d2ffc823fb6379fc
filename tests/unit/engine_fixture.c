/* SPDX-License-Identifier: MIT */
/* engine_fixture.c - engine set-up, event helpers and report capture. */
#include "engine_fixture.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "stackdepot.h"

static struct fx_report reports[FX_MAX_REPORTS];
static int n_reports;
static int n_fatal;
static int32_t next_tid = 1001;

static const char *const json_keys[] = { "kind",    "severity", "pid",
					 "message", "threads",	"objects",
					 "cycle",   "edges",	"sites",
					 NULL };

void fx_dump(void)
{
	int i;

	for (i = 0; i < n_reports; i++)
		fprintf(stderr, "---- report %d ----\n%s%s", i, reports[i].text,
			reports[i].json);
}

void fx_fail(const char *file, int line, const char *what, long long a,
	     long long b)
{
	fprintf(stderr, "%s:%d: %s failed: %lld != %lld\n", file, line, what, a,
		b);
	fx_dump();
	exit(1);
}

static char *copy_text(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (!p) {
		fprintf(stderr, "engine_fixture: out of memory\n");
		exit(1);
	}
	memcpy(p, s, len);
	p[len] = 0;
	return p;
}

static void fx_emit(const struct report *r, const char *text, size_t tlen,
		    const char *json, size_t jlen)
{
	struct fx_report *c;
	const char *why = NULL;

	if (n_reports >= FX_MAX_REPORTS) {
		fprintf(stderr, "engine_fixture: more than %d reports\n",
			FX_MAX_REPORTS);
		fx_dump();
		exit(1);
	}
	c = &reports[n_reports++];
	c->kind = r->kind;
	c->severity = r->severity;
	c->r = *r;
	c->text = copy_text(text, tlen);
	c->tlen = tlen;
	c->json = copy_text(json, jlen);
	c->jlen = jlen;
	/* Every report, in every test: text and one valid JSON line. */
	CHECK(tlen > 0 && strlen(text) == tlen);
	CHECK(jlen > 0 && strlen(json) == jlen);
	CHECK(memchr(json, '\n', jlen) == json + jlen - 1);
	if (fx_json_check(json, jlen, json_keys, &why) != 0) {
		fprintf(stderr, "engine_fixture: bad JSON (%s)\n", why);
		CHECK(0);
	}
}

static void fx_fatal(int action, int exitcode)
{
	(void)action;
	(void)exitcode;
	n_fatal++;
}

static uint32_t fx_capture(void)
{
	return 0; /* every event names its stack */
}

void fx_init_sym(report_symbolize_fn sym)
{
	struct coffman_options o;
	struct engine_hooks h;

	options_defaults(&o);
	/* The engine renders JSON only when a JSON file is configured; it
	 * never opens it (the front end does). */
	snprintf(o.json, sizeof(o.json), "%s", "unit-test.json");
	memset(&h, 0, sizeof(h));
	h.capture_stack = fx_capture;
	h.symbolize = sym;
	h.emit = fx_emit;
	h.fatal = fx_fatal;
	engine_init(&o, &h, 4242);
}

void fx_init(void)
{
	fx_init_sym(NULL);
}

struct eng_thread *fx_thread(void)
{
	int32_t tid = next_tid++;
	struct eng_thread *t =
		engine_thread_new(tid, 0, fx_stack(0xc000u + (unsigned)tid));

	CHECK(t != NULL);
	return t;
}

uint64_t fx_site_pc(unsigned site)
{
	return 0x401000ull + (uint64_t)site * 16;
}

uint32_t fx_stack(unsigned site)
{
	uint64_t pcs[3] = { fx_site_pc(site), 0x4a0000ull + (uint64_t)site * 16,
			    0x7f0000001234ull };
	uint32_t id = stackdepot_intern(pcs, 3);

	CHECK(id != 0);
	return id;
}

int fx_event(struct eng_thread *t, uint32_t op, uint32_t kind, uint32_t flags,
	     uint64_t addr, uint64_t arg, uint32_t stack)
{
	struct coffman_event ev;
	const uint64_t *pcs = NULL;

	memset(&ev, 0, sizeof(ev));
	ev.op = op;
	ev.kind = kind;
	ev.mode = MODE_EXCL;
	ev.flags = flags;
	ev.addr = addr;
	ev.arg = arg;
	ev.stack = stack;
	if (stack && stackdepot_get(stack, &pcs) > 0)
		ev.pc = pcs[0];
	return engine_event(t, &ev);
}

void fx_lock(struct eng_thread *t, uint64_t addr, uint32_t stack)
{
	fx_event(t, OP_ACQUIRED, KIND_MUTEX, 0, addr, 0, stack);
}

void fx_trylock(struct eng_thread *t, uint64_t addr, uint32_t stack)
{
	fx_event(t, OP_ACQUIRED, KIND_MUTEX, EVF_TRY, addr, 0, stack);
}

void fx_lock_type(struct eng_thread *t, uint64_t addr, uint32_t mtype,
		  uint32_t stack)
{
	fx_event(t, OP_ACQUIRED, KIND_MUTEX, EVF_TYPE_KNOWN, addr, mtype,
		 stack);
}

int fx_acquire(struct eng_thread *t, uint64_t addr, uint32_t flags,
	       uint32_t stack)
{
	return fx_event(t, OP_ACQUIRE, KIND_MUTEX, flags, addr, 0, stack);
}

void fx_unlock(struct eng_thread *t, uint64_t addr, uint32_t stack)
{
	fx_event(t, OP_RELEASE, KIND_MUTEX, 0, addr, 0, stack);
}

void fx_unlock_owner(struct eng_thread *t, uint64_t addr, int32_t owner_tid,
		     uint32_t stack)
{
	struct coffman_event ev;
	const uint64_t *pcs = NULL;

	memset(&ev, 0, sizeof(ev));
	ev.op = OP_RELEASE;
	ev.kind = KIND_MUTEX;
	ev.addr = addr;
	ev.stack = stack;
	ev.owner_tid = owner_tid;
	if (stack && stackdepot_get(stack, &pcs) > 0)
		ev.pc = pcs[0];
	engine_event(t, &ev);
}

void fx_init_mutex(struct eng_thread *t, uint64_t addr, uint32_t mtype,
		   uint32_t stack)
{
	fx_event(t, OP_INIT, KIND_MUTEX, EVF_TYPE_KNOWN, addr, mtype, stack);
}

void fx_destroy(struct eng_thread *t, uint64_t addr, uint32_t stack)
{
	fx_event(t, OP_DESTROY, KIND_MUTEX, 0, addr, 0, stack);
}

void fx_thread_exit(struct eng_thread *t, uint32_t stack)
{
	fx_event(t, OP_THREAD_EXIT, 0, 0, 0, 0, stack);
}

void fx_retire_range(struct eng_thread *t, uint64_t addr, uint64_t len)
{
	fx_event(t, OP_RETIRE_RANGE, 0, 0, addr, len, 0);
}

void fx_name(struct eng_thread *t, uint32_t kind, uint64_t addr,
	     const char *name)
{
	struct coffman_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.op = OP_NAME;
	ev.kind = kind;
	ev.addr = addr;
	ev.str = name;
	engine_event(t, &ev);
}

int fx_nreports(void)
{
	return n_reports;
}

const struct fx_report *fx_report(int i)
{
	if (i < 0 || i >= n_reports)
		fx_fail(__FILE__, __LINE__, "fx_report(i) exists", i,
			n_reports);
	return &reports[i];
}

int fx_fatal_calls(void)
{
	return n_fatal;
}

int fx_obj_by_addr(const struct report *r, uint64_t addr)
{
	int i;

	for (i = 0; i < r->nobjects; i++)
		if (r->objects[i].addr == addr)
			return i;
	return -1;
}

const struct rep_edge *fx_edge(const struct report *r, uint64_t from,
			       uint64_t to)
{
	int i;

	for (i = 0; i < r->nedges; i++) {
		const struct rep_edge *e = &r->edges[i];

		if (e->from >= 0 && e->from < r->nobjects && e->to >= 0 &&
		    e->to < r->nobjects && r->objects[e->from].addr == from &&
		    r->objects[e->to].addr == to)
			return e;
	}
	return NULL;
}

void fx_check_cycle_shape(const struct report *r)
{
	int i, n = r->ncycle;

	CHECK(n > 0);
	CHECK_EQ(r->nedges, n);
	for (i = 0; i < n; i++) {
		CHECK(r->cycle[i] >= 0 && r->cycle[i] < r->nobjects);
		CHECK_EQ(r->edges[i].from, r->cycle[i]);
		CHECK_EQ(r->edges[i].to, r->cycle[(i + 1) % n]);
	}
}

/* ---- a small JSON validator ---------------------------------------------- */

#define JSON_DEPTH_MAX 64
#define JSON_KEYS_MAX  32

struct jp {
	const char *s, *end;
	const char *why;
	int depth;
};

static int jfail(struct jp *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return -1;
}

static void jws(struct jp *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' ||
				 *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static bool jlit(struct jp *p, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, lit, n) != 0)
		return false;
	p->s += n;
	return true;
}

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

/* A string; decoded into out (ASCII, others as '?') when out is set. */
static int jstring(struct jp *p, char *out, size_t outlen)
{
	size_t n = 0;

	if (p->s >= p->end || *p->s != '"')
		return jfail(p, "expected a string");
	p->s++;
	while (p->s < p->end) {
		unsigned char c = (unsigned char)*p->s++;

		if (c == '"') {
			if (out && outlen)
				out[n] = 0;
			return 0;
		}
		if (c < 0x20)
			return jfail(p, "raw control character in a string");
		if (c == '\\') {
			int i, v = 0;

			if (p->s >= p->end)
				break;
			c = (unsigned char)*p->s++;
			switch (c) {
			case '"':
			case '\\':
			case '/':
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				if (p->end - p->s < 4)
					return jfail(p, "short \\u escape");
				for (i = 0; i < 4; i++) {
					int h = hexval(p->s[i]);

					if (h < 0)
						return jfail(p,
							     "bad \\u escape");
					v = v * 16 + h;
				}
				p->s += 4;
				c = v < 0x80 ? (unsigned char)v : '?';
				break;
			default:
				return jfail(p, "bad escape");
			}
		}
		if (out && n + 1 < outlen)
			out[n++] = (char)c;
	}
	return jfail(p, "unterminated string");
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int jnumber(struct jp *p)
{
	if (p->s < p->end && *p->s == '-')
		p->s++;
	if (p->s >= p->end || !is_digit(*p->s))
		return jfail(p, "bad number");
	if (*p->s == '0')
		p->s++;
	else
		while (p->s < p->end && is_digit(*p->s))
			p->s++;
	if (p->s < p->end && *p->s == '.') {
		p->s++;
		if (p->s >= p->end || !is_digit(*p->s))
			return jfail(p, "bad fraction");
		while (p->s < p->end && is_digit(*p->s))
			p->s++;
	}
	if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
		p->s++;
		if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
			p->s++;
		if (p->s >= p->end || !is_digit(*p->s))
			return jfail(p, "bad exponent");
		while (p->s < p->end && is_digit(*p->s))
			p->s++;
	}
	return 0;
}

static int jvalue(struct jp *p, const char *const *keys, bool *found);

/* An object; at the top level (found set) note which keys[] appear. */
static int jobject(struct jp *p, const char *const *keys, bool *found)
{
	char key[64];
	int i;

	p->s++; /* '{' */
	jws(p);
	if (p->s < p->end && *p->s == '}') {
		p->s++;
		return 0;
	}
	for (;;) {
		jws(p);
		if (jstring(p, key, sizeof(key)))
			return -1;
		for (i = 0; found && keys[i]; i++)
			if (!strcmp(key, keys[i]))
				found[i] = true;
		jws(p);
		if (p->s >= p->end || *p->s != ':')
			return jfail(p, "expected ':'");
		p->s++;
		if (jvalue(p, NULL, NULL))
			return -1;
		jws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == '}') {
			p->s++;
			return 0;
		}
		return jfail(p, "expected ',' or '}' in an object");
	}
}

static int jarray(struct jp *p)
{
	p->s++; /* '[' */
	jws(p);
	if (p->s < p->end && *p->s == ']') {
		p->s++;
		return 0;
	}
	for (;;) {
		if (jvalue(p, NULL, NULL))
			return -1;
		jws(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			continue;
		}
		if (p->s < p->end && *p->s == ']') {
			p->s++;
			return 0;
		}
		return jfail(p, "expected ',' or ']' in an array");
	}
}

static int jvalue(struct jp *p, const char *const *keys, bool *found)
{
	int rc;

	jws(p);
	if (p->s >= p->end)
		return jfail(p, "unexpected end");
	if (++p->depth > JSON_DEPTH_MAX)
		return jfail(p, "nested too deep");
	switch (*p->s) {
	case '{':
		rc = jobject(p, keys, found);
		break;
	case '[':
		rc = jarray(p);
		break;
	case '"':
		rc = jstring(p, NULL, 0);
		break;
	case 't':
		rc = jlit(p, "true") ? 0 : jfail(p, "bad literal");
		break;
	case 'f':
		rc = jlit(p, "false") ? 0 : jfail(p, "bad literal");
		break;
	case 'n':
		rc = jlit(p, "null") ? 0 : jfail(p, "bad literal");
		break;
	default:
		rc = jnumber(p);
		break;
	}
	p->depth--;
	return rc;
}

int fx_json_check(const char *s, size_t len, const char *const *keys,
		  const char **why)
{
	static const char *const none[] = { NULL };
	struct jp p = { s, s + len, NULL, 0 };
	bool found[JSON_KEYS_MAX];
	int i;

	memset(found, 0, sizeof(found));
	if (!keys)
		keys = none;
	for (i = 0; keys[i]; i++)
		if (i + 1 >= JSON_KEYS_MAX) {
			*why = "too many keys asked for";
			return -1;
		}
	jws(&p);
	if (p.s >= p.end || *p.s != '{') {
		*why = "not an object";
		return -1;
	}
	if (jvalue(&p, keys, found)) {
		*why = p.why;
		return -1;
	}
	jws(&p);
	if (p.s != p.end) {
		*why = "text after the object";
		return -1;
	}
	for (i = 0; keys[i]; i++)
		if (!found[i]) {
			*why = keys[i];
			return -1;
		}
	return 0;
}
