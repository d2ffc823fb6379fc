/* SPDX-License-Identifier: MIT */
/* trace_read.c - check, index and stream a binary trace file. */
#include "trace_read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "crc32.h"
#include "event.h"

#define BLOCK_HDR  16u /* sizeof(struct coffman_trace_block) */
#define REC_HDR	   4u  /* sizeof(struct coffman_trace_rec) */
#define EVENT_LEN  68u /* sizeof(struct coffman_trace_event) */
#define STACK_LEN  12u /* before the pcs */
#define THREAD_LEN 36u
#define STRING_LEN 8u  /* before the bytes */
#define MODULE_LEN 32u /* before build id and path */
#define HEADER_LEN 296u
#define FAST_LEN 16u   /* before the compact events */

_Static_assert(sizeof(struct coffman_trace_header) == HEADER_LEN, "header");
_Static_assert(sizeof(struct coffman_trace_block) == BLOCK_HDR, "block");
_Static_assert(sizeof(struct coffman_trace_event) == EVENT_LEN, "event");
_Static_assert(sizeof(struct coffman_trace_stack) == STACK_LEN, "stack");
_Static_assert(sizeof(struct coffman_trace_thread) == THREAD_LEN, "thread");
_Static_assert(sizeof(struct coffman_trace_string) == STRING_LEN, "string");
_Static_assert(sizeof(struct coffman_trace_module) == MODULE_LEN, "module");
_Static_assert(sizeof(struct coffman_trace_fast) == FAST_LEN, "fast");

/*
 * A block's items are its event records and its TRACE_FAST records that
 * hold events; an item sorts by (seq, fast): a TRACE_FAST record right
 * after the event whose seq it names.
 */
struct trace_block {
	uint64_t payload; /* offset of the payload in the file */
	uint32_t length;  /* payload bytes */
	uint32_t n_items; /* items in it */
	uint32_t *order;  /* item offsets (from payload) in order, or NULL
			     when the block's items are already in order */
};

/* Running values of a TRACE_FAST record's differences, its pops and
 * (version 3) its nesting levels. */
struct fast_state {
	uint64_t addr, pc, stack;
	uint32_t pops;	/* of the last tag, not yet returned */
	uint8_t counted; /* version 3: a released tag counts pops, and
			    acquisitions may take the short form */
	uint8_t again;	 /* version 4: the tag of the lock above the top */
	uint32_t level;	/* the record's nesting level */
	uint32_t valid;	/* levels with an acquisition: */
	struct {
		uint64_t addr, pc, stack;
	} lv[COFFMAN_TRACE_FAST_LEVELS]; /* the last one at each */
};

struct trace_cursor {
	uint64_t seq;	/* of the item at pos */
	uint32_t block; /* index into blocks[] */
	uint32_t next;	/* items of the block consumed so far */
	uint32_t pos;	/* offset of the current item in the payload */
	uint8_t fast;	/* the item is a TRACE_FAST record */
	uint32_t fpos;	/* its next compact event (payload offset) */
	uint32_t fend;	/* its end */
	struct fast_state fs;
};

/* ---- little-endian access ---------------------------------------------- */

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* ---- growable arrays ---------------------------------------------------- */

/* Make room for one more element in *arr (count n, capacity *cap). */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > (size_t)-1 / size)
		return -ENOMEM;
	p = realloc(*arr, ncap * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

struct tables {
	size_t cap_stacks, cap_threads, cap_strings, cap_modules, cap_blocks;
};

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen,
						      const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

bool trace_is_binary(const void *buf, size_t len)
{
	size_t n = len < 8 ? len : 8;

	return len > 0 && memcmp(buf, COFFMAN_TRACE_MAGIC, n) == 0;
}

/* ---- records ------------------------------------------------------------ */

/* An unsigned LEB128 varint at *pp, before end. */
static bool get_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t *p = *pp;
	uint64_t x = 0;
	unsigned shift = 0;

	while (p < end && shift < 64) {
		uint8_t c = *p++;

		x |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80)) {
			*pp = p;
			*v = x;
			return true;
		}
		shift += 7;
	}
	return false;
}

