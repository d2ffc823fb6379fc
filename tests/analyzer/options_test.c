/* SPDX-License-Identifier: MIT */
/*
 * options_test.c - the COFFMAN_OPTIONS parser: defaults, every key, the
 * messages for bad input, and that a rejected item changes nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

#include "unit_check.h"

#define VALID_KEYS                                                         \
	"log, json, trace, on_deadlock, exitcode, stack_depth, identity, " \
	"banker, claims, suppressions, verbosity, watchdog_ms, "           \
	"hold_wait_ms, starvation_ms, spin"

static char err[512];

/* options_set() on fresh defaults; the message lands in err. */
static int set(struct coffman_options *o, const char *key, const char *value)
{
	options_defaults(o);
	return options_set(o, key, value, err, sizeof(err));
}

/* Must fail with exactly 'msg' and leave the options at their defaults. */
static void check_rejected(const char *key, const char *value, const char *msg,
			   int line)
{
	struct coffman_options o, def;

	options_defaults(&def);
	strcpy(err, "untouched");
	if (set(&o, key, value) != -EINVAL) {
		fprintf(stderr, "%s:%d: %s=%s accepted\n", __FILE__, line, key,
			value ? value : "(null)");
		n_failed++;
		return;
	}
	if (msg && strcmp(err, msg) != 0) {
		fprintf(stderr, "%s:%d: message \"%s\", want \"%s\"\n",
			__FILE__, line, err, msg);
		n_failed++;
	}
	if (memcmp(&o, &def, sizeof(o)) != 0) {
		fprintf(stderr, "%s:%d: %s=%s changed the options\n", __FILE__,
			line, key, value ? value : "(null)");
		n_failed++;
	}
}

#define REJECT(key, value, msg) check_rejected(key, value, msg, __LINE__)

static void test_defaults(void)
{
	struct coffman_options o;

	memset(&o, 0x5a, sizeof(o));
	options_defaults(&o);
	CHECK_STR(o.log, "");
	CHECK_STR(o.json, "");
	CHECK_STR(o.trace, "");
	CHECK_STR(o.claims, "");
	CHECK_STR(o.suppressions, "");
	CHECK_INT(o.on_deadlock, ON_DEADLOCK_REPORT);
	CHECK_INT(o.exitcode, 66);
	CHECK_INT(o.stack_depth, 16);
	CHECK_INT(o.identity, IDENTITY_INSTANCE);
	CHECK_INT(o.banker, BANKER_OFF);
	CHECK_INT(o.verbosity, 1);
	CHECK_INT(o.watchdog_ms, 1000);
	CHECK_INT(o.hold_wait_ms, 1000);
	CHECK_INT(o.starvation_ms, 5000);
	CHECK_INT(o.spin, 14);
}

static void test_keys_list(void)
{
	static const char *const want[] = {
		"log",		"json",		 "trace",     "on_deadlock",
		"exitcode",	"stack_depth",	 "identity",  "banker",
		"claims",	"suppressions",	 "verbosity", "watchdog_ms",
		"hold_wait_ms", "starvation_ms", "spin",
	};
	struct coffman_options o;
	size_t n;

	for (n = 0; options_keys[n]; n++) {
		CHECK(n < sizeof(want) / sizeof(want[0]));
		if (n < sizeof(want) / sizeof(want[0]))
			CHECK_STR(options_keys[n], want[n]);
		/* Each listed key is known: at worst its value is wrong. */
		set(&o, options_keys[n], "1");
		CHECK(strncmp(err, "unknown option", 14) != 0);
	}
	CHECK_INT(n, sizeof(want) / sizeof(want[0]));
}

