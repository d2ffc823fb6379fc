/* SPDX-License-Identifier: MIT */
/* trace_write.c - per-thread buffered, block-checksummed trace writer. */
#include "trace_write.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "alloc.h"
#include "coffman/trace.h"
#include "lock.h"
#include "stackdepot.h"

#define BLOCK_HDR sizeof(struct coffman_trace_block)
/* A buffer, its ring, its state and its block header fit the allocator's
 * 64 KiB class. */
#define BUF_PAYLOAD (64 * 1024 - 384 - (uint32_t)sizeof(struct trace_ring))
#define MODULE_PAYLOAD (64 * 1024 - 128)
#define NAME_BYTES_MAX 1024	 /* bytes of an object name kept */
#define STACK_BITS (1u << 22)	 /* stack ids with a "written" bit */

_Static_assert(sizeof(struct coffman_trace_header) == 296, "header");
_Static_assert(sizeof(struct coffman_trace_block) == 16, "block");
_Static_assert(sizeof(struct coffman_trace_event) == 68, "event");
_Static_assert(sizeof(struct coffman_trace_stack) == 12, "stack");
_Static_assert(sizeof(struct coffman_trace_thread) == 36, "thread");
_Static_assert(sizeof(struct coffman_trace_string) == 8, "string");
_Static_assert(sizeof(struct coffman_trace_module) == 32, "module");
_Static_assert(sizeof(struct coffman_trace_fast) == 16, "fast");

#define FAST_EV_MAX 32 /* bytes of one compact event at most */
/* ...and of one count of releases with the event after it */
_Static_assert(1 + 1 + 10 + 10 + 5 < FAST_EV_MAX, "room");
/*
 * A buffer this close to full is written out when its thread drains its
 * ring holding no lock (a release's after the real unlock), not when it
 * fills, which is most often inside the
 * program's critical section: a write(2) of 64 KiB there stalls every
 * thread that wants the lock, and they block instead of spinning.
 */
#define SOFT_ROOM (8 * 1024)
#define FAST_LEN_MAX 65535u
_Static_assert(BUF_PAYLOAD <= COFFMAN_TRACE_BLOCK_MAX, "block size");
_Static_assert(MODULE_PAYLOAD <= COFFMAN_TRACE_BLOCK_MAX, "block size");

/*
 * A buffer is its thread's, but another thread may flush it (at exit, a
 * fork, a report, a fatal signal): the lock serialises every access to
 * it. Its owner's compact events, the most frequent, wait in its ring
 * (trace_write.h), which takes no lock.
 */
struct trace_buf {
	struct eng_lock lock;	  /* every append, drain and flush */
	uint32_t in_use;	  /* 1 while a thread owns it (atomic) */
	struct eng_thread *owner; /* the thread appending to it */
	struct trace_buf *next;	  /* all buffers, push-only list */
	uint32_t cap;		  /* payload bytes it can hold */
	uint32_t used;		  /* payload bytes held, under lock */
	uint32_t count;		  /* records held, under lock */
	uint32_t fast_at;	  /* payload offset + 1 of the open
				     TRACE_FAST record (the last one), 0 none */
	uint32_t fast_lim;	  /* room for one more compact event in it
				     while used < fast_lim (set_fast_at) */
	uint32_t soft_lim;	  /* written out early past this, at an
				     event of its owner's holding no lock */
	uint32_t fast_stack;	  /* previous values in it */
	uint64_t fast_addr, fast_pc;
	uint32_t fast_level;	  /* its nesting level (trace.h) */
	uint32_t fast_valid;	  /* levels with an acquisition in it */
	struct fast_level {
		uint64_t addr, pc;
		uint32_t stack;
	} fast_lv[COFFMAN_TRACE_FAST_LEVELS]; /* their last ones */
	uint32_t pops_done;	  /* owner's trace_pops drained, under lock */
	struct trace_ring ring;	  /* the owner's pending compact events */
	uint8_t block[];	  /* block header, then the payload */
};

_Static_assert(sizeof(struct trace_buf) + sizeof(struct coffman_trace_block) +
			       BUF_PAYLOAD <=
		       64 * 1024,
	       "buffer size");

int trace_enabled;

static int trace_fd = -1;	/* under file_lock */
static int trace_errno;		/* first failure, 0 none (atomic) */
static struct eng_lock file_lock = ENG_LOCK_INIT;
static struct trace_buf *all_bufs; /* atomic pushes only */
static uint64_t seq_last __attribute__((aligned(64)));
static uint32_t str_last __attribute__((aligned(64)));
static uint64_t stack_written[STACK_BITS / 64];
static uint32_t file_gen = 1; /* counts trace_start: eng_thread.trace_gen */

static struct trace_buf *module_buf; /* trace_module's, from trace_start */

/*
 * Depth of trace code on this thread. Non-zero at an entry point means a
 * signal handler interrupted the writer on its own thread: it must not
 * wait for locks this thread may hold.
 */
static __thread volatile int in_trace;

/* ---- little-endian fields ------------------------------------------------ */

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LE16(x) ((uint16_t)(x))
#define LE32(x) ((uint32_t)(x))
#define LE64(x) ((uint64_t)(x))
#else
#define LE16(x) __builtin_bswap16((uint16_t)(x))
#define LE32(x) __builtin_bswap32((uint32_t)(x))
#define LE64(x) __builtin_bswap64((uint64_t)(x))
#endif

