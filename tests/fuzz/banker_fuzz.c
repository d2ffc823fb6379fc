/* SPDX-License-Identifier: MIT */
/*
 * banker_fuzz.c - libFuzzer target for the `coffman banker` input parser
 * (analyzer/banker.c) and the algorithm behind it: any bytes must give a
 * state or a line-numbered error, never a crash; a parsed state must be
 * valid, and every request verdict must keep it so. A state that parses is
 * also run through the whole command (text and JSON, with --explain), its
 * output thrown away, for the printing code.
 *
 * Build (clang): the parser, the engine's banker.c and this file, e.g.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE \
 *     -Ianalyzer -Ipreload/engine tests/fuzz/banker_fuzz.c \
 *     analyzer/banker.c preload/engine/banker.c -o banker_fuzz
 *   ./banker_fuzz -max_len=4096 tests/analyzer/banker
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "banker.h"
#include "banker_parse.h"
#include "commands.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A claimed safe sequence really is one: every thread once, in order. */
static void check_sequence(struct banker *b, const uint32_t *seq, uint32_t n)
{
	uint32_t m = b->n_resources;
	uint64_t *work = calloc(m ? m : 1, sizeof(*work));
	char *seen = calloc(b->n_threads ? b->n_threads : 1, 1);

	CHECK(work && seen);
	CHECK(n == b->n_threads);
	for (uint32_t r = 0; r < m; r++)
		work[r] = b->available[r];
	for (uint32_t i = 0; i < n; i++) {
		uint32_t t = seq[i];

		CHECK(t < b->n_threads && !seen[t]);
		seen[t] = 1;
		for (uint32_t r = 0; r < m; r++) {
			CHECK(banker_need(b, t, r) <= work[r]);
			work[r] += b->allocation[(size_t)t * m + r];
		}
	}
	free(work);
	free(seen);
}

/* `coffman banker --explain FLAG FILE` on the input, through a memfd. */
static void run_command(const uint8_t *data, size_t size, const char *flag)
{
	static int fd = -1;
	char path[64], explain[] = "--explain", name[] = "banker";
	char flag_buf[16];
	char *argv[] = { name, explain, flag_buf, path, NULL };

	if (fd < 0) {
		/* The command prints to stdout: keep the fuzzer's clean. */
		CHECK(freopen("/dev/null", "w", stdout));
		fd = memfd_create("banker_fuzz", 0);
		CHECK(fd >= 0);
	}
	CHECK(ftruncate(fd, 0) == 0);
	CHECK(pwrite(fd, data, size, 0) == (ssize_t)size);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	snprintf(flag_buf, sizeof(flag_buf), "%s", flag);
	CHECK(cmd_banker(4, argv) <= CMD_EXIT_FOUND);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct banker_file bf;
	struct banker_file_error err;
	struct banker_result res;
	uint32_t *seq;
	uint32_t n;
	int rc;

	rc = banker_file_parse((const char *)data, size, &bf, &err);
	if (rc < 0) {
		CHECK(err.line >= 1);
		CHECK(memchr(err.msg, '\0', sizeof(err.msg)) != NULL);
		CHECK(!strchr(err.msg, '\n'));
		return 0;
	}
	CHECK(banker_valid(&bf.state));
	CHECK(bf.n_threads >= 1 && bf.n_threads <= BANKER_FILE_THREADS_MAX);
	seq = calloc(bf.n_threads, sizeof(*seq));
	CHECK(seq);
	if (banker_is_safe(&bf.state, seq, &n, NULL, NULL))
		check_sequence(&bf.state, seq, n);
	for (uint32_t i = 0; i < bf.n_requests; i++) {
		const struct banker_file_request *rq = &bf.request[i];

		CHECK(rq->thread < bf.n_threads);
		if (banker_request(&bf.state, rq->thread, rq->units, seq, &res,
				   NULL, NULL) == BANKER_GRANTED)
			check_sequence(&bf.state, seq, res.n_finished);
		CHECK(banker_valid(&bf.state));
	}
	free(seq);
	banker_file_free(&bf);
	run_command(data, size, "--json");
	run_command(data, size, "--");
	return 0;
}