static void test_paths(void)
{
	static const char *const keys[] = { "log", "json", "trace", "claims",
					    "suppressions" };
	char long_path[OPT_PATH_MAX + 1];
	struct coffman_options o;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *got;

		CHECK_INT(set(&o, keys[i], "/tmp/a=b=c.txt"), 0);
		got = i == 0   ? o.log
		      : i == 1 ? o.json
		      : i == 2 ? o.trace
		      : i == 3 ? o.claims
			       : o.suppressions;
		CHECK_STR(got, "/tmp/a=b=c.txt");
	}

	/* "" puts a path back to its default. */
	options_defaults(&o);
	CHECK_INT(options_set(&o, "log", "/x", err, sizeof(err)), 0);
	CHECK_INT(options_set(&o, "log", "", err, sizeof(err)), 0);
	CHECK_STR(o.log, "");

	memset(long_path, 'p', sizeof(long_path));
	long_path[OPT_PATH_MAX - 1] = '\0';
	CHECK_INT(set(&o, "trace", long_path), 0);
	CHECK_INT(strlen(o.trace), OPT_PATH_MAX - 1);
	long_path[OPT_PATH_MAX - 1] = 'p';
	long_path[OPT_PATH_MAX] = '\0';
	REJECT("trace", long_path,
	       "value for trace is too long (512 bytes, max 511)");
}

static void test_enums(void)
{
	struct coffman_options o;

	CHECK_INT(set(&o, "on_deadlock", "report"), 0);
	CHECK_INT(o.on_deadlock, ON_DEADLOCK_REPORT);
	CHECK_INT(set(&o, "on_deadlock", "exit"), 0);
	CHECK_INT(o.on_deadlock, ON_DEADLOCK_EXIT);
	CHECK_INT(set(&o, "on_deadlock", "abort"), 0);
	CHECK_INT(o.on_deadlock, ON_DEADLOCK_ABORT);
	CHECK_INT(set(&o, "on_deadlock", "recover"), 0);
	CHECK_INT(o.on_deadlock, ON_DEADLOCK_RECOVER);
	CHECK_INT(set(&o, "identity", "class"), 0);
	CHECK_INT(o.identity, IDENTITY_CLASS);
	CHECK_INT(set(&o, "identity", "instance"), 0);
	CHECK_INT(o.identity, IDENTITY_INSTANCE);
	CHECK_INT(set(&o, "banker", "off"), 0);
	CHECK_INT(o.banker, BANKER_OFF);
	CHECK_INT(set(&o, "banker", "warn"), 0);
	CHECK_INT(o.banker, BANKER_WARN);
	CHECK_INT(set(&o, "banker", "avoid"), 0);
	CHECK_INT(o.banker, BANKER_AVOID);

	REJECT("on_deadlock", "x",
	       "bad value 'x' for on_deadlock (valid: report, exit, abort, recover)");
	REJECT("on_deadlock", "Report",
	       "bad value 'Report' for on_deadlock (valid: report, exit, abort, recover)");
	REJECT("on_deadlock", "reportx",
	       "bad value 'reportx' for on_deadlock (valid: report, exit, abort, recover)");
	REJECT("on_deadlock", "repor",
	       "bad value 'repor' for on_deadlock (valid: report, exit, abort, recover)");
	REJECT("identity", "both",
	       "bad value 'both' for identity (valid: instance, class)");
	REJECT("banker", "on",
	       "bad value 'on' for banker (valid: off, warn, avoid)");
	REJECT("banker", "", "option 'banker' needs a value");
}

