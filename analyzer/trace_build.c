/* SPDX-License-Identifier: MIT */
/* trace_build.c - an in-memory binary trace, record by record. */
#include "trace_build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"

#define BLOCK_HDR sizeof(struct coffman_trace_block)
#define REC_MAX	  65535u /* a record's length is 16 bits */

static int reserve(struct tbuild *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 4096;
	uint8_t *p;

	if (b->err)
		return b->err;
	if (b->len + n <= b->cap)
		return 0;
	while (cap < b->len + n) {
		if (cap > ((size_t)-1) / 2)
			return b->err = -ENOMEM;
		cap *= 2;
	}
	p = realloc(b->buf, cap);
	if (!p)
		return b->err = -ENOMEM;
	b->buf = p;
	b->cap = cap;
	return 0;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void close_block(struct tbuild *b)
{
	size_t payload = b->len - b->block - BLOCK_HDR;
	uint8_t *h = b->buf + b->block;

	put32(h, COFFMAN_TRACE_BLOCK_MAGIC);
	put32(h + 4, (uint32_t)payload);
	put32(h + 8, crc32_ieee(0, h + BLOCK_HDR, payload));
	put32(h + 12, b->count);
}

static int open_block(struct tbuild *b)
{
	if (reserve(b, BLOCK_HDR))
		return b->err;
	b->block = b->len;
	memset(b->buf + b->len, 0, BLOCK_HDR);
	b->len += BLOCK_HDR;
	b->count = 0;
	return 0;
}

/* Room for a record of len bytes in the open block; its start, or NULL. */
static uint8_t *record(struct tbuild *b, uint8_t type, size_t len)
{
	uint8_t *p;

	if (b->err || len > REC_MAX)
		return NULL;
	if (b->len - b->block - BLOCK_HDR + len > COFFMAN_TRACE_BLOCK_MAX) {
		close_block(b);
		if (open_block(b))
			return NULL;
	}
	if (reserve(b, len))
		return NULL;
	p = b->buf + b->len;
	memset(p, 0, len);
	p[0] = type;
	put16(p + 2, (uint16_t)len);
	b->len += len;
	b->count++;
	return p;
}

int tbuild_init(struct tbuild *b, uint32_t pid, uint32_t ppid, const char *exe,
		uint64_t start_ns, uint64_t start_realtime_ns)
{
	struct coffman_trace_header h;
	uint8_t *p;

	memset(b, 0, sizeof(*b));
	if (reserve(b, sizeof(h)))
		return b->err;
	p = b->buf;
	memset(p, 0, sizeof(h));
	memcpy(p, COFFMAN_TRACE_MAGIC, 8);
	put32(p + 8, COFFMAN_TRACE_VERSION);
	put32(p + 12, (uint32_t)sizeof(h));
	put32(p + 16, pid);
	put32(p + 20, ppid);
	put64(p + 24, start_ns);
	put64(p + 32, start_realtime_ns);
	if (exe)
		strncpy((char *)p + 40, exe, sizeof(h.exe) - 1);
	b->len = sizeof(h);
	return open_block(b);
}

void tbuild_event(struct tbuild *b, const struct trace_ev *ev)
{
	uint8_t *p = record(b, TRACE_EVENT, sizeof(struct coffman_trace_event));

	if (!p)
		return;
	p[4] = ev->op;
	p[5] = ev->kind;
	p[6] = ev->mode;
	p[7] = ev->flags;
	put32(p + 8, ev->thread);
	put64(p + 12, ev->seq);
	put64(p + 20, ev->ts_ns);
	put64(p + 28, ev->addr);
	put64(p + 36, ev->arg);
	put64(p + 44, ev->pc);
	put32(p + 52, ev->stack);
	put32(p + 56, (uint32_t)ev->owner_tid);
	put32(p + 60, ev->str);
}

void tbuild_stack(struct tbuild *b, uint32_t id, const uint64_t *pcs,
		  uint32_t n)
{
	size_t len = sizeof(struct coffman_trace_stack) + 8 * (size_t)n;
	uint8_t *p;
	uint32_t i;

	if (len > REC_MAX) {
		n = (uint32_t)((REC_MAX - sizeof(struct coffman_trace_stack)) /
			       8);
		len = sizeof(struct coffman_trace_stack) + 8 * (size_t)n;
	}
	p = record(b, TRACE_STACK, len);
	if (!p)
		return;
	put32(p + 4, id);
	put32(p + 8, n);
	for (i = 0; i < n; i++)
		put64(p + 12 + 8 * (size_t)i, pcs[i]);
}

void tbuild_thread(struct tbuild *b, uint32_t num, int32_t tid, uint32_t parent,
		   uint32_t create_stack, const char *name)
{
	uint8_t *p =
		record(b, TRACE_THREAD, sizeof(struct coffman_trace_thread));

	if (!p)
		return;
	put32(p + 4, num);
	put32(p + 8, (uint32_t)tid);
	put32(p + 12, parent);
	put32(p + 16, create_stack);
	if (name)
		strncpy((char *)p + 20, name, 16);
}

void tbuild_string(struct tbuild *b, uint32_t id, const char *s, size_t len)
{
	uint8_t *p;

	if (len > REC_MAX - sizeof(struct coffman_trace_string))
		len = REC_MAX - sizeof(struct coffman_trace_string);
	p = record(b, TRACE_STRING, sizeof(struct coffman_trace_string) + len);
	if (!p)
		return;
	put32(p + 4, id);
	memcpy(p + 8, s, len);
}

void tbuild_module(struct tbuild *b, uint64_t base, uint64_t start,
		   uint64_t end, const uint8_t *build_id, uint8_t id_len,
		   const char *path, size_t path_len)
{
	size_t fixed = sizeof(struct coffman_trace_module) + id_len;
	uint8_t *p;

	if (path_len > REC_MAX - fixed)
		path_len = REC_MAX - fixed;
	p = record(b, TRACE_MODULE, fixed + path_len);
	if (!p)
		return;
	put64(p + 4, base);
	put64(p + 12, start);
	put64(p + 20, end);
	p[28] = id_len;
	if (id_len)
		memcpy(p + 32, build_id, id_len);
	memcpy(p + fixed, path, path_len);
}

void tbuild_end(struct tbuild *b, uint32_t reason, uint64_t ts_ns)
{
	uint8_t *p = record(b, TRACE_END, TRACE_END_LEN);

	if (!p)
		return;
	put32(p + 4, reason);
	put64(p + 12, ts_ns);
}

int tbuild_finish(struct tbuild *b)
{
	if (b->err)
		return b->err;
	close_block(b);
	return 0;
}

void tbuild_free(struct tbuild *b)
{
	free(b->buf);
	memset(b, 0, sizeof(*b));
}