static uint64_t unzigzag(uint64_t z)
{
	return (z >> 1) ^ (uint64_t)-(int64_t)(z & 1);
}

/* A release of the lock on top of its thread's held stack (op
 * OP_RELEASE: version 3's compact pops), or an acquisition of the one
 * above it (OP_ACQUIRED, in mode: version 4): which lock, the replay
 * knows (EVF_TOP). */
static void pop_event(struct trace_ev *ev, uint32_t op, uint32_t mode)
{
	ev->op = op;
	ev->kind = KIND_NONE;
	ev->mode = mode;
	ev->flags = EVF_TOP;
	ev->ts_ns = 0;
	ev->addr = 0;
	ev->arg = 0;
	ev->pc = 0;
	ev->stack = 0;
	ev->owner_tid = 0;
	ev->str = 0;
}

/*
 * Decode the compact event at *pp (before end) of a TRACE_FAST record,
 * advancing *pp and the running values s; fills the fields the event
 * carries. A version 3 tag of n pops is n events: *pp advances past it
 * with the first, s->pops counts the others. False if it is malformed.
 */
static bool decode_fast(const uint8_t **pp, const uint8_t *end,
			struct fast_state *s, struct trace_ev *ev)
{
	const uint8_t *p = *pp;
	uint64_t d;
	uint8_t tag;
	bool acq;

	if (s->pops) {
		s->pops--;
		pop_event(ev, OP_RELEASE, MODE_EXCL);
		return true;
	}
	if (p >= end)
		return false;
	tag = *p++;
	acq = (tag & 3) == COFFMAN_TRACE_FAST_ACQUIRED ||
	      (tag & 3) == COFFMAN_TRACE_FAST_ACQUIRED_SHARED;
	if (s->counted && (tag & 3) == COFFMAN_TRACE_FAST_RELEASED) {
		uint32_t n = tag >> 2;

		if (!n)
			return false;
		s->pops = n - 1;
		s->level -= n < s->level ? n : s->level;
		pop_event(ev, OP_RELEASE, MODE_EXCL);
		*pp = p;
		return true;
	}
	if (s->again && (tag | COFFMAN_TRACE_FAST_ACQUIRED_SHARED) ==
				(COFFMAN_TRACE_FAST_AGAIN |
				 COFFMAN_TRACE_FAST_ACQUIRED_SHARED)) {
		/* the lock above the top: which, the replay knows */
		if (s->level < COFFMAN_TRACE_FAST_LEVELS)
			s->valid &= ~(1u << s->level);
		s->level++;
		pop_event(ev, OP_ACQUIRED,
			  tag & COFFMAN_TRACE_FAST_ACQUIRED_SHARED
				  ? MODE_SHARED
				  : MODE_EXCL);
		*pp = p;
		return true;
	}
	if (s->counted && (tag & COFFMAN_TRACE_FAST_SHORT)) {
		/* as the last acquisition at its level */
		if (!acq || s->level >= COFFMAN_TRACE_FAST_LEVELS ||
		    !(s->valid >> s->level & 1) || !get_varint(&p, end, &d))
			return false;
		/* the previous values for the full form stay */
		s->lv[s->level].addr +=
			d & 1 ? unzigzag(d >> 1) << 3 : unzigzag(d >> 1);
		ev->addr = s->lv[s->level].addr;
		ev->pc = s->lv[s->level].pc;
		ev->stack = (uint32_t)s->lv[s->level].stack;
		s->level++;
	} else {
		if (!get_varint(&p, end, &d))
			return false;
		s->addr += unzigzag(d);
		if (!get_varint(&p, end, &d))
			return false;
		s->pc += unzigzag(d);
		ev->stack = 0;
		if (acq) {
			if (!get_varint(&p, end, &d))
				return false;
			s->stack += unzigzag(d);
			ev->stack = (uint32_t)s->stack;
		}
		if (acq && s->counted) {
			if (s->level < COFFMAN_TRACE_FAST_LEVELS) {
				s->lv[s->level].addr = s->addr;
				s->lv[s->level].pc = s->pc;
				s->lv[s->level].stack = s->stack;
				s->valid |= 1u << s->level;
			}
			s->level++;
		}
		ev->addr = s->addr;
		ev->pc = s->pc;
	}
	ev->op = (tag & 3) == COFFMAN_TRACE_FAST_RELEASED     ? OP_RELEASE
		 : (tag & 3) == COFFMAN_TRACE_FAST_TRY_FAILED ? OP_TRY_FAILED
							       : OP_ACQUIRED;
	ev->kind = s->counted ? (tag >> 3) & 15 : tag >> 3;
	ev->mode = (tag & 3) == COFFMAN_TRACE_FAST_ACQUIRED_SHARED
			   ? MODE_SHARED
			   : MODE_EXCL;
	ev->flags = (tag & 4) ? EVF_TRY : 0;
	ev->ts_ns = 0;
	ev->arg = 0;
	ev->owner_tid = 0;
	ev->str = 0;
	*pp = p;
	return true;
}

