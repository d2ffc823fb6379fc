/* SPDX-License-Identifier: MIT */
/*
 * claims_unit_test.c - the engine's claims and Banker's checks alone
 * (banker=warn), fed events directly: the textbook's five threads and
 * three resources as semaphores of 10, 5 and 7 units, claims-file rules
 * matched by thread-name globs and bound by object names, claim-exceeded,
 * and line-numbered errors for a bad claims file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "engine.h"
#include "event.h"
#include "options.h"
#include "report.h"
#include "stackdepot.h"

#define MAX_REPORTS 32

static struct report reports[MAX_REPORTS];
static char texts[MAX_REPORTS][8192];
static int n_reports;

#define CHECK_EQ(a, b)                                                      \
	do {                                                                \
		long long a_ = (long long)(a), b_ = (long long)(b);         \
		if (a_ != b_) {                                             \
			fprintf(stderr, "%s:%d: %s == %s: %lld != %lld\n",  \
				__FILE__, __LINE__, #a, #b, a_, b_);        \
			for (int k_ = 0; k_ < n_reports; k_++)              \
				fputs(texts[k_], stderr);                   \
			exit(1);                                            \
		}                                                           \
	} while (0)

static void emit(const struct report *r, const char *text, size_t tlen,
		 const char *json, size_t jlen)
{
	(void)json;
	(void)jlen;
	if (n_reports < MAX_REPORTS) {
		reports[n_reports] = *r;
		snprintf(texts[n_reports], sizeof(texts[0]), "%.*s", (int)tlen,
			 text);
		n_reports++;
	}
}

static uint32_t no_stack(void)
{
	return 0;
}

static int ev(struct eng_thread *t, uint32_t op, uint32_t kind,
	      uint32_t flags, uint64_t addr, uint64_t arg, unsigned site,
	      const char *str)
{
	struct coffman_event e;
	uint64_t pc = 0x401000ull + site * 16;

	memset(&e, 0, sizeof(e));
	e.op = op;
	e.kind = kind;
	e.flags = flags;
	e.addr = addr;
	e.arg = arg;
	e.pc = pc;
	e.stack = stackdepot_intern(&pc, 1);
	e.str = str;
	return engine_event(t, &e);
}

static void take(struct eng_thread *t, uint32_t kind, uint64_t addr,
		 unsigned site)
{
	ev(t, OP_ACQUIRED, kind, 0, addr, 0, site, NULL);
}

static void give(struct eng_thread *t, uint32_t kind, uint64_t addr)
{
	ev(t, OP_RELEASE, kind, 0, addr, 0, 99, NULL);
}

static int count_kind(int kind)
{
	int i, n = 0;

	for (i = 0; i < n_reports; i++)
		n += reports[i].kind == kind;
	return n;
}

/* The textbook: resources A, B, C of 10, 5 and 7 units. */
static void textbook(void)
{
	static const uint32_t max[5][3] = {
		{ 7, 5, 3 }, { 3, 2, 2 }, { 9, 0, 2 }, { 2, 2, 2 }, { 4, 3, 3 }
	};
	static const uint32_t alloc[5][3] = {
		{ 0, 1, 0 }, { 2, 0, 0 }, { 3, 0, 2 }, { 2, 1, 1 }, { 0, 0, 2 }
	};
	static const uint32_t total[3] = { 10, 5, 7 };
	const uint64_t res[3] = { 0x10000, 0x10040, 0x10080 };
	struct eng_thread *p[5];
	const struct rep_banker *bk;
	int i, r;
	uint32_t u;

	for (i = 0; i < 5; i++)
		p[i] = engine_thread_new(100 + i, 0, 0);
	for (r = 0; r < 3; r++)
		ev(p[0], OP_INIT, KIND_SEM, EVF_TYPE_KNOWN, res[r], total[r], 1,
		   NULL);
	for (i = 0; i < 5; i++)
		for (r = 0; r < 3; r++)
			CHECK_EQ(ev(p[i], OP_CLAIM, KIND_NONE, 0, res[r],
				    max[i][r], 2, NULL),
				 0);
	/* Building the textbook's allocation unit by unit never leaves a
	 * safe state: each step is the final state with units given back. */
	for (i = 0; i < 5; i++)
		for (r = 0; r < 3; r++)
			for (u = 0; u < alloc[i][r]; u++)
				take(p[i], KIND_SEM, res[r], 3);
	CHECK_EQ(n_reports, 0);
	/* P1 asks for (1, 0, 2): granted, still safe. */
	take(p[1], KIND_SEM, res[0], 4);
	take(p[1], KIND_SEM, res[2], 4);
	take(p[1], KIND_SEM, res[2], 4);
	CHECK_EQ(n_reports, 0);
	/* P0 then asks for (0, 2, 0): the second unit of B is the grant the
	 * textbook denies as unsafe. */
	take(p[0], KIND_SEM, res[1], 5);
	CHECK_EQ(n_reports, 0);
	take(p[0], KIND_SEM, res[1], 6);
	CHECK_EQ(n_reports, 1);
	CHECK_EQ(reports[0].kind, REP_UNSAFE_STATE);
	CHECK_EQ(reports[0].severity, SEV_WARNING);
	bk = &reports[0].banker;
	CHECK_EQ(bk->nthreads, 5);
	CHECK_EQ(bk->nres, 3);
	CHECK_EQ(bk->thread[bk->req_row], p[0]->num);
	CHECK_EQ(bk->req_units, 1);
	CHECK_EQ(reports[0].objects[bk->object[bk->req_col]].addr, res[1]);
	/* Before that second unit: Available (2, 2, 0), P0 holds (0, 2, 0). */
	for (r = 0; r < 3; r++) {
		uint64_t a = reports[0].objects[bk->object[r]].addr;
		int k = a == res[0] ? 0 : a == res[1] ? 1 : 2;

		CHECK_EQ(bk->total[r], total[k]);
		CHECK_EQ(bk->available[r], k == 0 ? 2 : k == 1 ? 2 : 0);
		CHECK_EQ(bk->max[bk->req_row][r], max[0][k]);
		CHECK_EQ(bk->alloc[bk->req_row][r], k == 1 ? 2 : 0);
	}
	CHECK_EQ(strstr(texts[0], "Allocation") != NULL, 1);
	/* Still unsafe: no second report for the same finding. */
	take(p[0], KIND_SEM, res[0], 7);
	CHECK_EQ(n_reports, 1);
	/* Everyone gives everything back: safe again, quietly. */
	for (i = 0; i < 5; i++)
		while (p[i]->depth)
			give(p[i], KIND_SEM,
			     p[i]->held[p[i]->depth - 1].addr);
	for (i = 0; i < 5; i++)
		ev(p[i], OP_THREAD_EXIT, KIND_NONE, 0, 0, 0, 8, NULL);
	CHECK_EQ(n_reports, 1);
}