static void test_ints(void)
{
	static const struct {
		const char *key;
		int min, max;
	} ranges[] = {
		{ "exitcode", 0, 255 },
		{ "stack_depth", 1, 64 },
		{ "verbosity", 0, 3 },
		{ "watchdog_ms", 1, 86400000 },
		{ "hold_wait_ms", 1, 86400000 },
		{ "starvation_ms", 1, 86400000 },
		{ "spin", 0, 1000 },
	};
	struct coffman_options o;
	char val[32], msg[128];

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		const char *key = ranges[i].key;
		int *field = !strcmp(key, "exitcode")	    ? &o.exitcode
			     : !strcmp(key, "stack_depth")  ? &o.stack_depth
			     : !strcmp(key, "verbosity")    ? &o.verbosity
			     : !strcmp(key, "watchdog_ms")  ? &o.watchdog_ms
			     : !strcmp(key, "hold_wait_ms") ? &o.hold_wait_ms
			     : !strcmp(key, "spin")	    ? &o.spin
							    : &o.starvation_ms;

		snprintf(val, sizeof(val), "%d", ranges[i].min);
		CHECK_INT(set(&o, key, val), 0);
		CHECK_INT(*field, ranges[i].min);
		snprintf(val, sizeof(val), "%d", ranges[i].max);
		CHECK_INT(set(&o, key, val), 0);
		CHECK_INT(*field, ranges[i].max);

		snprintf(val, sizeof(val), "%d", ranges[i].max + 1);
		snprintf(msg, sizeof(msg),
			 "bad value '%s' for %s (valid: %d..%d)", val, key,
			 ranges[i].min, ranges[i].max);
		REJECT(key, val, msg);
		if (ranges[i].min > 0) {
			snprintf(val, sizeof(val), "%d", ranges[i].min - 1);
			snprintf(msg, sizeof(msg),
				 "bad value '%s' for %s (valid: %d..%d)", val,
				 key, ranges[i].min, ranges[i].max);
			REJECT(key, val, msg);
		}
		snprintf(msg, sizeof(msg), "option '%s' needs a value", key);
		REJECT(key, "", msg);
		REJECT(key, NULL, msg);
	}

	CHECK_INT(set(&o, "exitcode", "007"), 0); /* decimal, not octal */
	CHECK_INT(o.exitcode, 7);
	REJECT("exitcode", "300",
	       "bad value '300' for exitcode (valid: 0..255)");
	REJECT("exitcode", "-1", "bad value '-1' for exitcode (valid: 0..255)");
	REJECT("exitcode", "+1", "bad value '+1' for exitcode (valid: 0..255)");
	REJECT("exitcode", " 1", "bad value ' 1' for exitcode (valid: 0..255)");
	REJECT("exitcode", "1 ", "bad value '1 ' for exitcode (valid: 0..255)");
	REJECT("exitcode", "0x10",
	       "bad value '0x10' for exitcode (valid: 0..255)");
	REJECT("exitcode", "12abc",
	       "bad value '12abc' for exitcode (valid: 0..255)");
	REJECT("exitcode", "1.5",
	       "bad value '1.5' for exitcode (valid: 0..255)");
	/* Past int, long and long long: must not wrap into range. */
	REJECT("watchdog_ms", "4294968296",
	       "bad value '4294968296' for watchdog_ms (valid: 1..86400000)");
	REJECT("exitcode", "18446744073709551617",
	       "bad value '18446744073709551617' for exitcode (valid: 0..255)");
	REJECT("exitcode", "00000000000000000000000000000000000000042x", NULL);
	CHECK_INT(set(&o, "exitcode",
		      "00000000000000000000000000000000000000000042"),
		  0);
	CHECK_INT(o.exitcode, 42);
}