/* Events in the TRACE_FAST record at p (len bytes, file offset off), or
 * -EINVAL with the offset of the first malformed one. */
static long fast_count(const uint8_t *p, uint16_t len, uint64_t off,
		       uint32_t version, char *err, size_t errlen)
{
	const uint8_t *q = p + FAST_LEN, *end = p + len;
	struct fast_state s = { .counted = version >= 3,
				.again = version >= 4 };
	struct trace_ev ev;
	long n = 0;

	while (q < end || s.pops) {
		const uint8_t *at = q;

		if (!decode_fast(&q, end, &s, &ev))
			return fail(err, errlen,
				    "offset %llu: malformed compact event",
				    (unsigned long long)(off + (uint64_t)(at - p)));
		n++;
	}
	return n;
}

/* The record at p is an item (see struct trace_block): its sort key. */
static bool item_key(const uint8_t *p, uint64_t *seq, uint8_t *fast)
{
	if (p[0] == TRACE_EVENT) {
		*seq = le64(p + 12);
		*fast = 0;
		return true;
	}
	if (p[0] == TRACE_FAST && le16(p + 2) > FAST_LEN) {
		*seq = le64(p + 8);
		*fast = 1;
		return true;
	}
	return false;
}

static bool key_less(uint64_t seq_a, uint8_t fast_a, uint64_t seq_b,
		     uint8_t fast_b)
{
	return seq_a != seq_b ? seq_a < seq_b : fast_a < fast_b;
}

/* Decode the event record at p (EVENT_LEN bytes at least). */
static void decode_event(const uint8_t *p, uint64_t offset, struct trace_ev *ev)
{
	ev->op = p[4];
	ev->kind = p[5];
	ev->mode = p[6];
	ev->flags = p[7];
	ev->thread = le32(p + 8);
	ev->seq = le64(p + 12);
	ev->ts_ns = le64(p + 20);
	ev->addr = le64(p + 28);
	ev->arg = le64(p + 36);
	ev->pc = le64(p + 44);
	ev->stack = le32(p + 52);
	ev->owner_tid = (int32_t)le32(p + 56);
	ev->str = le32(p + 60);
	ev->offset = offset;
}

/*
 * Check one record of a CRC-valid payload and load it if it is not an
 * event. p points at the record, avail bytes are left in the payload, off
 * is its file offset. Returns the record's length, or -EINVAL/-ENOMEM.
 */
