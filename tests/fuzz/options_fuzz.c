/* SPDX-License-Identifier: MIT */
/*
 * options_fuzz.c - libFuzzer target for the COFFMAN_OPTIONS parser
 * (preload/engine/options.c): any string must be applied item by item,
 * each bad item with a one-line message, never a crash. options_parse()
 * must agree with options_set() called on the same items one by one (the
 * way `coffman run` and `coffman analyze` take --key=value), a rejected
 * item must leave the options as they were, every value stored must be in
 * its range, and a short error buffer must be cut, never overrun.
 *
 * Built by run_fuzz.sh with clang -fsanitize=fuzzer,address,undefined;
 * replayed over its corpus by fuzz_replay.c in the normal build.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ERR_MAX 512

/* One line for a terminal: no control characters, not empty. */
static void check_message(const char *msg, size_t size)
{
	size_t n = strnlen(msg, size);

	CHECK(n > 0 && n < size);
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)msg[i] >= 0x20 && msg[i] != 0x7f);
}

struct errs {
	int n;
};

static void on_error(void *ctx, const char *msg)
{
	struct errs *e = ctx;

	check_message(msg, ERR_MAX);
	e->n++;
}

static void check_ranges(const struct coffman_options *o)
{
	CHECK(memchr(o->log, 0, sizeof(o->log)));
	CHECK(memchr(o->json, 0, sizeof(o->json)));
	CHECK(memchr(o->trace, 0, sizeof(o->trace)));
	CHECK(memchr(o->claims, 0, sizeof(o->claims)));
	CHECK(memchr(o->suppressions, 0, sizeof(o->suppressions)));
	CHECK(o->on_deadlock >= ON_DEADLOCK_REPORT &&
	      o->on_deadlock <= ON_DEADLOCK_RECOVER);
	CHECK(o->exitcode >= 0 && o->exitcode <= 255);
	CHECK(o->stack_depth >= 1 && o->stack_depth <= 64);
	CHECK(o->identity == IDENTITY_INSTANCE ||
	      o->identity == IDENTITY_CLASS);
	CHECK(o->banker >= BANKER_OFF && o->banker <= BANKER_AVOID);
	CHECK(o->verbosity >= 0 && o->verbosity <= 3);
	CHECK(o->watchdog_ms >= 1 && o->hold_wait_ms >= 1 &&
	      o->starvation_ms >= 1);
	CHECK(o->spin >= 0 && o->spin <= 100000);
}

/*
 * The items of s one by one through options_set(), into *o; returns the
 * number rejected. s is cut in place.
 */
static int set_items(struct coffman_options *o, char *s, size_t cut)
{
	char err[ERR_MAX], small[8];
	int n_bad = 0;
	char *item, *next;

	for (item = s; item; item = next) {
		struct coffman_options before = *o;
		char *eq;
		int rc;

		next = strchr(item, ':');
		if (next)
			*next++ = 0;
		if (!*item)
			continue;
		eq = strchr(item, '=');
		if (eq)
			*eq = 0;
		memset(err, 'x', sizeof(err));
		rc = options_set(o, item, eq ? eq + 1 : NULL, err, sizeof(err));
		CHECK(rc == 0 || rc == -EINVAL);
		if (rc == 0) {
			CHECK(!err[0]);
			continue;
		}
		n_bad++;
		check_message(err, sizeof(err));
		CHECK(!memcmp(o, &before, sizeof(*o)));

		/* The same message cut to fit a smaller buffer. */
		memset(small, 'x', sizeof(small));
		CHECK(options_set(o, item, eq ? eq + 1 : NULL, small, cut) ==
		      -EINVAL);
		if (cut) {
			CHECK(memchr(small, 0, cut));
			CHECK(!strncmp(small, err, strlen(small)));
		}
		for (size_t i = cut; i < sizeof(small); i++)
			CHECK(small[i] == 'x');
		CHECK(!memcmp(o, &before, sizeof(*o)));
	}
	return n_bad;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct coffman_options a, b;
	struct errs e = { 0 };
	char *s = malloc(size + 1);
	int bad;

	if (!s)
		return 0;
	/* An environment string: it ends at the first NUL. */
	memcpy(s, data, size);
	s[size] = 0;

	options_defaults(&a);
	bad = options_parse(&a, s, on_error, &e);
	CHECK(bad >= 0 && bad == e.n);
	check_ranges(&a);

	options_defaults(&b);
	CHECK(set_items(&b, s, size % 9) == bad);
	CHECK(!memcmp(&a, &b, sizeof(a)));
	free(s);
	return 0;
}
