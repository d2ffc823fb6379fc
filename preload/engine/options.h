/* SPDX-License-Identifier: MIT */
/*
 * options.h - COFFMAN_OPTIONS parsing ("key=value:key=value"), shared by the
 * runtime (which reads the environment) and `coffman run` (which validates
 * --key=value before exec). Pure: no allocation, no I/O.
 */
#ifndef COFFMAN_OPTIONS_H
#define COFFMAN_OPTIONS_H

#include <stddef.h>

#define OPT_PATH_MAX 512

enum opt_on_deadlock {
	ON_DEADLOCK_REPORT = 0,
	ON_DEADLOCK_EXIT,
	ON_DEADLOCK_ABORT,
	ON_DEADLOCK_RECOVER,
};

enum opt_identity {
	IDENTITY_INSTANCE = 0,
	IDENTITY_CLASS,
};

enum opt_banker {
	BANKER_OFF = 0,
	BANKER_WARN,
	BANKER_AVOID,
};

struct coffman_options {
	char log[OPT_PATH_MAX];		 /* text reports; "" = stderr */
	char json[OPT_PATH_MAX];	 /* JSON Lines; "" = none */
	char trace[OPT_PATH_MAX];	 /* trace file; "" = none */
	char claims[OPT_PATH_MAX];	 /* claims file; "" = none */
	char suppressions[OPT_PATH_MAX]; /* suppressions file; "" = none */
	int on_deadlock;		 /* enum opt_on_deadlock */
	int exitcode;			 /* exit status after an error, 0..255 */
	int stack_depth;		 /* frames per stack, 1..64 */
	int identity;			 /* enum opt_identity */
	int banker;			 /* enum opt_banker */
	int verbosity;			 /* 0 quiet .. 3 chatty */
	int watchdog_ms;		 /* all-threads-blocked delay */
	int hold_wait_ms;		 /* hold-and-wait threshold */
	int starvation_ms;		 /* starvation threshold */
	int spin;			 /* retries of a contended lock
					    before its wait is recorded */
};

/* Fill *o with the documented defaults. */
void options_defaults(struct coffman_options *o);

/*
 * Set one option. Returns 0, or -EINVAL with a one-line message in errbuf
 * naming the problem and the valid choices (unknown key, bad value, path too
 * long). *o is unchanged on error.
 */
int options_set(struct coffman_options *o, const char *key, const char *value,
		char *errbuf, size_t errlen);

/*
 * Parse "key=value:key=value..." (empty items are skipped). Each bad item is
 * passed to err(ctx, message) and skipped; the good ones are applied.
 * Returns the number of bad items.
 */
int options_parse(struct coffman_options *o, const char *s,
		  void (*err)(void *ctx, const char *msg), void *ctx);

/* The list of valid keys, for --help: NULL-terminated. */
extern const char *const options_keys[];

#endif /* COFFMAN_OPTIONS_H */