/* Rules from a file, matched by globs, objects bound by their names. */
static void rules(void)
{
	const uint64_t fork_addr[3] = { 0x20000, 0x20040, 0x20080 };
	const char *fork_name[3] = { "forks[0]", "forks[1]", "forks[2]" };
	struct eng_thread *p[3], *other;
	char name[16];
	int i, before = n_reports;

	for (i = 0; i < 3; i++) {
		p[i] = engine_thread_new(200 + i, 0, 0);
		snprintf(name, sizeof(name), "philo-%d", i);
		ev(p[i], OP_NAME, KIND_THREAD, 0, 0, 0, 10, name);
		CHECK_EQ(p[i]->bk_row != 0, 1);
	}
	other = engine_thread_new(210, 0, 0);
	ev(other, OP_NAME, KIND_THREAD, 0, 0, 0, 10, "worker");
	CHECK_EQ(other->bk_row, 0);
	/* The objects get their names at their first use, as in a text
	 * trace; then everyone holds the left fork. */
	for (i = 0; i < 3; i++) {
		ev(p[i], OP_NAME, KIND_MUTEX, 0, fork_addr[i], 0, 11,
		   fork_name[i]);
		take(p[i], KIND_MUTEX, fork_addr[i], 12);
	}
	CHECK_EQ(n_reports, before + 1);
	CHECK_EQ(reports[before].kind, REP_UNSAFE_STATE);
	CHECK_EQ(reports[before].banker.nthreads, 3);
	/* the forks, and sem:/pool of the other file, not seen yet */
	CHECK_EQ(reports[before].banker.nres, 4);
	/* A thread without claims takes what it likes: not the banker's. */
	give(p[0], KIND_MUTEX, fork_addr[0]);
	take(other, KIND_MUTEX, fork_addr[0], 13);
	give(other, KIND_MUTEX, fork_addr[0]);
	CHECK_EQ(n_reports, before + 1);
	/* philo-1 takes forks[0], which only others claim: exceeded. With
	 * its claim raised to match, it now holds forks[0] and forks[1] and
	 * waits for forks[2], while philo-2 holds forks[2] and needs
	 * forks[0]: unsafe as well. */
	take(p[1], KIND_MUTEX, fork_addr[0], 14);
	CHECK_EQ(n_reports, before + 3);
	CHECK_EQ(reports[before + 1].kind, REP_CLAIM_EXCEEDED);
	CHECK_EQ(reports[before + 1].severity, SEV_ERROR);
	CHECK_EQ(reports[before + 2].kind, REP_UNSAFE_STATE);
	give(p[1], KIND_MUTEX, fork_addr[0]);
	for (i = 0; i < 3; i++)
		ev(p[i], OP_THREAD_EXIT, KIND_NONE, 0, 0, 0, 8, NULL);
}