static void test_unknown(void)
{
	char big[200];

	REJECT("foo", "1", "unknown option 'foo' (valid: " VALID_KEYS ")");
	REJECT("", "1", "unknown option '' (valid: " VALID_KEYS ")");
	REJECT("LOG", "x", "unknown option 'LOG' (valid: " VALID_KEYS ")");
	REJECT("log ", "x", "unknown option 'log ' (valid: " VALID_KEYS ")");
	REJECT("exit", "1", "unknown option 'exit' (valid: " VALID_KEYS ")");
	REJECT("foo", NULL, "unknown option 'foo' (valid: " VALID_KEYS ")");
	REJECT("log", NULL, "option 'log' needs a value");

	/* A long key is quoted cut short, still on one line. */
	memset(big, 'k', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	REJECT(big, "1", NULL);
	CHECK(strstr(err, "kkk...' (valid: ") != NULL);
	CHECK(strchr(err, '\n') == NULL);

	/* Control bytes are shown escaped: the message stays one line. */
	REJECT("a\nb", "1", "unknown option 'a\\x0ab' (valid: " VALID_KEYS ")");
	REJECT("exitcode", "1\r\x1b[2J",
	       "bad value '1\\x0d\\x1b[2J' for exitcode (valid: 0..255)");
	memset(big, '\n', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	REJECT(big, "1", NULL);
	CHECK(strstr(err, "'\\x0a\\x0a") != NULL);
	CHECK(strstr(err, "\\x0a...' (valid: ") != NULL);
	CHECK(strlen(err) < 256); /* the runtime keeps 255 bytes of each */
}

static void test_errbuf(void)
{
	struct coffman_options o;
	char small[8];

	options_defaults(&o);
	CHECK_INT(options_set(&o, "foo", "1", NULL, 0), -EINVAL);
	CHECK_INT(options_set(&o, "foo", "1", small, 0), -EINVAL);
	memset(small, 'x', sizeof(small));
	CHECK_INT(options_set(&o, "foo", "1", small, sizeof(small)), -EINVAL);
	CHECK_STR(small, "unknown");
	/* Success leaves an empty message, not a stale one. */
	strcpy(err, "stale");
	CHECK_INT(options_set(&o, "log", "x", err, sizeof(err)), 0);
	CHECK_STR(err, "");
}

struct errs {
	int n;
	char msg[4][512];
};

static void collect(void *ctx, const char *msg)
{
	struct errs *e = ctx;

	if (e->n < 4)
		snprintf(e->msg[e->n], sizeof(e->msg[0]), "%s", msg);
	e->n++;
}

static void test_parse(void)
{
	struct coffman_options o;
	struct errs e;

	memset(&e, 0, sizeof(e));
	options_defaults(&o);
	CHECK_INT(options_parse(&o, NULL, collect, &e), 0);
	CHECK_INT(options_parse(&o, "", collect, &e), 0);
	CHECK_INT(options_parse(&o, ":::", collect, &e), 0);
	CHECK_INT(e.n, 0);

	CHECK_INT(options_parse(&o,
				"log=/tmp/a=b:json=/j:exitcode=3::verbosity=0:"
				"banker=avoid:exitcode=4",
				collect, &e),
		  0);
	CHECK_INT(e.n, 0);
	CHECK_STR(o.log, "/tmp/a=b");
	CHECK_STR(o.json, "/j");
	CHECK_INT(o.exitcode, 4); /* the later item wins */
	CHECK_INT(o.verbosity, 0);
	CHECK_INT(o.banker, BANKER_AVOID);

	/* Bad items are reported one by one; the good ones still apply. */
	options_defaults(&o);
	memset(&e, 0, sizeof(e));
	CHECK_INT(options_parse(&o,
				"foo=1:exitcode=300:log:stack_depth=8:=x:"
				"trace=t",
				collect, &e),
		  4);
	CHECK_INT(e.n, 4);
	CHECK_STR(e.msg[0], "unknown option 'foo' (valid: " VALID_KEYS ")");
	CHECK_STR(e.msg[1], "bad value '300' for exitcode (valid: 0..255)");
	CHECK_STR(e.msg[2], "option 'log' needs a value");
	CHECK_STR(e.msg[3], "unknown option '' (valid: " VALID_KEYS ")");
	CHECK_INT(o.exitcode, 66);
	CHECK_INT(o.stack_depth, 8);
	CHECK_STR(o.trace, "t");
	CHECK_STR(o.log, "");

	/* No callback: still counted, still skipped. */
	options_defaults(&o);
	CHECK_INT(
		options_parse(&o, "verbosity=9:verbosity=2:bogus", NULL, NULL),
		2);
	CHECK_INT(o.verbosity, 2);

	/* An item's value ends at ':' even right after '='. */
	options_defaults(&o);
	memset(&e, 0, sizeof(e));
	CHECK_INT(options_parse(&o, "exitcode=:log=", collect, &e), 1);
	CHECK_STR(e.msg[0], "option 'exitcode' needs a value");
	CHECK_STR(o.log, "");
}

int main(void)
{
	test_defaults();
	test_keys_list();
	test_paths();
	test_enums();
	test_ints();
	test_unknown();
	test_errbuf();
	test_parse();
	if (n_failed) {
		fprintf(stderr, "options_test: %d check(s) failed\n", n_failed);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}
