/* SPDX-License-Identifier: MIT */
/*
 * coffman/trace.h - the binary trace file written with trace=PATH and read
 * by `coffman analyze` and `coffman dump`. Every integer is little-endian;
 * every record is a whole number of bytes with no padding but what is
 * declared here. A reader needs nothing else to parse a trace.
 *
 * File layout:
 *
 *   struct coffman_trace_header                    (once, at offset 0)
 *   block, block, ...                               (until end of file)
 *
 * A block is what one thread's buffer held when it was flushed:
 *
 *   struct coffman_trace_block   (magic, payload length, CRC-32, count)
 *   payload: 'count' records back to back
 *
 * Blocks are self-delimiting and checksummed (CRC-32, the IEEE 802.3
 * polynomial as zlib computes it, over the payload). A trace cut short by
 * a crash or a kill is readable up to its last whole block; a block whose
 * checksum fails ends the readable part.
 *
 * Blocks of different threads interleave in the file; within the file the
 * events are ordered by their sequence number, not by position (a
 * TRACE_FAST record's events come right after the event it names). A record
 * that an event refers to (its stack, its thread, a string) may be in any
 * block of the file, before or after the event: readers load everything
 * first, then replay the events in sequence order.
 *
 * Every record starts with a one-byte type and a one-byte reserved zero,
 * then a two-byte length of the whole record (type byte included), so a
 * reader can skip record types it does not know.
 */
#ifndef COFFMAN_TRACE_H
#define COFFMAN_TRACE_H

#include <stdint.h>

#define COFFMAN_TRACE_MAGIC "COFFTRC1" /* 8 bytes, no NUL */
/* Version 2 added TRACE_FAST records (which a version 1 reader would
 * skip, losing events); version 3 counts their releases instead of
 * describing each (see below). A reader of version 3 reads all three. */
#define COFFMAN_TRACE_VERSION 4
#define COFFMAN_TRACE_VERSION_MIN 1
#define COFFMAN_TRACE_BLOCK_MAGIC 0x4b4c4243u /* "CBLK" little-endian */
#define COFFMAN_TRACE_BLOCK_MAX (1u << 20) /* payload bytes at most */

struct coffman_trace_header {
	char magic[8];	    /* COFFMAN_TRACE_MAGIC */
	uint32_t version;   /* COFFMAN_TRACE_VERSION */
	uint32_t header_size; /* sizeof(struct coffman_trace_header): 296 */
	uint32_t pid;	    /* process that wrote it */
	uint32_t ppid;	    /* its parent */
	uint64_t start_ns;  /* CLOCK_MONOTONIC at start */
	uint64_t start_realtime_ns; /* CLOCK_REALTIME at start */
	char exe[256];	    /* /proc/self/exe, NUL-terminated */
} __attribute__((packed));

struct coffman_trace_block {
	uint32_t magic;	  /* COFFMAN_TRACE_BLOCK_MAGIC */
	uint32_t length;  /* payload bytes after this header */
	uint32_t crc32;	  /* CRC-32 of the payload */
	uint32_t count;	  /* records in the payload */
} __attribute__((packed));

enum coffman_trace_type {
	TRACE_EVENT = 1,  /* struct coffman_trace_event */
	TRACE_STACK = 2,  /* struct coffman_trace_stack + pcs */
	TRACE_THREAD = 3, /* struct coffman_trace_thread */
	TRACE_STRING = 4, /* struct coffman_trace_string + bytes */
	TRACE_MODULE = 5, /* struct coffman_trace_module + build id + path */
	TRACE_END = 6,	  /* struct coffman_trace_end: the process ended */
	TRACE_OPTIONS = 7, /* struct coffman_trace_options + options text */
	TRACE_FAST = 8,	   /* struct coffman_trace_fast + compact events */
};

enum coffman_trace_end_reason {
	TRACE_END_EXIT = 0,   /* exit(), return from main, _exit() */
	TRACE_END_SIGNAL = 1, /* a fatal signal or abort() */
	TRACE_END_EXEC = 2,   /* execve() replaced the program */
};

