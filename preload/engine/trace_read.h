/* SPDX-License-Identifier: MIT */
/*
 * trace_read.h - reading the binary trace (include/coffman/trace.h) from a
 * memory buffer or a file descriptor. Opening checks the header and every
 * block (magic, length, CRC-32, record lengths), loads the small records
 * (stacks, threads, strings, modules) into sorted tables and indexes the
 * blocks; events are then streamed in sequence order by a merge over the
 * blocks, so memory grows with the number of blocks, not of events.
 *
 * Errors are one line, "offset N: reason", N the byte offset in the file
 * of the damaged header, block or record. A trace whose last block is cut
 * short (a crash or kill while writing) opens with a warning and reads up
 * to its last whole block. Pure: no stdio, no engine state; any input,
 * however corrupt, is rejected without reading outside the buffer.
 */
#ifndef COFFMAN_TRACE_READ_H
#define COFFMAN_TRACE_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coffman/trace.h"

#define TRACE_MSG_MAX 192 /* room for an error or warning line */

/* Bytes of a TRACE_END record (struct coffman_trace_end). */
#define TRACE_END_LEN 20u

/* One event, decoded to host byte order (the record prefix is unused). */
struct trace_ev {
	uint8_t op;	   /* enum ev_op */
	uint8_t kind;	   /* enum ev_kind */
	uint8_t mode;	   /* enum ev_mode */
	uint8_t flags;	   /* EVF_* */
	uint32_t thread;   /* thread number in the trace */
	uint64_t seq;	   /* global order */
	uint64_t ts_ns;	   /* CLOCK_MONOTONIC, 0 unknown */
	uint64_t addr;	   /* object address, or a thread number */
	uint64_t arg;	   /* op-specific */
	uint64_t pc;	   /* call site */
	uint32_t stack;	   /* stack id, 0 none */
	int32_t owner_tid; /* see event.h */
	uint32_t str;	   /* string id, 0 none */
	uint64_t offset;   /* byte offset of the record in the file */
};

struct trace_stack_rec {
	uint32_t id;
	uint32_t n;	    /* frames */
	const uint8_t *pcs; /* n little-endian uint64_t, in the buffer */
	uint64_t offset;    /* of the record, for messages */
};

struct trace_thread_rec {
	uint32_t num;
	int32_t tid;
	uint32_t parent;       /* creator's number, 0 unknown */
	uint32_t create_stack; /* stack id, 0 none */
	char name[17];	       /* NUL-terminated copy */
	uint64_t offset;
};

struct trace_string_rec {
	uint32_t id;
	uint32_t len;	   /* bytes, not NUL-terminated */
	const char *bytes; /* in the buffer */
	uint64_t offset;
};

struct trace_module_rec {
	uint64_t base, start, end;
	uint8_t build_id_len;
	const uint8_t *build_id; /* in the buffer */
	uint32_t path_len;
	const char *path; /* in the buffer, not NUL-terminated */
	uint64_t offset;
};

struct trace_block; /* private to trace_read.c */
struct trace_cursor;

struct trace_reader {
	const uint8_t *buf; /* the whole file */
	size_t len;
	void *map; /* what to munmap/free on close, NULL if not ours */
	size_t map_len;
	bool map_is_mmap;
	/* header, host byte order */
	uint32_t version, header_size, pid, ppid;
	uint64_t start_ns, start_realtime_ns;
	char exe[257]; /* NUL-terminated copy */
	/* tables, sorted by id / num; on duplicates the first record wins */
	struct trace_stack_rec *stacks;
	size_t n_stacks;
	struct trace_thread_rec *threads;
	size_t n_threads;
	struct trace_string_rec *strings;
	size_t n_strings;
	struct trace_module_rec *modules; /* in file order */
	size_t n_modules;
	/* blocks and the merge over them */
	struct trace_block *blocks;
	size_t n_blocks;
	struct trace_cursor *heap; /* min-heap of blocks by next seq */
	size_t n_heap;
	uint64_t n_events;   /* events in the readable part */
	uint64_t good_end;   /* bytes up to the end of the last whole block */
	bool truncated;	     /* the file ends inside a block */
	bool has_end;	     /* a TRACE_END record was read */
	uint32_t end_reason; /* enum coffman_trace_end_reason */
	const char *options; /* TRACE_OPTIONS text (not NUL-terminated) */
	uint32_t options_len; /* its bytes, 0 if the trace has none */
	uint64_t end_ts_ns;  /* when the process ended */
	char warning[TRACE_MSG_MAX]; /* "offset N: ...", "" if none */
};

/*
 * Open the trace in buf[0..len-1], which must outlive the reader. Returns
 * 0 (r->warning set if the last block was cut short), -EINVAL with the
 * reason in err ("offset N: reason") for anything that is not a readable
 * trace, or -ENOMEM. On error *r needs no trace_close().
 */
int trace_open_mem(struct trace_reader *r, const void *buf, size_t len,
		   char *err, size_t errlen);

/*
 * The same for an open file: mapped when it is a regular file, else read
 * to its end (a pipe). -errno of a failed read, with the reason in err.
 */
int trace_open_fd(struct trace_reader *r, int fd, char *err, size_t errlen);

/* Free everything the reader owns. */
void trace_close(struct trace_reader *r);

/* Start the event stream again from the lowest sequence number. */
void trace_rewind(struct trace_reader *r);

/*
 * The next event in sequence order (ties: file order) into *ev; false at
 * the end. Events were checked when the trace was opened.
 */
bool trace_next_event(struct trace_reader *r, struct trace_ev *ev);

/* Lookups by id / number; NULL if the trace has no such record. */
const struct trace_stack_rec *trace_find_stack(const struct trace_reader *r,
					       uint32_t id);
const struct trace_thread_rec *trace_find_thread(const struct trace_reader *r,
						 uint32_t num);
const struct trace_string_rec *trace_find_string(const struct trace_reader *r,
						 uint32_t id);

/* Frame i of a stack record (i < s->n). */
uint64_t trace_stack_pc(const struct trace_stack_rec *s, uint32_t i);

/* True if buf starts like a binary trace (its magic, or a prefix of it
 * when len < 8). */
bool trace_is_binary(const void *buf, size_t len);

#endif /* COFFMAN_TRACE_READ_H */
