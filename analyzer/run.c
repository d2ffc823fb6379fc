/* SPDX-License-Identifier: MIT */
/*
 * run.c - `coffman run`: check the --key=value options, put libcoffman.so in
 * LD_PRELOAD and COFFMAN_OPTIONS in the environment, and exec the program.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "options.h"

#define LIB_NAME "libcoffman.so"
#define ERR_MAX	 512
#define KEY_MAX	 64 /* > any valid key: a cut key stays invalid */

/* Debian's multiarch directory, for an install under <prefix>/lib/<triplet>. */
#ifndef COFFMAN_MULTIARCH
#if defined(__x86_64__) && defined(__ILP32__)
#define COFFMAN_MULTIARCH "x86_64-linux-gnux32"
#elif defined(__x86_64__)
#define COFFMAN_MULTIARCH "x86_64-linux-gnu"
#elif defined(__aarch64__)
#define COFFMAN_MULTIARCH "aarch64-linux-gnu"
#elif defined(__i386__)
#define COFFMAN_MULTIARCH "i386-linux-gnu"
#elif defined(__arm__) && defined(__ARM_PCS_VFP)
#define COFFMAN_MULTIARCH "arm-linux-gnueabihf"
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
#define COFFMAN_MULTIARCH "powerpc64le-linux-gnu"
#elif defined(__s390x__)
#define COFFMAN_MULTIARCH "s390x-linux-gnu"
#elif defined(__riscv) && defined(__LP64__)
#define COFFMAN_MULTIARCH "riscv64-linux-gnu"
#endif
#endif

/* Library locations relative to the directory holding the coffman binary. */
static const char *const exe_relative[] = {
	"lib/" LIB_NAME,    /* build tree: build/coffman, build/lib/ */
	"../lib/" LIB_NAME, /* install: <prefix>/bin, <prefix>/lib */
#ifdef COFFMAN_MULTIARCH
	"../lib/" COFFMAN_MULTIARCH "/" LIB_NAME,
#endif
};

struct option_help {
	const char *key;
	const char *arg;  /* placeholder after '=' */
	const char *text; /* one line; default in [brackets] */
};

/* Keys missing here still appear in --help, from options_keys[]. */
static const struct option_help option_help[] = {
	{ "log", "PATH", "text reports to PATH [stderr]" },
	{ "json", "PATH", "also write reports as JSON Lines to PATH" },
	{ "trace", "PATH", "record a trace to PATH for 'coffman analyze'" },
	{ "on_deadlock", "MODE",
	  "report|exit|abort|recover on a real deadlock [report]" },
	{ "exitcode", "N",
	  "exit status if an error was reported, 0..255 [66]" },
	{ "stack_depth", "N", "frames kept per stack, 1..64 [16]" },
	{ "identity", "MODE",
	  "instance|class: what counts as one lock [instance]" },
	{ "banker", "MODE",
	  "off|warn|avoid: Banker's algorithm on claims [off]" },
	{ "claims", "PATH", "resource claims for the banker" },
	{ "suppressions", "PATH", "reports to leave out" },
	{ "verbosity", "N",
	  "0 (quiet)..3 (chatty); 2 adds an exit summary [1]" },
	{ "watchdog_ms", "MS",
	  "all threads blocked this long is a deadlock [1000]" },
	{ "hold_wait_ms", "MS",
	  "holding a lock while waiting this long [1000]" },
	{ "starvation_ms", "MS",
	  "waiting this long for a lock is starvation [5000]" },
	{ "spin", "N",
	  "retries of a contended mutex or rwlock before it blocks [14]" },
};

static const char run_usage[] =
	"usage: coffman run [--key=value ...] [--] PROG [ARGS...]";

static const struct option_help *find_help(const char *key)
{
	for (size_t i = 0; i < sizeof(option_help) / sizeof(option_help[0]);
	     i++) {
		if (strcmp(option_help[i].key, key) == 0)
			return &option_help[i];
	}
	return NULL;
}

static void print_help(void)
{
	char left[KEY_MAX + 16];

	printf("%s\n\n"
	       "Run PROG with the deadlock detector libcoffman.so preloaded.\n"
	       "Each --key=value is checked, then passed on in COFFMAN_OPTIONS\n"
	       "after any options already there, so it wins. PROG's exit status\n"
	       "is returned unchanged.\n\n"
	       "Options [default]:\n",
	       run_usage);
	for (size_t i = 0; options_keys[i]; i++) {
		const struct option_help *h = find_help(options_keys[i]);

		snprintf(left, sizeof(left), "--%s=%s", options_keys[i],
			 h ? h->arg : "VALUE");
		printf("  %-20s %s\n", left, h ? h->text : "");
	}
	printf("  %-20s %s\n\n", "-h, --help", "show this help and exit");
	printf("MS is in milliseconds, 1..86400000. A value may not contain "
	       "':'.\n\n"
	       "Environment:\n"
	       "  COFFMAN_LIB      the libcoffman.so to preload [found next to "
	       "coffman]\n"
	       "  COFFMAN_OPTIONS  options to start from (key=value:...)\n"
	       "  LD_PRELOAD       kept, after libcoffman.so\n");
}