static long load_record(struct trace_reader *r, struct tables *tb,
			const uint8_t *p, size_t avail, uint64_t off, char *err,
			size_t errlen)
{
	uint8_t type;
	uint16_t len;

	if (avail < REC_HDR)
		return fail(err, errlen,
			    "offset %llu: record header cut by the end of "
			    "its block",
			    (unsigned long long)off);
	type = p[0];
	len = le16(p + 2);
	if (len < REC_HDR || len > avail)
		return fail(err, errlen,
			    "offset %llu: bad record length %u (%zu bytes "
			    "left in the block)",
			    (unsigned long long)off, len, avail);
	switch (type) {
	case TRACE_EVENT:
		if (len < EVENT_LEN)
			return fail(err, errlen,
				    "offset %llu: event record of %u bytes, "
				    "want %u",
				    (unsigned long long)off, len, EVENT_LEN);
		break;
	case TRACE_STACK: {
		struct trace_stack_rec *s;
		uint32_t n;

		if (len < STACK_LEN)
			return fail(err, errlen,
				    "offset %llu: stack record of %u bytes",
				    (unsigned long long)off, len);
		n = le32(p + 8);
		if (n > (uint32_t)(len - STACK_LEN) / 8)
			return fail(err, errlen,
				    "offset %llu: stack of %u frames does not "
				    "fit its %u-byte record",
				    (unsigned long long)off, n, len);
		if (grow((void **)&r->stacks, &tb->cap_stacks, r->n_stacks,
			 sizeof(*s)))
			return -ENOMEM;
		s = &r->stacks[r->n_stacks++];
		s->id = le32(p + 4);
		s->n = n;
		s->pcs = p + STACK_LEN;
		s->offset = off;
		break;
	}
	case TRACE_THREAD: {
		struct trace_thread_rec *t;

		if (len < THREAD_LEN)
			return fail(err, errlen,
				    "offset %llu: thread record of %u bytes, "
				    "want %u",
				    (unsigned long long)off, len, THREAD_LEN);
		if (grow((void **)&r->threads, &tb->cap_threads, r->n_threads,
			 sizeof(*t)))
			return -ENOMEM;
		t = &r->threads[r->n_threads++];
		memset(t, 0, sizeof(*t));
		t->num = le32(p + 4);
		t->tid = (int32_t)le32(p + 8);
		t->parent = le32(p + 12);
		t->create_stack = le32(p + 16);
		memcpy(t->name, p + 20, 16);
		t->name[16] = 0;
		t->offset = off;
		break;
	}
	case TRACE_STRING: {
		struct trace_string_rec *s;

		if (len < STRING_LEN)
			return fail(err, errlen,
				    "offset %llu: string record of %u bytes",
				    (unsigned long long)off, len);
		if (grow((void **)&r->strings, &tb->cap_strings, r->n_strings,
			 sizeof(*s)))
			return -ENOMEM;
		s = &r->strings[r->n_strings++];
		s->id = le32(p + 4);
		s->len = len - STRING_LEN;
		s->bytes = (const char *)p + STRING_LEN;
		s->offset = off;
		break;
	}
	case TRACE_MODULE: {
		struct trace_module_rec *m;
		uint8_t idlen;

		if (len < MODULE_LEN)
			return fail(err, errlen,
				    "offset %llu: module record of %u bytes",
				    (unsigned long long)off, len);
		idlen = p[28];
		if ((unsigned)MODULE_LEN + idlen > len)
			return fail(err, errlen,
				    "offset %llu: module build id of %u bytes "
				    "does not fit its %u-byte record",
				    (unsigned long long)off, idlen, len);
		if (grow((void **)&r->modules, &tb->cap_modules, r->n_modules,
			 sizeof(*m)))
			return -ENOMEM;
		m = &r->modules[r->n_modules++];
		m->base = le64(p + 4);
		m->start = le64(p + 12);
		m->end = le64(p + 20);
		m->build_id_len = idlen;
		m->build_id = p + MODULE_LEN;
		m->path = (const char *)p + MODULE_LEN + idlen;
		m->path_len = len - MODULE_LEN - idlen;
		m->offset = off;
		break;
	}
	case TRACE_FAST: {
		long n;

		if (len < FAST_LEN)
			return fail(err, errlen,
				    "offset %llu: compact events record of %u "
				    "bytes",
				    (unsigned long long)off, len);
		n = fast_count(p, len, off, r->version, err, errlen);
		if (n < 0)
			return n;
		r->n_events += (uint64_t)n;
		break;
	}
	case TRACE_OPTIONS:
		r->options = (const char *)p + 4;
		r->options_len = len - 4;
		break;
	case TRACE_END:
		if (len < TRACE_END_LEN)
			return fail(err, errlen,
				    "offset %llu: end record of %u bytes",
				    (unsigned long long)off, len);
		if (!r->has_end || le64(p + 12) > r->end_ts_ns) {
			r->end_reason = le32(p + 4);
			r->end_ts_ns = le64(p + 12);
		}
		r->has_end = true;
		break;
	default:
		break; /* a newer writer's record: skip it */
	}
	return len;
}