static int n_errors;
static char errors[8][256];

static void bad_line(void *ctx, const char *msg)
{
	(void)ctx;
	if (n_errors < 8)
		snprintf(errors[n_errors], sizeof(errors[0]), "%s", msg);
	n_errors++;
}

int main(void)
{
	static const char good[] =
		"# THREADS  OBJECT    MAX\n"
		"philo-[20] forks[0]  1\n"
		"philo-[01] forks[1]  1   # a comment\n"
		"philo-[12] forks[002] 1\n"
		"\n";
	static const char bad[] =
		"philo-* forks[0]\n"	  /* 1: two fields */
		"philo-* 9lives 1\n"	  /* 2: bad object */
		"philo-* forks[0] zero\n" /* 3: bad maximum */
		"philo-* forks[0] 0\n"	  /* 4: 0 units */
		"philo-* sem:/pool 2\n"	  /* 5: fine */
		"philo-* forks[x] 1\n";	  /* 6: bad index */
	struct coffman_options o;
	struct engine_hooks h;

	options_defaults(&o);
	o.banker = BANKER_WARN;
	memset(&h, 0, sizeof(h));
	h.capture_stack = no_stack;
	h.emit = emit;
	engine_init(&o, &h, 4242);

	CHECK_EQ(claims_load(bad, strlen(bad), "c.txt", bad_line, NULL), 5);
	CHECK_EQ(n_errors, 5);
	CHECK_EQ(strncmp(errors[0], "claims c.txt:1: ", 16), 0);
	CHECK_EQ(strncmp(errors[1], "claims c.txt:2: bad object", 26), 0);
	CHECK_EQ(strncmp(errors[2], "claims c.txt:3: bad maximum", 27), 0);
	CHECK_EQ(strncmp(errors[3], "claims c.txt:4: bad maximum", 27), 0);
	CHECK_EQ(strncmp(errors[4], "claims c.txt:6: bad object", 26), 0);
	CHECK_EQ(claims_want_sem_names(), 1);
	CHECK_EQ(claims_load(good, strlen(good), "g.txt", bad_line, NULL), 0);

	textbook();
	rules();
	CHECK_EQ(count_kind(REP_UNSAFE_STATE), 3);
	CHECK_EQ(count_kind(REP_CLAIM_EXCEEDED), 1);
	printf("ok: %d reports\n", n_reports);
	return 0;
}