/* Common prefix of every record. */
struct coffman_trace_rec {
	uint8_t type;	  /* enum coffman_trace_type */
	uint8_t zero;	  /* reserved, 0 */
	uint16_t length;  /* bytes of the whole record */
} __attribute__((packed));

/*
 * One engine event (see preload/engine/event.h for op, kind, mode and
 * flag values; they are part of this format and never renumbered).
 */
struct coffman_trace_event {
	struct coffman_trace_rec rec; /* TRACE_EVENT, length 68 */
	uint8_t op;	   /* enum ev_op */
	uint8_t kind;	   /* enum ev_kind */
	uint8_t mode;	   /* enum ev_mode */
	uint8_t flags;	   /* EVF_* (low 8 bits) */
	uint32_t thread;   /* thread number (see TRACE_THREAD) */
	uint64_t seq;	   /* global order, from 1 */
	uint64_t ts_ns;	   /* CLOCK_MONOTONIC, 0 if not taken */
	uint64_t addr;	   /* object address; thread number for joins */
	uint64_t arg;	   /* op-specific (mutex type, range length, ...) */
	uint64_t pc;	   /* call site in the program */
	uint32_t stack;	   /* stack id (TRACE_STACK), 0 none */
	int32_t owner_tid; /* owner the object recorded, 0/-1 see event.h */
	uint32_t str;	   /* string id (TRACE_STRING) for names, 0 none */
	uint32_t reserved; /* 0 */
} __attribute__((packed));

/* An interned call stack: innermost frame first. */
struct coffman_trace_stack {
	struct coffman_trace_rec rec; /* TRACE_STACK, length 12 + 8n */
	uint32_t id;	 /* stack id, from 1 */
	uint32_t n;	 /* frames */
	/* uint64_t pcs[n]; return addresses */
} __attribute__((packed));

/* A thread, written when it is first seen. */
struct coffman_trace_thread {
	struct coffman_trace_rec rec; /* TRACE_THREAD, length 36 */
	uint32_t num;	      /* thread number, from 1 */
	int32_t tid;	      /* OS thread id */
	uint32_t parent;      /* creator's number, 0 unknown */
	uint32_t create_stack; /* stack id of its creation, 0 none */
	char name[16];	      /* name when written, NUL-padded */
} __attribute__((packed));

/* An interned string (object and thread names). */
struct coffman_trace_string {
	struct coffman_trace_rec rec; /* TRACE_STRING, length 8 + len */
	uint32_t id;	 /* string id, from 1 */
	/* char bytes[length - 8]; not NUL-terminated */
} __attribute__((packed));

/* A loaded object file, for symbolising pcs offline. */
struct coffman_trace_module {
	struct coffman_trace_rec rec; /* TRACE_MODULE, 32 + id + path */
	uint64_t base;	     /* load bias (dlpi_addr) */
	uint64_t start, end; /* lowest and highest mapped address + 1 */
	uint8_t build_id_len; /* bytes of build id that follow */
	uint8_t reserved[3];
	/* uint8_t build_id[build_id_len]; then the path, not terminated,
	 * to the end of the record */
} __attribute__((packed));

/*
 * The last record of a process that ended normally (or exec'd). A trace
 * without one was cut short: killed, or still being written.
 */
struct coffman_trace_end {
	struct coffman_trace_rec rec; /* TRACE_END, length 20 */
	uint32_t reason;  /* enum coffman_trace_end_reason */
	uint32_t reserved; /* 0 */
	uint64_t ts_ns;	  /* CLOCK_MONOTONIC when it ended */
} __attribute__((packed));

/*
 * The options the run had (COFFMAN_OPTIONS syntax, "key=value:..."), so
 * an offline replay uses the same thresholds; written once at start.
 */
struct coffman_trace_options {
	struct coffman_trace_rec rec; /* TRACE_OPTIONS, length 4 + text */
	/* char text[length - 4]; not NUL-terminated */
} __attribute__((packed));