/* Order of a block's items: offsets sorted by key, stable. */
struct ev_pos {
	uint64_t seq;
	uint8_t fast;
	uint32_t pos;
};

static int cmp_pos(const void *a, const void *b)
{
	const struct ev_pos *x = a, *y = b;

	if (key_less(x->seq, x->fast, y->seq, y->fast))
		return -1;
	if (key_less(y->seq, y->fast, x->seq, x->fast))
		return 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* The block's items are out of order: sort their offsets. */
static int sort_block(struct trace_reader *r, struct trace_block *b)
{
	const uint8_t *pl = r->buf + b->payload;
	struct ev_pos *v = malloc((size_t)b->n_items * sizeof(*v));
	uint32_t pos = 0, k = 0, i;

	if (!v)
		return -ENOMEM;
	while (pos < b->length) {
		uint16_t len = le16(pl + pos + 2);

		if (item_key(pl + pos, &v[k].seq, &v[k].fast)) {
			v[k].pos = pos;
			k++;
		}
		pos += len;
	}
	qsort(v, k, sizeof(*v), cmp_pos);
	b->order = malloc((size_t)k * sizeof(uint32_t));
	if (!b->order) {
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < k; i++)
		b->order[i] = v[i].pos;
	free(v);
	return 0;
}

/* Check and index the block whose header is at off. Returns 1 when the
 * file ends inside it (truncated), 0 when loaded, <0 on error. */
static int load_block(struct trace_reader *r, struct tables *tb, uint64_t off,
		      uint64_t *next, char *err, size_t errlen)
{
	const uint8_t *h = r->buf + off;
	uint64_t left = r->len - off, seq, prev = 0;
	uint32_t magic, length, crc, count, pos = 0, nrec = 0, nev = 0;
	uint8_t fast, prev_fast = 0;
	struct trace_block *b;
	bool sorted = true;
	int rc;

	if (left < BLOCK_HDR) {
		snprintf(r->warning, sizeof(r->warning),
			 "offset %llu: truncated block header (%llu of %u "
			 "bytes)",
			 (unsigned long long)off, (unsigned long long)left,
			 BLOCK_HDR);
		return 1;
	}
	magic = le32(h);
	length = le32(h + 4);
	crc = le32(h + 8);
	count = le32(h + 12);
	if (magic != COFFMAN_TRACE_BLOCK_MAGIC)
		return fail(err, errlen,
			    "offset %llu: bad block magic 0x%08x (want 0x%08x)",
			    (unsigned long long)off, magic,
			    COFFMAN_TRACE_BLOCK_MAGIC);
	if (length > COFFMAN_TRACE_BLOCK_MAX)
		return fail(err, errlen,
			    "offset %llu: block length %u exceeds the "
			    "maximum %u",
			    (unsigned long long)off, length,
			    COFFMAN_TRACE_BLOCK_MAX);
	if (length > left - BLOCK_HDR) {
		snprintf(r->warning, sizeof(r->warning),
			 "offset %llu: truncated block (%llu of %u payload "
			 "bytes)",
			 (unsigned long long)off,
			 (unsigned long long)(left - BLOCK_HDR), length);
		return 1;
	}
	if (crc32_ieee(0, h + BLOCK_HDR, length) != crc)
		return fail(err, errlen,
			    "offset %llu: bad checksum in block (stored "
			    "0x%08x, computed 0x%08x)",
			    (unsigned long long)off, crc,
			    crc32_ieee(0, h + BLOCK_HDR, length));
	while (pos < length) {
		long n = load_record(r, tb, h + BLOCK_HDR + pos, length - pos,
				     off + BLOCK_HDR + pos, err, errlen);

		if (n < 0)
			return (int)n;
		if (h[BLOCK_HDR + pos] == TRACE_EVENT)
			r->n_events++;
		if (item_key(h + BLOCK_HDR + pos, &seq, &fast)) {
			if (nev && key_less(seq, fast, prev, prev_fast))
				sorted = false;
			prev = seq;
			prev_fast = fast;
			nev++;
		}
		pos += (uint32_t)n;
		nrec++;
	}
	if (nrec != count)
		return fail(err, errlen,
			    "offset %llu: block header says %u records, its "
			    "payload holds %u",
			    (unsigned long long)off, count, nrec);
	*next = off + BLOCK_HDR + length;
	if (!nev)
		return 0;
	if (grow((void **)&r->blocks, &tb->cap_blocks, r->n_blocks, sizeof(*b)))
		return -ENOMEM;
	b = &r->blocks[r->n_blocks++];
	b->payload = off + BLOCK_HDR;
	b->length = length;
	b->n_items = nev;
	b->order = NULL;
	if (!sorted && (rc = sort_block(r, b)) < 0)
		return rc;
	return 0;
}

/* ---- sorted tables ------------------------------------------------------ */

/* Sort by id, keeping file order among equal ids (offsets grow). */
static int cmp_stack(const void *a, const void *b)
{
	const struct trace_stack_rec *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int cmp_thread(const void *a, const void *b)
{
	const struct trace_thread_rec *x = a, *y = b;

	if (x->num != y->num)
		return x->num < y->num ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int cmp_string(const void *a, const void *b)
{
	const struct trace_string_rec *x = a, *y = b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* Sort the table and drop later duplicates of an id. */
#define SORT_UNIQUE(arr, n, cmp, key)                                  \
	do {                                                           \
		size_t i_, k_ = 0;                                     \
		if ((n) > 1)                                           \
			qsort((arr), (n), sizeof(*(arr)), cmp);        \
		for (i_ = 0; i_ < (n); i_++)                           \
			if (!k_ || (arr)[k_ - 1].key != (arr)[i_].key) \
				(arr)[k_++] = (arr)[i_];               \
		(n) = k_;                                              \
	} while (0)

/* ---- the merge ---------------------------------------------------------- */

static uint32_t block_event_pos(const struct trace_reader *r,
				const struct trace_block *b, uint32_t k,
				uint32_t after)
{
	const uint8_t *pl;
	uint32_t pos;

	if (b->order)
		return b->order[k];
	/* In file order: the next item at or after 'after'. */
	pl = r->buf + b->payload;
	pos = after;
	for (;;) {
		uint64_t seq;
		uint8_t fast;

		if (item_key(pl + pos, &seq, &fast))
			return pos;
		pos += le16(pl + pos + 2);
	}
}

static bool cursor_less(const struct trace_cursor *a,
			const struct trace_cursor *b)
{
	if (a->seq != b->seq || a->fast != b->fast)
		return key_less(a->seq, a->fast, b->seq, b->fast);
	return a->block < b->block;
}

static void heap_down(struct trace_reader *r, size_t i)
{
	struct trace_cursor *h = r->heap;

	for (;;) {
		size_t l = 2 * i + 1, m = i;
		struct trace_cursor tmp;

		if (l < r->n_heap && cursor_less(&h[l], &h[m]))
			m = l;
		if (l + 1 < r->n_heap && cursor_less(&h[l + 1], &h[m]))
			m = l + 1;
		if (m == i)
			return;
		tmp = h[i];
		h[i] = h[m];
		h[m] = tmp;
		i = m;
	}
}

static void cursor_load(const struct trace_reader *r, struct trace_cursor *c,
			uint32_t after)
{
	const struct trace_block *b = &r->blocks[c->block];

	const uint8_t *p;

	c->pos = block_event_pos(r, b, c->next, after);
	p = r->buf + b->payload + c->pos;
	item_key(p, &c->seq, &c->fast);
	if (c->fast) {
		c->fpos = c->pos + FAST_LEN;
		c->fend = c->pos + le16(p + 2);
		memset(&c->fs, 0, sizeof(c->fs));
		c->fs.counted = r->version >= 3;
		c->fs.again = r->version >= 4;
	}
}

void trace_rewind(struct trace_reader *r)
{
	size_t i;

	r->n_heap = 0;
	for (i = 0; i < r->n_blocks; i++) {
		struct trace_cursor *c = &r->heap[r->n_heap++];

		c->block = (uint32_t)i;
		c->next = 0;
		cursor_load(r, c, 0);
	}
	for (i = r->n_heap / 2; i-- > 0;)
		heap_down(r, i);
}

bool trace_next_event(struct trace_reader *r, struct trace_ev *ev)
{
	struct trace_cursor *c;
	const struct trace_block *b;
	uint32_t len;

	if (!r->n_heap)
		return false;
	c = &r->heap[0];
	b = &r->blocks[c->block];
	if (c->fast) {
		const uint8_t *pl = r->buf + b->payload, *p = pl + c->fpos;

		/* Checked when the block was loaded: it decodes. The
		 * releases a tag counts are all at that one byte. */
		ev->offset = b->payload + c->fpos - (c->fs.pops ? 1 : 0);
		ev->thread = le32(pl + c->pos + 4);
		ev->seq = c->seq;
		(void)decode_fast(&p, pl + c->fend, &c->fs, ev);
		c->fpos = (uint32_t)(p - pl);
		if (c->fpos < c->fend || c->fs.pops)
			return true; /* same item, same key: the heap holds */
	} else {
		decode_event(r->buf + b->payload + c->pos, b->payload + c->pos,
			     ev);
	}
	len = le16(r->buf + b->payload + c->pos + 2);
	if (++c->next < b->n_items) {
		cursor_load(r, c, c->pos + len);
	} else {
		r->heap[0] = r->heap[--r->n_heap];
	}
	heap_down(r, 0);
	return true;
}

/* ---- open / close ------------------------------------------------------- */

static void free_tables(struct trace_reader *r)
{
	size_t i;

	for (i = 0; i < r->n_blocks; i++)
		free(r->blocks[i].order);
	free(r->blocks);
	free(r->heap);
	free(r->stacks);
	free(r->threads);
	free(r->strings);
	free(r->modules);
}

int trace_open_mem(struct trace_reader *r, const void *buf, size_t len,
		   char *err, size_t errlen)
{
	struct tables tb;
	uint64_t off;
	int rc;

	memset(r, 0, sizeof(*r));
	memset(&tb, 0, sizeof(tb));
	if (errlen)
		err[0] = 0;
	r->buf = buf;
	r->len = len;
	if (len == 0)
		return fail(err, errlen,
			    "offset 0: empty file, not a coffman trace");
	if (!trace_is_binary(buf, len))
		return fail(err, errlen, "offset 0: not a coffman trace");
	if (len < 16)
		return fail(err, errlen,
			    "offset 0: truncated header (%zu of %u bytes)", len,
			    HEADER_LEN);
	r->version = le32(r->buf + 8);
	r->header_size = le32(r->buf + 12);
	if (r->version < COFFMAN_TRACE_VERSION_MIN ||
	    r->version > COFFMAN_TRACE_VERSION)
		return fail(err, errlen,
			    "offset 8: unsupported version %u (this coffman "
			    "reads versions %u to %u)",
			    r->version, COFFMAN_TRACE_VERSION_MIN,
			    COFFMAN_TRACE_VERSION);
	if (r->header_size < HEADER_LEN || r->header_size > (1u << 20))
		return fail(err, errlen, "offset 12: bad header size %u",
			    r->header_size);
	if (len < r->header_size)
		return fail(err, errlen,
			    "offset 0: truncated header (%zu of %u bytes)", len,
			    r->header_size);
	r->pid = le32(r->buf + 16);
	r->ppid = le32(r->buf + 20);
	r->start_ns = le64(r->buf + 24);
	r->start_realtime_ns = le64(r->buf + 32);
	memcpy(r->exe, r->buf + 40, 256);
	r->exe[256] = 0;

	off = r->header_size;
	while (off < len) {
		uint64_t next = off;

		rc = load_block(r, &tb, off, &next, err, errlen);
		if (rc < 0)
			goto err_free_tables;
		if (rc > 0) {
			r->truncated = true;
			break;
		}
		off = next;
	}
	r->good_end = off;
	SORT_UNIQUE(r->stacks, r->n_stacks, cmp_stack, id);
	SORT_UNIQUE(r->threads, r->n_threads, cmp_thread, num);
	SORT_UNIQUE(r->strings, r->n_strings, cmp_string, id);
	if (r->n_blocks) {
		r->heap = malloc(r->n_blocks * sizeof(*r->heap));
		if (!r->heap) {
			rc = -ENOMEM;
			goto err_free_tables;
		}
	}
	trace_rewind(r);
	return 0;

err_free_tables:
	if (rc == -ENOMEM && errlen)
		snprintf(err, errlen, "out of memory");
	free_tables(r);
	memset(r, 0, sizeof(*r));
	return rc;
}

/* Read all of fd into a malloc'ed buffer. */
static int slurp(int fd, uint8_t **out, size_t *out_len)
{
	size_t cap = 1 << 16, len = 0;
	uint8_t *buf = malloc(cap), *p;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			if (cap > ((size_t)-1) / 2) {
				free(buf);
				return -ENOMEM;
			}
			p = realloc(buf, cap * 2);
			if (!p) {
				free(buf);
				return -ENOMEM;
			}
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			free(buf);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

int trace_open_fd(struct trace_reader *r, int fd, char *err, size_t errlen)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	void *map = NULL;
	int rc;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= (size_t)-1) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd,
			   0);
		if (map == MAP_FAILED)
			map = NULL;
	}
	if (map) {
		len = (size_t)st.st_size;
		rc = trace_open_mem(r, map, len, err, errlen);
		if (rc < 0) {
			munmap(map, len);
			return rc;
		}
		r->map = map;
		r->map_len = len;
		r->map_is_mmap = true;
		return 0;
	}
	rc = slurp(fd, &buf, &len);
	if (rc < 0) {
		snprintf(err, errlen, "offset 0: cannot read: %s",
			 strerror(-rc));
		return rc;
	}
	rc = trace_open_mem(r, buf, len, err, errlen);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	r->map = buf;
	r->map_len = len;
	r->map_is_mmap = false;
	return 0;
}

void trace_close(struct trace_reader *r)
{
	free_tables(r);
	if (r->map) {
		if (r->map_is_mmap)
			munmap(r->map, r->map_len);
		else
			free(r->map);
	}
	memset(r, 0, sizeof(*r));
}

/* ---- lookups ------------------------------------------------------------ */

#define BSEARCH(arr, n, key, want)                           \
	do {                                                 \
		size_t lo_ = 0, hi_ = (n);                   \
		while (lo_ < hi_) {                          \
			size_t mid_ = lo_ + (hi_ - lo_) / 2; \
			if ((arr)[mid_].key < (want))        \
				lo_ = mid_ + 1;              \
			else                                 \
				hi_ = mid_;                  \
		}                                            \
		if (lo_ < (n) && (arr)[lo_].key == (want))   \
			return &(arr)[lo_];                  \
		return NULL;                                 \
	} while (0)

const struct trace_stack_rec *trace_find_stack(const struct trace_reader *r,
					       uint32_t id)
{
	BSEARCH(r->stacks, r->n_stacks, id, id);
}

const struct trace_thread_rec *trace_find_thread(const struct trace_reader *r,
						 uint32_t num)
{
	BSEARCH(r->threads, r->n_threads, num, num);
}

const struct trace_string_rec *trace_find_string(const struct trace_reader *r,
						 uint32_t id)
{
	BSEARCH(r->strings, r->n_strings, id, id);
}

uint64_t trace_stack_pc(const struct trace_stack_rec *s, uint32_t i)
{
	return i < s->n ? le64(s->pcs + 8 * (size_t)i) : 0;
}