/* Check one "key=value" (the text after "--") as the runtime will see it. */
static bool check_option(struct coffman_options *o, const char *kv)
{
	const char *eq = strchr(kv, '=');
	size_t klen = eq ? (size_t)(eq - kv) : strlen(kv);
	char key[KEY_MAX];
	char err[ERR_MAX];

	if (klen >= sizeof(key))
		klen = sizeof(key) - 1;
	memcpy(key, kv, klen);
	key[klen] = '\0';
	/* options_set() takes a NULL value as "no '=' at all". */
	if (options_set(o, key, eq ? eq + 1 : NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "coffman run: %s\n", err);
		return false;
	}
	if (eq && strchr(eq + 1, ':')) {
		fprintf(stderr,
			"coffman run: value for %s may not contain ':' (it separates COFFMAN_OPTIONS items)\n",
			key);
		return false;
	}
	return true;
}

/* Append the "--key=value" arguments to COFFMAN_OPTIONS, after its own. */
static bool merge_options(char **opts, int n)
{
	const char *old = getenv("COFFMAN_OPTIONS");
	size_t len = old ? strlen(old) : 0;
	char *s, *p;
	int rc;

	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		len += 1 + strlen(opts[i] + 2);
	s = malloc(len + 1);
	if (!s) {
		fputs("coffman run: out of memory\n", stderr);
		return false;
	}
	p = s;
	if (old && *old)
		p = stpcpy(p, old);
	for (int i = 0; i < n; i++) {
		if (p != s)
			*p++ = ':';
		p = stpcpy(p, opts[i] + 2);
	}
	rc = setenv("COFFMAN_OPTIONS", s, 1);
	free(s);
	if (rc < 0) {
		fprintf(stderr, "coffman run: cannot set COFFMAN_OPTIONS: %s\n",
			strerror(errno));
		return false;
	}
	return true;
}

/* Canonical path of 'path' in out[PATH_MAX], if it is a readable file. */
static bool try_library(const char *path, char *out)
{
	struct stat st;

	return realpath(path, out) && stat(out, &st) == 0 &&
	       S_ISREG(st.st_mode) && access(out, R_OK) == 0;
}

/*
 * COFFMAN_LIB names the library (or its directory) and wins when set: a
 * wrong one is an error rather than a silent fallback to another build.
 */
static bool library_from_env(const char *env, char *out)
{
	char path[PATH_MAX + sizeof(LIB_NAME) + 1];
	struct stat st;

	if (stat(env, &st) < 0) {
		fprintf(stderr, "coffman run: COFFMAN_LIB=%s: %s\n", env,
			strerror(errno));
		return false;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(path, sizeof(path), "%s/%s", env, LIB_NAME);
		env = path;
	}
	if (!try_library(env, out)) {
		fprintf(stderr,
			"coffman run: COFFMAN_LIB: %s is not a readable file\n",
			env);
		return false;
	}
	return true;
}

/* Find libcoffman.so; its absolute path goes in out[PATH_MAX]. */
static bool find_library(char *out)
{
	const char *env = getenv("COFFMAN_LIB");
	char exe[PATH_MAX];
	char path[2 * PATH_MAX];
	ssize_t n;

	if (env && *env)
		return library_from_env(env, out);

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0;
		     i < sizeof(exe_relative) / sizeof(exe_relative[0]); i++) {
			snprintf(path, sizeof(path), "%s/%s", exe,
				 exe_relative[i]);
			if (try_library(path, out))
				return true;
		}
	} else {
		strcpy(exe, "the coffman binary");
	}
#ifdef COFFMAN_INSTALL_LIBDIR
	if (try_library(COFFMAN_INSTALL_LIBDIR "/" LIB_NAME, out))
		return true;
	fprintf(stderr,
		"coffman run: cannot find %s near %s or in %s; set COFFMAN_LIB to its path\n",
		LIB_NAME, exe, COFFMAN_INSTALL_LIBDIR);
#else
	fprintf(stderr,
		"coffman run: cannot find %s near %s; set COFFMAN_LIB to its path\n",
		LIB_NAME, exe);
#endif
	return false;
}

/* True if the LD_PRELOAD list (':' or ' ' separated) already loads lib. */
static bool preload_has(const char *list, const char *lib)
{
	char item[PATH_MAX], real[PATH_MAX];

	while (*list) {
		size_t n = strcspn(list, ": ");

		if (n > 0 && n < sizeof(item)) {
			memcpy(item, list, n);
			item[n] = '\0';
			if (strcmp(item, lib) == 0)
				return true;
			/* A bare name is searched for by ld.so, not in ".". */
			if (strchr(item, '/') && realpath(item, real) &&
			    strcmp(real, lib) == 0)
				return true;
		}
		list += n;
		if (*list)
			list++;
	}
	return false;
}