/*
 * A run of one thread's commonest events in a few bytes each:
 * acquisitions in a nesting the thread had already taken (they add no
 * lock-order edge), releases of the lock on top of its held stack, and
 * failed tries of a semaphore the thread has used before. They happened
 * after the thread's event whose seq is after_seq (0: before any of its
 * events) and before its next one; a reader replays them right after that
 * event, in record order, before any event with a higher seq.
 *
 * Each event starts with a tag byte:
 *
 *   bits 0-1 op: 0 acquired exclusive, 1 released, 2 acquired shared,
 *   3 try failed; for the others, bit 2 EVF_TRY and bits 3-6 the kind
 *   (ev_kind), bit 7 the short form (below).
 *
 * Acquisitions and failed tries in full go on with LEB128 varints of the
 * zigzag-encoded differences from the same field of the previous event
 * in full of the record (of 0 for the first):
 *
 *   addr difference, pc difference;
 *   acquired only: stack id difference (a 32-bit id, TRACE_STACK)
 *
 * zigzag(d) = (d << 1) ^ (d >> 63) on the 64-bit difference taken modulo
 * 2^64; LEB128 puts 7 bits a byte, low first, bit 7 set on all but the
 * last (at most 10 bytes). A failed try's mode is exclusive; ts_ns, arg,
 * owner_tid and str are 0.
 *
 * A release is the tag alone, and bits 2-7 of it count releases (1 to 63)
 * in a row, each of the lock then on top of the thread's held stack:
 * which lock that is (its address and kind), a reader that tracks the held
 * stacks knows; the call site is not kept (EVF_TOP in a reader's events).
 *
 * The record's nesting level starts at 0; an acquisition raises it by
 * one, each release lowers it by one down to 0 (a release of a lock
 * taken before the record leaves it at 0). An acquisition at a level
 * under COFFMAN_TRACE_FAST_LEVELS may take the short form when an
 * earlier acquisition of the record was at the same level: bit 7 set,
 * and one varint v for the difference d of its addr from the last such
 * acquisition's: v = zigzag(d) << 1, or, when d is a multiple of 8,
 * v = zigzag(d / 8) << 1 | 1. Its pc and stack are that acquisition's.
 * It is then the last acquisition at its level, but not the previous
 * event for the differences of the next event in full, which are taken
 * from the last event in full.
 *
 * From version 4, the tag 0x80 (0x82: shared) alone is an acquisition
 * of the lock above the top of the thread's held stack: the one it last
 * released from the depth it is at, taken again from the same call site
 * with the same locks below it (as a loop does), so that the entry a
 * reader's held stack keeps there gives its address, kind, mode, call
 * site, stack and try flag (EVF_TOP on an OP_ACQUIRED in a reader's
 * events). It raises the level by one, and the level then has no last
 * acquisition for the short form until one in full. (A kind of 0 marks
 * it: in version 3 no event had one.)
 *
 * In versions 2 and earlier a release was described like a failed try
 * (addr and pc differences), bits 3-7 held the kind, and there was no
 * short form nor nesting level.
 */
struct coffman_trace_fast {
	struct coffman_trace_rec rec; /* TRACE_FAST, length 16 + events */
	uint32_t thread;    /* thread number (see TRACE_THREAD) */
	uint64_t after_seq; /* seq of the thread's event these follow */
	/* uint8_t events[length - 16]; */
} __attribute__((packed));

#define COFFMAN_TRACE_FAST_ACQUIRED 0
#define COFFMAN_TRACE_FAST_RELEASED 1
#define COFFMAN_TRACE_FAST_ACQUIRED_SHARED 2
#define COFFMAN_TRACE_FAST_TRY_FAILED 3
#define COFFMAN_TRACE_FAST_SHORT 0x80 /* version 3: the short form */
#define COFFMAN_TRACE_FAST_AGAIN 0x80 /* version 4, alone or with
					 _ACQUIRED_SHARED: the lock above
					 the top, again */
#define COFFMAN_TRACE_FAST_LEVELS 8   /* levels that have one */

#endif /* COFFMAN_TRACE_H */
