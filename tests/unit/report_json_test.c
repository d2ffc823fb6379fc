/* SPDX-License-Identifier: MIT */
/*
 * unit.report_json: a report's JSON rendering is one line holding one JSON
 * object with the documented keys, whose cycle and edges match the report,
 * and whose strings escape quotes, backslashes and control characters
 * (object and thread names set with coffman_name, symbolised frames).
 */
#include <stdio.h>
#include <string.h>

#include "engine_fixture.h"

#define A 0xb0040ull
#define B 0xb0080ull

static const char obj_name[] = "q\"uo\\te\tx";
static const char obj_json[] = "\"name\":\"q\\\"uo\\\\te\\u0009x\"";
static const char thr_name[] = "w\"k\\r";
static const char thr_json[] = "\"name\":\"w\\\"k\\\\r\"";
static const char fn_json[] = "\"function\":\"fn\\\"<x>\\\\y\"";

static int sym(uint64_t pc, struct coffman_frame *f)
{
	snprintf(f->function, sizeof(f->function), "%s", "fn\"<x>\\y");
	snprintf(f->file, sizeof(f->file), "%s", "dir\\file.c");
	snprintf(f->module, sizeof(f->module), "%s", "/lib/m\nod.so");
	f->line = 7;
	f->offset = pc & 0xfff;
	return 1;
}

static int json_check(const char *s, const char *const *keys)
{
	const char *why = NULL;

	return fx_json_check(s, strlen(s), keys, &why);
}

static void expect_in(const char *hay, const char *needle)
{
	if (!strstr(hay, needle)) {
		fprintf(stderr, "missing in JSON: %s\n", needle);
		CHECK(0);
	}
}

int main(void)
{
	static const char *const keys[] = { "kind",    "severity", "pid",
					    "threads", "objects",  "cycle",
					    "edges",   "message",  "coffman",
					    NULL };
	static const char *const bogus[] = { "kind", "no_such_key", NULL };
	struct eng_thread *t1, *t2;
	const struct fx_report *fr;
	const struct report *r;
	const char *why = NULL;
	char want[256];
	int ai, bi;

	fx_init_sym(sym);
	t1 = fx_thread();
	t2 = fx_thread();

	/* The validator itself: must accept and must reject. */
	CHECK_EQ(json_check("{\"a\":[1,-2.5e3,true,null,\"\\u0041\"]}\n", NULL),
		 0);
	CHECK_EQ(json_check("{\"a\":1", NULL), -1);
	CHECK_EQ(json_check("{\"a\":\"x\"y\"}", NULL), -1);
	CHECK_EQ(json_check("{\"a\":\"\\q\"}", NULL), -1);
	CHECK_EQ(json_check("{\"a\":\"\t\"}", NULL), -1);
	CHECK_EQ(json_check("{}{}", NULL), -1);
	CHECK_EQ(json_check("{\"kind\":1}", bogus), -1);

	fx_lock(t1, A, fx_stack(1));
	fx_name(t1, KIND_MUTEX, A, obj_name);
	fx_name(t1, KIND_THREAD, 0, thr_name);
	fx_lock(t1, B, fx_stack(2));
	fx_unlock(t1, B, fx_stack(3));
	fx_unlock(t1, A, fx_stack(4));
	fx_lock(t2, B, fx_stack(5));
	fx_lock(t2, A, fx_stack(6));
	fx_unlock(t2, A, fx_stack(7));
	fx_unlock(t2, B, fx_stack(8));
	CHECK_EQ(fx_nreports(), 1);
	fr = fx_report(0);
	r = &fr->r;
	CHECK_EQ(fr->kind, REP_LOCK_ORDER_INVERSION);
	ai = fx_obj_by_addr(r, A);
	bi = fx_obj_by_addr(r, B);
	CHECK(ai >= 0 && bi >= 0);
	CHECK(!strcmp(r->objects[ai].name, obj_name));

	/* One line, one object, the documented keys. */
	CHECK(fr->jlen > 2);
	CHECK_EQ(strlen(fr->json), fr->jlen);
	CHECK(fr->json[0] == '{');
	CHECK(memchr(fr->json, '\n', fr->jlen) == fr->json + fr->jlen - 1);
	why = NULL;
	if (fx_json_check(fr->json, fr->jlen, keys, &why)) {
		fprintf(stderr, "JSON rejected: %s\n", why);
		CHECK(0);
	}

	/* Values. */
	expect_in(fr->json, "\"kind\":\"lock-order-inversion\"");
	expect_in(fr->json, "\"severity\":\"error\"");
	expect_in(fr->json, "\"pid\":4242");
	snprintf(want, sizeof(want), "\"cycle\":[%llu,%llu]",
		 (unsigned long long)r->objects[ai].id,
		 (unsigned long long)r->objects[bi].id);
	expect_in(fr->json, want);
	snprintf(want, sizeof(want),
		 "{\"thread\":1,\"held\":%llu,\"acquired\":%llu,",
		 (unsigned long long)r->objects[ai].id,
		 (unsigned long long)r->objects[bi].id);
	expect_in(fr->json, want);
	snprintf(want, sizeof(want),
		 "{\"thread\":2,\"held\":%llu,\"acquired\":%llu,",
		 (unsigned long long)r->objects[bi].id,
		 (unsigned long long)r->objects[ai].id);
	expect_in(fr->json, want);
	/* Edge stacks are rendered as frames. */
	snprintf(want, sizeof(want), "\"held_stack\":[{\"pc\":\"0x%llx\"",
		 (unsigned long long)fx_site_pc(1));
	expect_in(fr->json, want);
	snprintf(want, sizeof(want), "\"acquired_stack\":[{\"pc\":\"0x%llx\"",
		 (unsigned long long)fx_site_pc(6));
	expect_in(fr->json, want);

	/* Escaping. */
	expect_in(fr->json, obj_json);
	expect_in(fr->json, thr_json);
	expect_in(fr->json, fn_json);
	expect_in(fr->json, "\"file\":\"dir\\\\file.c\"");
	expect_in(fr->json, "\"module\":\"/lib/m\\u000aod.so\"");
	CHECK(strstr(fr->json, obj_name) == NULL); /* never raw */

	/* The text rendering carries the same finding. */
	CHECK(strstr(fr->text, "lock-order-inversion (error)") != NULL);
	return 0;
}