/* Put lib first in LD_PRELOAD, keeping what the user preloads after it. */
static bool set_preload(const char *lib)
{
	const char *old = getenv("LD_PRELOAD");
	char *s;
	int rc;

	if (!old || !*old) {
		rc = setenv("LD_PRELOAD", lib, 1);
	} else if (preload_has(old, lib)) {
		rc = 0;
	} else {
		if (asprintf(&s, "%s:%s", lib, old) < 0) {
			fputs("coffman run: out of memory\n", stderr);
			return false;
		}
		rc = setenv("LD_PRELOAD", s, 1);
		free(s);
	}
	if (rc < 0) {
		fprintf(stderr, "coffman run: cannot set LD_PRELOAD: %s\n",
			strerror(errno));
		return false;
	}
	return true;
}

/* Where execvp() would find prog: *path, or false if it would not. */
static bool locate(const char *prog, char *path, size_t size)
{
	const char *dirs = getenv("PATH"), *d;

	if (strchr(prog, '/'))
		return snprintf(path, size, "%s", prog) < (int)size;
	if (!dirs)
		dirs = "/bin:/usr/bin";
	for (d = dirs;; d += strcspn(d, ":") + 1) {
		int n = (int)strcspn(d, ":");

		if (snprintf(path, size, "%.*s%s%s", n, d, n ? "/" : "",
			     prog) < (int)size &&
		    access(path, X_OK) == 0)
			return true;
		if (!d[n])
			return false;
	}
}

/*
 * Can the loader preload the runtime into prog? Not into a statically
 * linked program (no dynamic loader runs), a program of the other ELF
 * class, or a set-user-ID or set-group-ID one that changes credentials
 * (the loader ignores LD_PRELOAD in secure mode). Says why on stderr and
 * returns false; true for anything else, scripts and files it cannot
 * read included (the exec reports those).
 */
static bool preloadable(const char *prog)
{
	char path[PATH_MAX];
	unsigned char ident[EI_NIDENT];
	struct stat st;
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	const char *why = NULL;
	int fd, i, interp = 0;

	if (!locate(prog, path, sizeof(path)))
		return true;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	if (fstat(fd, &st) == 0 &&
	    (((st.st_mode & S_ISUID) && st.st_uid != geteuid()) ||
	     ((st.st_mode & S_ISGID) && st.st_gid != getegid())))
		why = "is set-user-ID or set-group-ID: the loader ignores "
		      "LD_PRELOAD for it";
	if (!why && pread(fd, ident, sizeof(ident), 0) == sizeof(ident) &&
	    memcmp(ident, ELFMAG, SELFMAG) == 0) {
		if (ident[EI_CLASS] != (sizeof(void *) == 8 ? ELFCLASS64
							    : ELFCLASS32))
			why = sizeof(void *) == 8
				      ? "is a 32-bit program and the runtime "
					"is 64-bit"
				      : "is a 64-bit program and the runtime "
					"is 32-bit";
		else if (sizeof(void *) == 8 &&
			 pread(fd, &eh, sizeof(eh), 0) == sizeof(eh) &&
			 (eh.e_type == ET_EXEC || eh.e_type == ET_DYN) &&
			 eh.e_phentsize == sizeof(ph)) {
			for (i = 0; i < eh.e_phnum && !interp; i++) {
				if (pread(fd, &ph, sizeof(ph),
					  (off_t)(eh.e_phoff +
						  (uint64_t)i * sizeof(ph))) !=
				    sizeof(ph))
					break;
				interp = ph.p_type == PT_INTERP;
			}
			if (i == eh.e_phnum && !interp)
				why = "is statically linked: no dynamic "
				      "loader runs to preload the runtime";
		}
	}
	close(fd);
	if (!why)
		return true;
	fprintf(stderr, "coffman run: '%s' %s; nothing in it would be checked\n",
		path, why);
	return false;
}

int cmd_run(int argc, char **argv)
{
	struct coffman_options scratch;
	char lib[PATH_MAX];
	int first_opt = 1, end_opt, i, e;

	options_defaults(&scratch);
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (arg[0] != '-')
			break;
		if (strcmp(arg, "--") == 0)
			break;
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			print_help();
			return CMD_EXIT_CLEAN;
		}
		if (arg[1] != '-' || arg[2] == '\0') {
			fprintf(stderr,
				"coffman run: unknown flag '%s' (options are --key=value; see 'coffman run --help')\n",
				arg);
			return CMD_EXIT_USAGE;
		}
		if (!check_option(&scratch, arg + 2))
			return CMD_EXIT_USAGE;
	}
	end_opt = i;
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		fprintf(stderr, "coffman run: no program to run (%s)\n",
			run_usage);
		return CMD_EXIT_USAGE;
	}

	if (!find_library(lib))
		return CMD_EXIT_USAGE;
	if (!merge_options(argv + first_opt, end_opt - first_opt))
		return CMD_EXIT_USAGE;
	if (!set_preload(lib))
		return CMD_EXIT_USAGE;
	if (!preloadable(argv[i]))
		return CMD_EXIT_USAGE;

	execvp(argv[i], argv + i);
	e = errno;
	fprintf(stderr, "coffman run: cannot run '%s': %s\n", argv[i],
		strerror(e));
	/* The shell's convention: 126 found but not runnable, 127 not found. */
	return (e == EACCES || e == ENOEXEC) ? 126 : 127;
}
