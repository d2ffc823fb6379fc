/* SPDX-License-Identifier: MIT */
/*
 * symbolize_test.c - preload/stack.c and preload/symbolize.c built straight
 * into this program, without engine or preload: a return address resolves
 * to its exact function, file and line, and stack_capture() leaves out
 * "our" frames, which here are the whole executable's.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stack.h"
#include "symbolize.h"

#define MAX_PCS 64

static int failures;

/* Keep going after a failure so one run shows every broken property. */
#define CHECK(cond)                                                            \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, \
				__LINE__, #cond);                              \
			failures++;                                            \
		}                                                              \
	} while (0)

struct site {
	uint64_t pc;	/* return address into known_caller() */
	int line;	/* line of the call that produced pc */
	int after_call; /* set on the line after the call */
};

struct capture {
	uint64_t ra;	       /* comparator's return address, into libc */
	uint64_t pcs[MAX_PCS]; /* what stack_capture() stored */
	int n;		       /* its result; 0 until the first comparison */
};

static const int not_code = 42; /* an address in data, never "ours" */
static char exe_path[PATH_MAX]; /* this program, from /proc/self/exe */

static __attribute__((noinline)) void record_return_address(struct site *s)
{
	s->pc = (uint64_t)(uintptr_t)__builtin_return_address(0);
}

/*
 * The code after the call belongs to the next line, so only pc - 1 (the
 * call instruction) resolves to s->line.
 */
static __attribute__((noinline)) void known_caller(struct site *s)
{
	s->line = __LINE__ + 1;
	record_return_address(s);
	s->after_call = 1;
}

#ifdef COFFMAN_HAVE_LIBDWFL_H
static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}
#endif

static void print_frame(const char *what, uint64_t pc)
{
	struct coffman_frame f;
	int rc = symbolize_pc(pc, &f);

	fprintf(stderr, "  %s %#llx rc=%d %s+%#llx %s %s:%d\n", what,
		(unsigned long long)pc, rc, f.module,
		(unsigned long long)f.offset, f.function, f.file, f.line);
}

static void check_file_line(void)
{
	struct coffman_frame f;
	struct site s;
	Dl_info info;
	int before = failures;

	known_caller(&s);
	CHECK(symbolize_pc(s.pc, &f) == 0);
	CHECK(f.pc == s.pc);
	CHECK(strcmp(f.module, exe_path) == 0);
	CHECK(dladdr((void *)(uintptr_t)s.pc, &info) != 0);
	CHECK(f.offset == s.pc - (uintptr_t)info.dli_fbase);

#ifdef COFFMAN_HAVE_LIBDWFL_H
	CHECK(strstr(f.function, "known_caller") != NULL);
	CHECK(ends_with(f.file, "/symbolize_test.c") ||
	      strcmp(f.file, "symbolize_test.c") == 0);
	CHECK(f.line == s.line);
#else
	printf("built without elfutils/libdwfl.h: file:line not checked\n");
#endif
	if (failures != before) {
		fprintf(stderr, "  expected known_caller at line %d\n", s.line);
		print_frame("got", s.pc);
	}

	/* Reset drops the cached maps; the next lookup reads them again. */
	symbolize_reset();
	CHECK(symbolize_pc(s.pc, &f) == 0 && strcmp(f.module, exe_path) == 0);
}

static void check_unmapped(void)
{
	struct coffman_frame f;

	CHECK(symbolize_pc(0, &f) == -ENOENT && f.pc == 0);
	/* Kernel half of the address space: in no module, ever. */
	CHECK(symbolize_pc(UINT64_MAX - 4095, &f) == -ENOENT);
	CHECK(f.pc == UINT64_MAX - 4095 && !f.module[0] && !f.function[0]);
}

/*
 * A qsort_r() comparator runs below libc frames as a wrapper runs below the
 * program: the capture must start at libc's call into "us".
 */
static int compare_and_capture(const void *a, const void *b, void *arg)
{
	struct capture *c = arg;

	if (!c->n) {
		c->ra = (uint64_t)(uintptr_t)__builtin_return_address(0);
		c->n = stack_capture(c->pcs, MAX_PCS);
	}
	return *(const int *)a - *(const int *)b;
}

static void check_capture(void)
{
	struct coffman_frame f;
	struct capture c = { 0 };
	int v[2] = { 2, 1 };
	int before = failures;

	qsort_r(v, 2, sizeof(v[0]), compare_and_capture, &c);
	CHECK(c.n > 0 && c.n <= MAX_PCS);
	CHECK(c.n > 0 && c.pcs[0] == c.ra);
	for (int i = 0; i < c.n; i++)
		CHECK(!stack_pc_is_ours(c.pcs[i]));
	/* libc, or a sanitizer's qsort_r interceptor: not this program. */
	CHECK(c.n > 0 && symbolize_pc(c.pcs[0], &f) == 0 && f.module[0] &&
	      strcmp(f.module, exe_path) != 0);
	if (failures != before) {
		print_frame("ra ", c.ra);
		for (int i = 0; i < c.n; i++)
			print_frame("pc ", c.pcs[i]);
	}
}

static void check_ours(void)
{
	struct capture c = { 0 };
	int v[2] = { 2, 1 };
	struct site s;

	known_caller(&s);
	qsort_r(v, 2, sizeof(v[0]), compare_and_capture, &c);
	CHECK(stack_pc_is_ours(s.pc));
	CHECK(!stack_pc_is_ours(c.ra));
	CHECK(!stack_pc_is_ours((uintptr_t)&not_code));
	CHECK(!stack_pc_is_ours(0));
}

static void *thread_main(void *arg)
{
	(void)arg;
	check_capture();
	check_file_line();
	return NULL;
}

int main(void)
{
	uint64_t pcs[MAX_PCS];
	pthread_t t;
	ssize_t len;

	len = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
	CHECK(len > 0);
	exe_path[len > 0 ? len : 0] = '\0';

	/* Until stack_init() our text is unknown: capture nothing. */
	CHECK(stack_capture(pcs, MAX_PCS) == 0);
	stack_init();
	stack_init();

	CHECK(stack_capture(pcs, 0) == 0);
	check_ours();
	check_file_line();
	check_unmapped();
	check_capture();

	/* Other threads' stacks have other bounds and unwinder caches. */
	CHECK(pthread_create(&t, NULL, thread_main, NULL) == 0);
	CHECK(pthread_join(t, NULL) == 0);

	if (failures) {
		fprintf(stderr, "symbolize_test: %d check(s) failed\n",
			failures);
		return 1;
	}
	return 0;
}