/* ---- CRC-32 (IEEE 802.3, reflected, as zlib's crc32()) ------------------ */

/*
 * The checksum is most of what a trace costs per byte, so two ways:
 * slice-by-8 tables (about 1 cycle a byte), and on x86-64 with PCLMULQDQ
 * carry-less multiplication folding 64 bytes a step (the method and the
 * constants of Linux's arch/x86/crypto/crc32-pclmul_asm.S, after Intel's
 * "Fast CRC Computation Using PCLMULQDQ"). Both run on the CRC register:
 * ~0 at the start, inverted at the end. Set up by trace_start.
 */
static uint32_t crc_tab[8][256];

static uint32_t crc_slice8(uint32_t c, const uint8_t *p, size_t n)
{
	uint32_t lo, hi;

	for (; n >= 8; p += 8, n -= 8) {
		memcpy(&lo, p, 4);
		memcpy(&hi, p + 4, 4);
		lo = LE32(lo) ^ c;
		hi = LE32(hi);
		c = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
		    crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
		    crc_tab[3][hi & 0xff] ^ crc_tab[2][(hi >> 8) & 0xff] ^
		    crc_tab[1][(hi >> 16) & 0xff] ^ crc_tab[0][hi >> 24];
	}
	while (n--)
		c = crc_tab[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return c;
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <emmintrin.h>
#include <wmmintrin.h>

static bool have_pclmul;

#define LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define CLMUL(a, b, imm) _mm_clmulepi64_si128((a), (b), (imm))

/* x * x^(128+64)/x^128 folded onto the next 16 bytes d, with k = the
 * pair of constants for the distance. */
#define FOLD(x, k, d)                                                         \
	_mm_xor_si128(_mm_xor_si128(CLMUL((x), (k), 0x00),                    \
				    CLMUL((x), (k), 0x11)),                   \
		      (d))

/* n >= 64 and a multiple of 16. */
__attribute__((target("pclmul,sse2"))) static uint32_t
crc_pclmul(uint32_t crc, const uint8_t *p, size_t n)
{
	const __m128i k12 = _mm_set_epi64x(0x1c6e41596LL, 0x154442bd4LL);
	const __m128i k34 = _mm_set_epi64x(0x0ccaa009eLL, 0x1751997d0LL);
	const __m128i k5 = _mm_set_epi64x(0, 0x163cd6124LL);
	const __m128i poly = _mm_set_epi64x(0x1f7011641LL, 0x1db710641LL);
	const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
	__m128i x1, x2, x3, x4, t;

	x1 = _mm_xor_si128(LOAD(p), _mm_cvtsi32_si128((int)crc));
	x2 = LOAD(p + 16);
	x3 = LOAD(p + 32);
	x4 = LOAD(p + 48);
	for (p += 64, n -= 64; n >= 64; p += 64, n -= 64) {
		x1 = FOLD(x1, k12, LOAD(p));
		x2 = FOLD(x2, k12, LOAD(p + 16));
		x3 = FOLD(x3, k12, LOAD(p + 32));
		x4 = FOLD(x4, k12, LOAD(p + 48));
	}
	x1 = FOLD(x1, k34, x2);
	x1 = FOLD(x1, k34, x3);
	x1 = FOLD(x1, k34, x4);
	for (; n >= 16; p += 16, n -= 16)
		x1 = FOLD(x1, k34, LOAD(p));
	/* 128 bits to 64, then to 32, then Barrett reduction. */
	x1 = _mm_xor_si128(_mm_srli_si128(x1, 8), CLMUL(x1, k34, 0x10));
	t = _mm_srli_si128(x1, 4);
	x1 = _mm_xor_si128(CLMUL(_mm_and_si128(x1, mask32), k5, 0x00), t);
	t = x1;
	x1 = CLMUL(_mm_and_si128(x1, mask32), poly, 0x10);
	x1 = CLMUL(_mm_and_si128(x1, mask32), poly, 0x00);
	x1 = _mm_xor_si128(x1, t);
	return (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(x1, 4));
}
#endif

static void crc_init(void)
{
	uint32_t i, c;
	int k;

	if (crc_tab[0][1])
		return;
	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_tab[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			crc_tab[k][i] = (crc_tab[k - 1][i] >> 8) ^
					crc_tab[0][crc_tab[k - 1][i] & 0xff];
#if defined(__x86_64__)
	{
		unsigned a, b, ecx = 0, d;

		have_pclmul = __get_cpuid(1, &a, &b, &ecx, &d) &&
			      (ecx & bit_PCLMUL);
	}
#endif
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	uint32_t c = 0xffffffffu;

#if defined(__x86_64__)
	if (have_pclmul && n >= 64) {
		size_t m = n & ~(size_t)15;

		c = crc_pclmul(c, p, m);
		p += m;
		n -= m;
	}
#endif
	return ~crc_slice8(c, p, n);
}

/* ---- the file ------------------------------------------------------------ */

static void trace_fail(int err)
{
	int zero = 0;

	__atomic_compare_exchange_n(&trace_errno, &zero, err ? err : EIO, 0,
				    __ATOMIC_RELAXED, __ATOMIC_RELAXED);
	__atomic_store_n(&trace_enabled, 0, __ATOMIC_RELAXED);
}

/*
 * The raw system call: libc's write() is a cancellation point, and a
 * thread cancelled inside it would leave the buffer and file locks held.
 */
static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len > 0) {
		long n = syscall(SYS_write, fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static bool take(struct eng_lock *l, bool nowait)
{
	if (nowait)
		return eng_trylock(l);
	eng_lock(l);
	return true;
}

/*
 * Write b's records as one block (b locked). The buffer is emptied unless
 * the file lock could not be had without waiting, so that a later flush
 * still writes it. Returns false only then.
 */
/* Open (at = payload offset + 1) or close (0) b's TRACE_FAST record. */
static void set_fast_at(struct trace_buf *b, uint32_t at)
{
	uint32_t lim = b->cap - FAST_EV_MAX + 1;

	/* used + FAST_EV_MAX <= cap, and the record's length fits 16 bits */
	if (at && FAST_LEN_MAX - FAST_EV_MAX + at < lim)
		lim = FAST_LEN_MAX - FAST_EV_MAX + at;
	b->fast_at = at;
	b->fast_lim = at ? lim : 0;
}

static bool flush_buf(struct trace_buf *b, bool nowait)
{
	struct coffman_trace_block h;
	int saved = errno, rc, cancel;

	if (!b->used)
		return true;
	h.magic = LE32(COFFMAN_TRACE_BLOCK_MAGIC);
	h.length = LE32(b->used);
	h.crc32 = LE32(crc32_of(b->block + BLOCK_HDR, b->used));
	h.count = LE32(b->count);
	memcpy(b->block, &h, sizeof(h));
	if (!take(&file_lock, nowait))
		return false;
	/* One write per block, under the file lock: blocks never mix. */
	cancel = eng_cancel_off();
	if (trace_fd >= 0 && !__atomic_load_n(&trace_errno, __ATOMIC_RELAXED)) {
		rc = write_all(trace_fd, b->block, BLOCK_HDR + b->used);
		if (rc < 0)
			trace_fail(-rc);
	}
	eng_cancel_restore(cancel);
	eng_unlock(&file_lock);
	b->used = 0;
	b->count = 0;
	set_fast_at(b, 0);
	errno = saved;
	return true;
}

/* Room for a record of len bytes in b (locked), flushing it if full;
 * NULL if there is none (flush impossible without waiting). */
static uint8_t *reserve(struct trace_buf *b, size_t len, bool nowait)
{
	uint8_t *p;

	set_fast_at(b, 0); /* any other record ends the open TRACE_FAST */
	if (b->used + len > b->cap && !flush_buf(b, nowait))
		return NULL;
	if (b->used + len > b->cap)
		return NULL;
	p = b->block + BLOCK_HDR + b->used;
	b->used += (uint32_t)len;
	b->count++;
	return p;
}

static void rec_head(struct coffman_trace_rec *r, uint8_t type, size_t len)
{
	r->type = type;
	r->zero = 0;
	r->length = LE16(len);
}

/* ---- written-once bitmaps ------------------------------------------------ */

/* True if this call set bit i (the caller writes the record); beyond the
 * bitmap every call does. */
static bool bit_claim(uint64_t *bits, uint32_t nbits, uint32_t i)
{
	uint64_t m = 1ull << (i % 64);

	if (i >= nbits)
		return true;
	if (__atomic_load_n(&bits[i / 64], __ATOMIC_RELAXED) & m)
		return false;
	return !(__atomic_fetch_or(&bits[i / 64], m, __ATOMIC_RELAXED) & m);
}

static void bits_reset(uint64_t *bits, uint32_t nbits, uint32_t used)
{
	size_t words = (size_t)used / 64 + 1;

	if (words > nbits / 64)
		words = nbits / 64;
	memset(bits, 0, words * sizeof(*bits));
}

/* ---- records ------------------------------------------------------------- */

/* The stack record for id, unless some buffer already has it. */
static void put_stack(struct trace_buf *b, uint32_t id)
{
	struct coffman_trace_stack s;
	const uint64_t *pcs;
	uint8_t *p;
	int n, i;

	if (!id || !bit_claim(stack_written, STACK_BITS, id))
		return;
	n = stackdepot_get(id, &pcs);
	if (n <= 0)
		return;
	p = reserve(b, sizeof(s) + (size_t)n * 8, false);
	if (!p)
		return;
	rec_head(&s.rec, TRACE_STACK, sizeof(s) + (size_t)n * 8);
	s.id = LE32(id);
	s.n = LE32((uint32_t)n);
	memcpy(p, &s, sizeof(s));
	p += sizeof(s);
	for (i = 0; i < n; i++) {
		uint64_t pc = LE64(pcs[i]);

		memcpy(p + (size_t)i * 8, &pc, 8);
	}
}

/* Thread th's record, and its creation stack's. */
static void put_thread(struct trace_buf *b, const struct eng_thread *th)
{
	struct coffman_trace_thread r;
	uint8_t *p;

	put_stack(b, th->create_stack);
	p = reserve(b, sizeof(r), false);
	if (!p)
		return;
	memset(&r, 0, sizeof(r));
	rec_head(&r.rec, TRACE_THREAD, sizeof(r));
	r.num = LE32(th->num);
	r.tid = (int32_t)LE32((uint32_t)th->tid);
	r.parent = LE32(th->parent);
	r.create_stack = LE32(th->create_stack);
	/* Another thread may rename it meanwhile: a copy, terminated. */
	memcpy(r.name, th->name, sizeof(r.name));
	r.name[sizeof(r.name) - 1] = 0;
	memcpy(p, &r, sizeof(r));
}

/* Is th's record missing from this file, or out of date (a rename)? */
static bool record_stale(const struct eng_thread *th)
{
	return __atomic_load_n(&th->trace_gen, __ATOMIC_RELAXED) != file_gen ||
	       __atomic_load_n(&th->trace_dirty, __ATOMIC_RELAXED);
}

/* Thread t's record, in its own buffer b (locked): current from now. */
static void put_own_thread(struct trace_buf *b, struct eng_thread *t)
{
	__atomic_store_n(&t->trace_dirty, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&t->trace_gen, file_gen, __ATOMIC_RELAXED);
	put_thread(b, t);
}

static uint32_t put_string(struct trace_buf *b, const char *s)
{
	struct coffman_trace_string r;
	size_t len = strnlen(s, NAME_BYTES_MAX);
	uint32_t id;
	uint8_t *p = reserve(b, sizeof(r) + len, false);

	if (!p)
		return 0;
	id = __atomic_add_fetch(&str_last, 1, __ATOMIC_RELAXED);
	rec_head(&r.rec, TRACE_STRING, sizeof(r) + len);
	r.id = LE32(id);
	memcpy(p, &r, sizeof(r));
	memcpy(p + sizeof(r), s, len);
	return id;
}

static void put_event(struct trace_buf *b, struct eng_thread *t,
		      const struct coffman_event *ev, uint32_t stack,
		      uint32_t str)
{
	struct coffman_trace_event r;
	uint8_t *p = reserve(b, sizeof(r), false);
	uint64_t seq;

	if (!p)
		return;
	rec_head(&r.rec, TRACE_EVENT, sizeof(r));
	r.op = (uint8_t)ev->op;
	r.kind = (uint8_t)ev->kind;
	r.mode = (uint8_t)ev->mode;
	r.flags = (uint8_t)ev->flags;
	r.thread = LE32(t->num);
	/* Reserved when the engine took the event (trace_next_seq), so the
	 * order is the engine's; within a thread's block it only grows. */
	seq = ev->seq ? ev->seq
		      : __atomic_add_fetch(&seq_last, 1, __ATOMIC_RELAXED);
	r.seq = LE64(seq);
	t->trace_last_seq = seq; /* what its next TRACE_FAST follows */
	r.ts_ns = LE64(ev->ts_ns);
	r.addr = LE64(ev->addr);
	r.arg = LE64(ev->arg);
	r.pc = LE64(ev->pc);
	r.stack = LE32(stack);
	r.owner_tid = (int32_t)LE32((uint32_t)ev->owner_tid);
	r.str = LE32(str);
	r.reserved = 0;
	memcpy(p, &r, sizeof(r));
}

/* ---- buffers ------------------------------------------------------------- */

/* t's buffer: a free one (left by an exited thread) or a new one. */
static struct trace_buf *buf_of(struct eng_thread *t)
{
	struct trace_buf *b = t->trace_buf;
	uint32_t zero;

	if (b && b->owner == t)
		return b;
	for (b = __atomic_load_n(&all_bufs, __ATOMIC_ACQUIRE); b; b = b->next) {
		zero = 0;
		if (__atomic_compare_exchange_n(&b->in_use, &zero, 1, 0,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			goto claimed;
	}
	b = eng_alloc_lazy(sizeof(*b) + BLOCK_HDR + BUF_PAYLOAD);
	if (!b)
		return NULL;
	b->cap = BUF_PAYLOAD;
	b->soft_lim = BUF_PAYLOAD - SOFT_ROOM;
	b->in_use = 1;
	b->next = __atomic_load_n(&all_bufs, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&all_bufs, &b->next, b, 1,
					    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
claimed:
	b->owner = t;
	t->trace_buf = b;
	return b;
}

static void drain_locked(struct trace_buf *b);
static void ring_open(struct trace_buf *b, struct eng_thread *t);
static void ring_close(struct eng_thread *t);

void trace_thread_start(struct eng_thread *t)
{
	struct trace_buf *b;

	if (!__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED) || in_trace)
		return;
	in_trace = 1;
	b = buf_of(t);
	if (b) {
		eng_lock(&b->lock);
		if (record_stale(t))
			put_own_thread(b, t);
		ring_open(b, t);
		eng_unlock(&b->lock);
	}
	in_trace = 0;
}

void trace_event(struct eng_thread *t, const struct coffman_event *ev,
		 uint32_t stack)
{
	struct trace_buf *b;
	uint32_t str = 0;
	bool own;

	if (!__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED) || in_trace)
		return;
	in_trace = 1;
	b = buf_of(t);
	if (!b) {
		trace_fail(ENOMEM);
		goto out;
	}
	/*
	 * t's record goes in t's own buffer only: at its first event, and
	 * again after a rename. Were another thread to write it, which of
	 * two records comes last in the file would depend on flush order.
	 */
	own = false;
	if (ev->op == OP_NAME && ev->kind == KIND_THREAD && ev->str) {
		struct eng_thread *named =
			ev->addr ? threads_find((uint32_t)ev->addr) : t;

		if (named == t)
			own = true;
		else if (named)
			__atomic_store_n(&named->trace_dirty, 1,
					 __ATOMIC_RELAXED);
	}
	eng_lock(&b->lock);
	drain_locked(b); /* t's compact events came first */
	if (own || record_stale(t))
		put_own_thread(b, t);
	put_stack(b, stack);
	if (ev->op == OP_NAME && ev->str)
		str = put_string(b, ev->str);
	put_event(b, t, ev, stack, str);
	if (ev->op != OP_THREAD_EXIT)
		ring_open(b, t);
	if (ev->op == OP_THREAD_EXIT) {
		/* Its last event: hand the buffer to the next new thread. */
		flush_buf(b, false);
		ring_close(t);
		b->owner = NULL;
		t->trace_buf = NULL;
		__atomic_store_n(&b->in_use, 0, __ATOMIC_RELEASE);
	}
	eng_unlock(&b->lock);
out:
	in_trace = 0;
}

/* ---- compact events (TRACE_FAST) ------------------------------------------ */

static inline uint8_t *put_varint(uint8_t *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	*p++ = (uint8_t)v;
	return p;
}

static uint64_t zigzag(uint64_t now, uint64_t prev)
{
	uint64_t d = now - prev;

	return (d << 1) ^ (uint64_t)-(int64_t)(d >> 63);
}

/* Start a TRACE_FAST record for t in b (locked), with room for one event
 * after it. False if there is no room (flush impossible). */
static bool open_fast(struct trace_buf *b, const struct eng_thread *t)
{
	struct coffman_trace_fast f;
	uint8_t *p = reserve(b, sizeof(f) + FAST_EV_MAX, false);

	if (!p)
		return false;
	b->used -= FAST_EV_MAX; /* only the header, for now */
	rec_head(&f.rec, TRACE_FAST, sizeof(f));
	f.thread = LE32(t->num);
	f.after_seq = LE64(t->trace_last_seq);
	memcpy(p, &f, sizeof(f));
	set_fast_at(b, (uint32_t)(p - (b->block + BLOCK_HDR)) + 1);
	b->fast_addr = 0;
	b->fast_pc = 0;
	b->fast_stack = 0;
	b->fast_level = 0;
	b->fast_valid = 0;
	return true;
}

/* An open TRACE_FAST record in b with room for one more event. */
static inline bool fast_room(const struct trace_buf *b)
{
	return b->used < b->fast_lim;
}

/* Is stack id's record in the file (or on its way)? */
static inline bool stack_known(uint32_t id)
{
	return !id || (id < STACK_BITS &&
		       (__atomic_load_n(&stack_written[id / 64],
					__ATOMIC_RELAXED) &
			(1ull << (id % 64))));
}

/* Ring event e as a compact event in full: its tag, then its
 * differences from the previous event's addr, pc (and stack). */
static inline uint8_t *put_long(uint8_t *p, uint8_t tag,
				const struct trace_pending *e, uint64_t addr,
				uint64_t pc, uint32_t stack)
{
	*p++ = tag;
	p = put_varint(p, zigzag(e->addr, addr));
	p = put_varint(p, zigzag(e->pc, pc));
	if (!(tag & 1)) /* an acquisition: its stack */
		p = put_varint(p, zigzag(e->stack, stack));
	return p;
}

/*
 * *n releases as compact counts at p, as many as fit before lim: one byte
 * for up to 63, and the record's nesting level *level lowered by as many
 * (down to 0). Returns the end; *n is left with those that did not fit.
 * Out of line: most counts are one byte, written in place.
 */
static __attribute__((noinline)) uint8_t *
put_counts(uint8_t *p, const uint8_t *lim, uint32_t *n, uint32_t *level)
{
	while (*n && p < lim) {
		uint32_t k = *n < 63 ? *n : 63;

		*p++ = (uint8_t)(k << 2 | COFFMAN_TRACE_FAST_RELEASED);
		*level = *level > k ? *level - k : 0;
		*n -= k;
	}
	return p;
}

/*
 * Append n of the owner's releases to b's open TRACE_FAST record (b
 * locked, room for one more event in it), as many as it has room for;
 * returns how many it took.
 */
static uint32_t put_pops(struct trace_buf *b, uint32_t n)
{
	uint8_t *base = b->block + BLOCK_HDR, *rec = base + b->fast_at - 1;
	uint8_t *p = base + b->used;
	uint32_t left = n, len;

	p = put_counts(p, base + b->fast_lim, &left, &b->fast_level);
	b->used = (uint32_t)(p - base);
	len = (uint32_t)(p - rec);
	rec[2] = (uint8_t)len;
	rec[3] = (uint8_t)(len >> 8);
	return n - left;
}

/*
 * Append ring events i, i+1, ... before h to b's open TRACE_FAST record
 * (b locked, room for one more in it), each after the owner's releases
 * that came before it, as long as it has room and their stacks are in the
 * file (known: one that is, event i's); returns the first one not
 * appended, after i. The releases before the first one not appended may
 * be in (b->pops_done counts them).
 */
static uint32_t put_fast_run(struct trace_buf *b, const struct trace_ring *r,
			     uint32_t i, uint32_t h, uint32_t known)
{
	uint8_t *base = b->block + BLOCK_HDR, *rec = base + b->fast_at - 1;
	uint8_t *p = base + b->used, *lim = base + b->fast_lim;
	uint32_t len, pops = b->pops_done;
	uint32_t level = b->fast_level, valid = b->fast_valid;

	/* Few values live across the loop: the short form, the commonest,
	 * needs only its level's; the full form's previous values stay in
	 * b. */
	for (; i != h && p < lim; i++) {
		const struct trace_pending *e = &r->ev[i % TRACE_RING];
		uint32_t tag = e->tag_pops & 0xff;
		/* releases before it, mostly none, one or two */
		uint32_t k = ((e->tag_pops >> 8) - pops) & 0xffffff;

		if (k && k < 64) {
			/* one byte; the room left for the event after it is
			 * still FAST_EV_MAX - 1 */
			*p++ = (uint8_t)(k << 2 | COFFMAN_TRACE_FAST_RELEASED);
			pops += k;
			level = level > k ? level - k : 0;
		} else if (k) {
			uint32_t left = k, lv = level;

			p = put_counts(p, lim, &left, &lv);
			level = lv;
			pops += k - left;
			if (left || p >= lim)
				break;
		}
		if (tag & COFFMAN_TRACE_FAST_AGAIN) {
			/* the lock above the top, again: the tag alone, and
			 * its level has no last acquisition now */
			*p++ = (uint8_t)tag;
			if (level < COFFMAN_TRACE_FAST_LEVELS)
				valid &= ~(1u << level);
			level++;
			continue;
		}
		if (!(tag & 1) && level < COFFMAN_TRACE_FAST_LEVELS &&
		    (valid >> level & 1)) {
			/* An acquisition (COFFMAN_TRACE_FAST_ACQUIRED or
			 * _ACQUIRED_SHARED) as the last one at its level:
			 * locks are most often 8 bytes apart or more, then
			 * the difference in eights */
			struct fast_level *l = &b->fast_lv[level];
			uint64_t z = zigzag(e->addr, l->addr);

			if (l->pc == e->pc && l->stack == e->stack &&
			    !(z >> 62)) {
				uint64_t v = (e->addr - l->addr) & 7 ? z << 1
								     : z >> 2 | 1;

				*p++ = (uint8_t)(tag | COFFMAN_TRACE_FAST_SHORT);
				if (v < 0x80) /* most often */
					*p++ = (uint8_t)v;
				else
					p = put_varint(p, v);
				l->addr = e->addr;
				level++;
				continue;
			}
		}
		if (!(tag & 1)) {
			/* in full, with its stack, which must be in the
			 * file first: fast_stack (the last one) and known
			 * (the one before) are, so that two taken in turn
			 * are looked up once */
			if (e->stack != b->fast_stack) {
				if (e->stack != known && !stack_known(e->stack))
					break;
				known = b->fast_stack;
			}
			if (level < COFFMAN_TRACE_FAST_LEVELS) {
				struct fast_level *l = &b->fast_lv[level];

				l->addr = e->addr;
				l->pc = e->pc;
				l->stack = e->stack;
				valid |= 1u << level;
			}
			level++;
		}
		p = put_long(p, (uint8_t)tag, e, b->fast_addr, b->fast_pc,
			     b->fast_stack);
		b->fast_addr = e->addr;
		b->fast_pc = e->pc;
		if (!(tag & 1))
			b->fast_stack = e->stack;
	}
	b->fast_level = level;
	b->fast_valid = valid;
	b->pops_done = pops;
	b->used = (uint32_t)(p - base);
	len = (uint32_t)(p - rec);
	rec[2] = (uint8_t)len;
	rec[3] = (uint8_t)(len >> 8);
	return i;
}

/* The releases t (b's owner, b locked) has counted: all of them that
 * came before the ring events published now, read before head is. */
static uint32_t pops_of(const struct trace_buf *b, const struct eng_thread *t)
{
	if (!t || t->trace_ring != &b->ring)
		return b->pops_done;
	return __atomic_load_n(&t->trace_pops, __ATOMIC_ACQUIRE);
}

/*
 * Encode the compact events waiting in b's ring into b (locked), after
 * the owner's record if it is missing or stale, with the owner's releases
 * among them. Safe against the owner appending meanwhile: only the
 * events published before head was read are taken, and the owner writes
 * no slot of those until tail passes it; its releases are read before
 * head, so those that came after an event not taken are not.
 */
static void drain_locked(struct trace_buf *b)
{
	struct trace_ring *r = &b->ring;
	struct eng_thread *t = b->owner;
	uint32_t pops = pops_of(b, t);
	uint32_t h = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	uint32_t i = r->tail;

	if (i == h && pops == b->pops_done)
		return;
	if (t && record_stale(t))
		put_own_thread(b, t);
	while (t && i != h) {
		uint32_t stack = r->ev[i % TRACE_RING].stack;

		/* A stack record ends the open TRACE_FAST record. */
		if (!stack_known(stack))
			put_stack(b, stack);
		if (!fast_room(b) && !open_fast(b, t))
			break; /* no room, nor a flush: dropped */
		i = put_fast_run(b, r, i, h, stack);
	}
	/* Releases after the last event taken (none if that event came
	 * after the releases read) */
	while (t && (int32_t)(pops - b->pops_done) > 0) {
		if (!fast_room(b) && !open_fast(b, t))
			break;
		b->pops_done += put_pops(b, pops - b->pops_done);
	}
	if ((int32_t)(pops - b->pops_done) > 0)
		b->pops_done = pops; /* dropped with the events */
	__atomic_store_n(&r->tail, h, __ATOMIC_RELEASE);
}

/* Let t append to its buffer's ring (b locked, t its owner). */
static void ring_open(struct trace_buf *b, struct eng_thread *t)
{
	/* Drained (or new): the releases it counts start here. */
	b->pops_done = t->trace_pops;
	t->trace_ring = &b->ring;
}

/* t, b's owner, appends to its ring no more (b locked). */
static void ring_close(struct eng_thread *t)
{
	t->trace_ring = NULL;
}

void trace_fast_slow(struct eng_thread *t, uint32_t what, uint64_t addr,
		     uint64_t pc, uint32_t stack)
{
	struct trace_buf *b = t->trace_buf;
	uint32_t op = (what >> 8) & 0xff, kind = what >> 24;
	int saved = errno;

	if (!__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED) || in_trace)
		return;
	/* No buffer of its own yet, or its record is missing from this
	 * file: a full event, which claims a buffer, writes the record and
	 * opens the ring. */
	if (!b || b->owner != t || t->trace_gen != file_gen || kind > 15) {
		struct coffman_event ev = {
			.op = op,
			.kind = kind,
			.mode = (what >> 16) & 15,
			.flags = (what & (1u << 20)) ? EVF_TRY : 0,
			.addr = addr,
			.pc = pc,
		};

		trace_event(t, &ev, stack);
		errno = saved;
		return;
	}
	/* The ring is full (t holds locks all this while): drain it here,
	 * then append to the empty ring. */
	in_trace = 1;
	eng_lock(&b->lock);
	drain_locked(b);
	ring_open(b, t);
	if (op == OP_RELEASE) /* the ring was closed: open now, it counts */
		__atomic_store_n(&t->trace_pops, t->trace_pops + 1,
				 __ATOMIC_RELEASE);
	else
		trace_fast(t, what, addr, pc, stack);
	if (!t->depth && b->used >= b->soft_lim)
		flush_buf(b, false);
	eng_unlock(&b->lock);
	in_trace = 0;
	errno = saved;
}

void trace_drain(struct eng_thread *t)
{
	struct trace_buf *b = t->trace_buf;
	int saved = errno;

	if (!b || in_trace)
		return;
	in_trace = 1;
	eng_lock(&b->lock);
	if (b->owner == t) {
		drain_locked(b);
		if (b->used >= b->soft_lim)
			flush_buf(b, false);
	}
	eng_unlock(&b->lock);
	in_trace = 0;
	errno = saved;
}

void trace_module(const char *path, uint64_t base, uint64_t start,
		  uint64_t end, const uint8_t *build_id, uint8_t build_id_len)
{
	struct coffman_trace_module r;
	struct trace_buf *b = module_buf;
	size_t plen = strnlen(path, 4096), len;
	uint8_t *p;

	if (!__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED) || in_trace ||
	    !b)
		return;
	in_trace = 1;
	len = sizeof(r) + build_id_len + plen;
	eng_lock(&b->lock);
	p = reserve(b, len, false);
	if (p) {
		memset(&r, 0, sizeof(r));
		rec_head(&r.rec, TRACE_MODULE, len);
		r.base = LE64(base);
		r.start = LE64(start);
		r.end = LE64(end);
		r.build_id_len = build_id_len;
		memcpy(p, &r, sizeof(r));
		if (build_id_len)
			memcpy(p + sizeof(r), build_id, build_id_len);
		memcpy(p + sizeof(r) + build_id_len, path, plen);
	}
	eng_unlock(&b->lock);
	in_trace = 0;
}

void trace_options(const char *text)
{
	struct coffman_trace_options r;
	struct trace_buf *b = module_buf;
	size_t tlen = strnlen(text, 2048), len = sizeof(r) + tlen;
	uint8_t *p;

	if (!__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED) || in_trace ||
	    !b || !tlen)
		return;
	in_trace = 1;
	eng_lock(&b->lock);
	p = reserve(b, len, false);
	if (p) {
		rec_head(&r.rec, TRACE_OPTIONS, len);
		memcpy(p, &r, sizeof(r));
		memcpy(p + sizeof(r), text, tlen);
	}
	eng_unlock(&b->lock);
	in_trace = 0;
}

uint64_t trace_next_seq(void)
{
	return __atomic_add_fetch(&seq_last, 1, __ATOMIC_RELAXED);
}

/* Flush b, which another thread may own: its ring first. */
static void flush_one(struct trace_buf *b, bool nowait)
{
	if (!take(&b->lock, nowait))
		return;
	drain_locked(b);
	flush_buf(b, nowait);
	eng_unlock(&b->lock);
}

void trace_flush_all(void)
{
	struct trace_buf *b, *first;
	bool nowait = in_trace != 0;

	in_trace++;
	/* Modules first: a trace cut short can still be symbolised. */
	if (module_buf)
		flush_one(module_buf, nowait);
	first = __atomic_load_n(&all_bufs, __ATOMIC_ACQUIRE);
	for (b = first; b; b = b->next)
		flush_one(b, nowait);
	in_trace--;
}

/* A thread without a current record of its own, described at the end. */
static void late_thread(void *ctx, struct eng_thread *th)
{
	struct trace_buf *b = ctx;

	if (!record_stale(th))
		return;
	__atomic_store_n(&th->trace_dirty, 0, __ATOMIC_RELAXED);
	put_thread(b, th);
}

void trace_finish(uint32_t reason, uint64_t ts_ns)
{
	struct trace_buf *b = module_buf;
	struct coffman_trace_end end;
	uint8_t *p;

	trace_flush_all();
	if (!__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED) || in_trace ||
	    !b)
		return;
	in_trace = 1;
	/* After every buffer: these records are the last word on them. */
	eng_lock(&b->lock);
	flush_buf(b, false);
	threads_for_each(late_thread, b);
	p = reserve(b, sizeof(end), false);
	if (p) {
		rec_head(&end.rec, TRACE_END, sizeof(end));
		end.reason = LE32(reason);
		end.reserved = 0;
		end.ts_ns = LE64(ts_ns);
		memcpy(p, &end, sizeof(end));
	}
	flush_buf(b, false);
	eng_unlock(&b->lock);
	in_trace = 0;
}

int trace_start(int fd, uint32_t pid, uint32_t ppid, const char *exe,
		uint64_t start_ns, uint64_t start_realtime_ns)
{
	struct coffman_trace_header h;
	size_t len;
	int rc;

	if (fd < 0)
		return -EBADF;
	if (!module_buf) {
		module_buf = eng_alloc_lazy(sizeof(*module_buf) + BLOCK_HDR +
					    MODULE_PAYLOAD);
		if (!module_buf)
			return -ENOMEM;
		module_buf->cap = MODULE_PAYLOAD;
	}
	crc_init();
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, COFFMAN_TRACE_MAGIC, sizeof(h.magic));
	h.version = LE32(COFFMAN_TRACE_VERSION);
	h.header_size = LE32(sizeof(h));
	h.pid = LE32(pid);
	h.ppid = LE32(ppid);
	h.start_ns = LE64(start_ns);
	h.start_realtime_ns = LE64(start_realtime_ns);
	len = exe ? strnlen(exe, sizeof(h.exe) - 1) : 0;
	if (len)
		memcpy(h.exe, exe, len);
	/* A new file needs every thread, stack and string again. */
	bits_reset(stack_written, STACK_BITS, stackdepot_count());
	file_gen++;
	__atomic_store_n(&seq_last, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&str_last, 0, __ATOMIC_RELAXED);
	eng_lock(&file_lock);
	rc = write_all(fd, (const uint8_t *)&h, sizeof(h));
	if (rc == 0) {
		trace_fd = fd;
		trace_errno = 0;
	}
	eng_unlock(&file_lock);
	if (rc == 0)
		__atomic_store_n(&trace_enabled, 1, __ATOMIC_RELEASE);
	return rc;
}

