/* SPDX-License-Identifier: MIT */
/*
 * trace_build.h - build a binary trace (include/coffman/trace.h) in
 * memory, one record at a time: how the text trace parser and `coffman
 * dump --binary` produce traces the reader reads. Not the runtime's
 * writer (preload/engine/trace_write.c): single-threaded, no flushing.
 */
#ifndef COFFMAN_TRACE_BUILD_H
#define COFFMAN_TRACE_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "trace_read.h"

struct tbuild {
	uint8_t *buf; /* header, closed blocks, the open block */
	size_t len, cap;
	size_t block;	/* offset of the open block's header */
	uint32_t count; /* records in the open block */
	int err;	/* -ENOMEM once an allocation failed */
};

/* Start a trace with this header (exe may be NULL). 0 or -ENOMEM. */
int tbuild_init(struct tbuild *b, uint32_t pid, uint32_t ppid, const char *exe,
		uint64_t start_ns, uint64_t start_realtime_ns);

/* Append one record each; errors are kept in b->err for tbuild_finish. */
void tbuild_event(struct tbuild *b, const struct trace_ev *ev);
void tbuild_stack(struct tbuild *b, uint32_t id, const uint64_t *pcs,
		  uint32_t n);
void tbuild_thread(struct tbuild *b, uint32_t num, int32_t tid, uint32_t parent,
		   uint32_t create_stack, const char *name);
void tbuild_string(struct tbuild *b, uint32_t id, const char *s, size_t len);
void tbuild_module(struct tbuild *b, uint64_t base, uint64_t start,
		   uint64_t end, const uint8_t *build_id, uint8_t id_len,
		   const char *path, size_t path_len);
void tbuild_end(struct tbuild *b, uint32_t reason, uint64_t ts_ns);

/* Close the last block. 0 (the trace is b->buf[0..b->len-1]) or
 * -ENOMEM. */
int tbuild_finish(struct tbuild *b);

void tbuild_free(struct tbuild *b);

#endif /* COFFMAN_TRACE_BUILD_H */
