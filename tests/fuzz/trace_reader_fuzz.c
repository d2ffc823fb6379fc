/* SPDX-License-Identifier: MIT */
/*
 * trace_reader_fuzz.c - libFuzzer target for the binary trace reader
 * (preload/engine/trace_read.c): any bytes give a reader or a one-line
 * "offset N: ..." error, never a crash or a read outside the buffer. A
 * trace that opens is read through: every event in sequence order, and
 * every record an event names.
 *
 * Built by run_fuzz.sh with clang -fsanitize=fuzzer,address,undefined;
 * replayed over its corpus by fuzz_replay.c in the normal build.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "event.h"
#include "trace_read.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/*
 * Make every block's checksum right, so that mutations get past it into
 * the record walk (random bytes almost never pass a CRC-32).
 */
static void fix_checksums(uint8_t *buf, size_t size)
{
	size_t off = sizeof(struct coffman_trace_header);

	if (size >= 16 && le32(buf + 12) > off && le32(buf + 12) < size)
		off = le32(buf + 12);
	while (off + 16 <= size) {
		uint32_t len = le32(buf + off + 4), crc;

		if (len > size - off - 16)
			return;
		crc = crc32_ieee(0, buf + off + 16, len);
		buf[off + 8] = (uint8_t)crc;
		buf[off + 9] = (uint8_t)(crc >> 8);
		buf[off + 10] = (uint8_t)(crc >> 16);
		buf[off + 11] = (uint8_t)(crc >> 24);
		off += 16 + (size_t)len;
	}
}

static void read_all(uint8_t *buf, size_t size)
{
	char err[TRACE_MSG_MAX];
	struct trace_reader r;
	struct trace_ev ev;
	uint64_t n = 0, last = 0;
	size_t i;
	int rc;

	rc = trace_open_mem(&r, buf, size, err, sizeof(err));
	if (rc) {
		/* one line that says where */
		CHECK(!strncmp(err, "offset ", 7) ||
		      !strcmp(err, "out of memory"));
		CHECK(!strchr(err, '\n'));
		return;
	}
	CHECK(r.good_end <= size);
	CHECK(!r.warning[0] || !strncmp(r.warning, "offset ", 7));
	while (trace_next_event(&r, &ev)) {
		const struct trace_stack_rec *s =
			trace_find_stack(&r, ev.stack);
		const struct trace_string_rec *str =
			trace_find_string(&r, ev.str);
		const struct trace_thread_rec *t =
			trace_find_thread(&r, ev.thread);

		CHECK(ev.seq >= last); /* sequence order */
		last = ev.seq;
		/* inside the buffer: a whole event record, or a compact
		 * event of at least its tag (a count of releases is the
		 * tag alone) */
		CHECK(ev.offset + (ev.flags & EVF_TOP ? 1 : 2) <= size);
		if (s)
			for (uint32_t k = 0; k < s->n; k++)
				(void)trace_stack_pc(s, k);
		if (str && str->len) {
			/* the last byte is inside the buffer */
			volatile char c = str->bytes[str->len - 1];

			(void)c;
		}
		if (t)
			CHECK(t->num == ev.thread);
		n++;
	}
	CHECK(n == r.n_events);
	for (i = 0; i < r.n_modules; i++)
		CHECK(r.modules[i].path + r.modules[i].path_len <=
		      (const char *)buf + size);
	/* the stream starts again from the beginning */
	trace_rewind(&r);
	if (n)
		CHECK(trace_next_event(&r, &ev));
	trace_close(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly 'size' bytes, so ASan sees any overread */
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	read_all(buf, size);
	fix_checksums(buf, size);
	read_all(buf, size);
	free(buf);
	return 0;
}