void trace_stop(void)
{
	int fd;

	trace_flush_all();
	__atomic_store_n(&trace_enabled, 0, __ATOMIC_RELAXED);
	eng_lock(&file_lock);
	fd = trace_fd;
	trace_fd = -1; /* a late flush now drops its block */
	eng_unlock(&file_lock);
	if (fd >= 0)
		close(fd);
}

int trace_error(void)
{
	return __atomic_load_n(&trace_errno, __ATOMIC_RELAXED);
}

void trace_after_fork(struct eng_thread *self)
{
	struct trace_buf *b;

	/* Single-threaded now: what the parent's threads left half-done
	 * (locks, records after its pre-fork flush) is the parent's. */
	eng_lock_reset(&file_lock);
	for (b = all_bufs; b; b = b->next) {
		eng_lock_reset(&b->lock);
		b->ring.head = 0;
		b->ring.tail = 0;
		set_fast_at(b, 0);
		b->used = 0;
		b->count = 0;
		b->owner = NULL;
		b->in_use = 0;
	}
	if (module_buf) {
		eng_lock_reset(&module_buf->lock);
		module_buf->used = 0;
		module_buf->count = 0;
	}
	trace_enabled = 0;
	/* Its next compact event claims a buffer again, in the new file. */
	if (self)
		ring_close(self);
	if (trace_fd >= 0)
		close(trace_fd);
	trace_fd = -1;
	trace_errno = 0;
	in_trace = 0;
}
