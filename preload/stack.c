/* SPDX-License-Identifier: MIT */
/*
 * stack.c - capture the calling thread's return addresses without allocating:
 * the system unwinder's _Unwind_Backtrace() (libgcc_s, as glibc's own
 * backtrace() uses), else a frame-pointer walk that never leaves the
 * thread's mapped stack.
 */
#include "stack.h"

#include "alloc.h"
#include "lock.h"
#include "stackdepot.h"
#include "stackdepot.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <string.h>

/* Our own call chain is a few frames; more means a corrupt link. */
#define STACK_OWN_MAX	32
/*
 * Largest distance from sp to a stack top we believe. Keeps the walk off
 * stacks that are not the thread's own (ucontext, sigaltstack); mmap areas
 * start at least 128 MiB below the main stack's top.
 */
#define STACK_SPAN_MAX	((uintptr_t)64 << 20)
/* A return address below the first page is a zeroed or garbage link. */
#define STACK_PC_MIN	4096

/*
 * Under TSan the frame-pointer walk only: TSan intercepts the unwinder for
 * its own reports.
 */
#if defined(__SANITIZE_THREAD__)
#define STACK_TRY_UNWINDER 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STACK_TRY_UNWINDER 0
#endif
#endif
#ifndef STACK_TRY_UNWINDER
#define STACK_TRY_UNWINDER 1
#endif

/*
 * libgcc_s's unwinder, declared here so no header decides which library
 * provides it. It keeps no state for a thread: a new thread's first walk
 * costs what any walk costs (libunwind's unw_backtrace() first fills a
 * 256 KiB cache for each thread, some 100 us, inside the program's
 * critical section; that widened races enough to make real deadlocks hang
 * far more often than without the runtime).
 */
struct _Unwind_Context;
typedef int unwind_trace_fn(struct _Unwind_Context *ctx, void *arg);
typedef int unwind_backtrace_fn(unwind_trace_fn *fn, void *arg);
typedef uintptr_t unwind_get_ip_fn(struct _Unwind_Context *ctx);
typedef uintptr_t unwind_get_cfa_fn(struct _Unwind_Context *ctx);
#define URC_NO_REASON 0
#define URC_END_OF_STACK 5

/* Exported by ld.so since glibc 2.1: the main thread's sp at _start. */
extern void *__libc_stack_end;

static unwind_backtrace_fn *unwind_backtrace_p; /* NULL: frame pointers */
static unwind_get_ip_fn *unwind_get_ip_p;
static unwind_get_cfa_fn *unwind_get_cfa_p; /* NULL: no stack cache */
static uintptr_t text_lo;		  /* libcoffman.so text, inclusive */
static uintptr_t text_hi;		  /* and exclusive; 0/0 before init */
static int initialised;			  /* stored last, release/acquire */

/*
 * Set while this thread captures. volatile because glibc's leaf functions
 * let GCC delete stores to a plain static flag (PRELOAD-NOTES 2.3).
 */
static __thread volatile int in_capture
	__attribute__((tls_model("initial-exec")));

/*
 * dl_iterate_phdr() callback: 'anchor' is the address of this very
 * function, so the module with an executable PT_LOAD containing it is ours.
 * That identifies the module exactly, with no name or base to compare.
 */
static int find_text(struct dl_phdr_info *info, size_t size, void *anchor)
{
	uintptr_t a = (uintptr_t)anchor;
	uintptr_t lo = UINTPTR_MAX, hi = 0;
	bool mine = false;

	(void)size;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start, end;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
			continue;
		start = info->dlpi_addr + ph->p_vaddr;
		end = start + ph->p_memsz;
		if (a >= start && a < end)
			mine = true;
		if (start < lo)
			lo = start;
		if (end > hi)
			hi = end;
	}
	if (!mine)
		return 0;
	text_lo = lo;
	text_hi = hi;
	return 1;
}

void stack_init(void)
{
	uint64_t warm[8];
	void *h = NULL;

	if (__atomic_load_n(&initialised, __ATOMIC_ACQUIRE))
		return;

	dl_iterate_phdr(find_text, (void *)find_text);

	/*
	 * The process's own libgcc_s (a C++ program or pthread_cancel has
	 * loaded it), else loaded now; never linked, so the link order of
	 * the program's unwinders stays its own (PRELOAD-NOTES 4).
	 */
	if (STACK_TRY_UNWINDER) {
		h = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_NOLOAD);
		if (!h)
			h = dlopen("libgcc_s.so.1", RTLD_NOW | RTLD_LOCAL);
	}
	if (h) {
		unwind_get_ip_p =
			(unwind_get_ip_fn *)dlsym(h, "_Unwind_GetIP");
		unwind_backtrace_p =
			(unwind_backtrace_fn *)dlsym(h, "_Unwind_Backtrace");
		if (!unwind_get_ip_p)
			unwind_backtrace_p = NULL;
		unwind_get_cfa_p =
			(unwind_get_cfa_fn *)dlsym(h, "_Unwind_GetCFA");
	}
	__atomic_store_n(&initialised, 1, __ATOMIC_RELEASE);
	/* Its lazy setup (finding the loader's object lookup) runs now. */
	if (unwind_backtrace_p)
		stack_capture(warm, (int)(sizeof(warm) / sizeof(warm[0])));
}

int stack_pc_is_ours(uint64_t pc)
{
	return pc >= text_lo && pc < text_hi;
}

struct walk {
	uint64_t *pcs;
	uint64_t *slots; /* where each pc was read from, or NULL */
	int n, max;
	int own; /* our own frames seen, to give up on a runaway walk */
};

static int walk_frame(struct _Unwind_Context *ctx, void *arg)
{
	struct walk *w = arg;
	uint64_t pc = unwind_get_ip_p(ctx);

	if (pc < STACK_PC_MIN)
		return URC_END_OF_STACK;
	if (stack_pc_is_ours(pc)) {
		if (++w->own > STACK_OWN_MAX)
			return URC_END_OF_STACK;
	} else {
		/* x86-64: the frame's pc was read from just below the CFA
		 * the context holds (checked before the slot is trusted). */
		if (w->slots)
			w->slots[w->n] = unwind_get_cfa_p(ctx) - sizeof(uint64_t);
		w->pcs[w->n++] = pc;
	}
	return w->n < w->max ? URC_NO_REASON : URC_END_OF_STACK;
}

static int capture_unwind(uint64_t *pcs, uint64_t *slots, int max)
{
	struct walk w = { pcs, slots, 0, max, 0 };

	unwind_backtrace_p(walk_frame, &w);
	return w.n;
}

/*
 * Exclusive upper bound of the memory above sp that is certainly mapped, or
 * 0 if unknown. glibc puts a thread's descriptor (pthread_self()) at the top
 * of its stack mapping, user-supplied stacks included; the main thread's
 * frames all lie below __libc_stack_end. pthread_getattr_np() would be
 * exact but allocates, and on the main thread parses /proc/self/maps.
 */
static uintptr_t stack_top(uintptr_t sp)
{
	uintptr_t self = (uintptr_t)pthread_self();
	uintptr_t main_top = (uintptr_t)__libc_stack_end;

	if (self > sp && self - sp <= STACK_SPAN_MAX)
		return self;
	if (main_top > sp && main_top - sp <= STACK_SPAN_MAX)
		return main_top;
	return 0;
}

/*
 * Frame-pointer walk. A frame's saved link is only as good as the caller's
 * code: ours is built with -fno-omit-frame-pointer, so links whose return
 * address is ours are followed as they are; past that, in code that may use
 * rbp as a plain register, each link must go up the stack, be aligned, and
 * stay below stack_top(). With no known top, this yields just the first
 * return address outside our text, which is what the report needs most.
 */
static int capture_frames(uint64_t *pcs, int max)
{
	const uintptr_t *fp = __builtin_frame_address(0);
	uintptr_t lo = (uintptr_t)fp, hi, next;
	int n = 0;

	for (int i = 0; stack_pc_is_ours(fp[1]); i++) {
		next = fp[0];
		if (i == STACK_OWN_MAX || next <= (uintptr_t)fp)
			return 0;
		fp = (const uintptr_t *)next;
	}

	hi = stack_top(lo);
	while (n < max) {
		if (fp[1] < STACK_PC_MIN)
			break;
		if (!stack_pc_is_ours(fp[1]))
			pcs[n++] = fp[1];
		next = fp[0];
		if (next <= (uintptr_t)fp || next % sizeof(uintptr_t) ||
		    next >= hi || hi - next < 2 * sizeof(uintptr_t))
			break;
		fp = (const uintptr_t *)next;
	}
	return n;
}

/*
 * A thread's recent stacks. The unwinder costs about 100-400 ns a frame
 * (it finds and decodes each function's unwind table), and a program that
 * makes many locks or many new nestings from one place has it walk the
 * same frames again and again. A stack is taken from here when it is
 * provably the same: its innermost return address sits in the same stack
 * slot (found by following our own frame pointers, no unwinding), and
 * every other return address it holds is still in the slot it was read
 * from. That is the same chain of calls: each return address is where the
 * unwinder would read it again. Only for x86-64, where that slot is
 * CFA - 8, and only slots checked at the walk that filled the entry.
 */
#if defined(__x86_64__)
#define SC_WAYS 8
struct sc_entry {
	uint64_t pc0, slot0; /* innermost return address and its slot */
	uintptr_t top;	     /* stack_top() when filled */
	int n;		     /* frames, 0 for an empty entry */
};
struct stack_cache {
	int max; /* frames an entry holds: the capture size */
	unsigned next; /* the entry a new stack replaces, round robin */
	size_t bytes;
	struct sc_entry e[SC_WAYS];
	uint64_t frames[]; /* per entry: max pcs, then max slots */
};
static __thread struct stack_cache *sc_mine
	__attribute__((tls_model("initial-exec")));

static uint64_t *sc_pcs(struct stack_cache *c, unsigned w)
{
	return c->frames + (size_t)w * 2 * (size_t)c->max;
}

/* The innermost return address outside our text and its slot, by our
 * frame pointers (ours are kept: -fno-omit-frame-pointer). */
static bool first_foreign(uintptr_t *slot, uint64_t *pc)
{
	const uintptr_t *fp = __builtin_frame_address(0);

	for (int i = 0; stack_pc_is_ours(fp[1]); i++) {
		uintptr_t next = fp[0];

		if (i == STACK_OWN_MAX || next <= (uintptr_t)fp ||
		    next % sizeof(uintptr_t))
			return false;
		fp = (const uintptr_t *)next;
	}
	*slot = (uintptr_t)&fp[1];
	*pc = fp[1];
	return true;
}

/*
 * A stack with max frames for this thread, or -1 (copied to pcs). Any
 * entry may hold any stack, several of them the same innermost return
 * address and slot with different callers above (a helper called from
 * two lines of one function): a thread's few places that take stacks
 * must not evict each other, which 8 entries picked by a hash did half
 * of the time in CPython's condition waits, and always in a barrier
 * wrapper called from two lines.
 */
static int sc_find(struct stack_cache *c, uintptr_t slot0, uint64_t pc0,
		   uintptr_t top, uint64_t *pcs)
{
	unsigned w;
	int i;

	for (w = 0; w < SC_WAYS; w++) {
		const struct sc_entry *e = &c->e[w];
		const uint64_t *p = sc_pcs(c, w), *sl = p + c->max;

		if (!e->n || e->pc0 != pc0 || e->slot0 != slot0 ||
		    e->top != top)
			continue;
		for (i = 1; i < e->n; i++)
			if (*(const volatile uint64_t *)(uintptr_t)sl[i] !=
			    p[i])
				break;
		if (i < e->n)
			continue;
		for (i = 0; i < e->n; i++)
			pcs[i] = p[i];
		return e->n;
	}
	return -1;
}

/* Keep a stack just walked, if every slot held its pc and lies in
 * (slot0, top): the slots a later sc_find() may read. */
static void sc_keep(struct stack_cache *c, uintptr_t slot0, uintptr_t top,
		    const uint64_t *pcs, const uint64_t *slots, int n)
{
	unsigned w;
	struct sc_entry *e;
	int i;

	if (n <= 0 || slots[0] != slot0 || pcs[0] != *(uint64_t *)slot0)
		return;
	for (i = 1; i < n; i++)
		if (slots[i] <= slots[i - 1] || slots[i] % sizeof(uint64_t) ||
		    slots[i] >= top || *(uint64_t *)(uintptr_t)slots[i] != pcs[i])
			return;
	w = c->next++ % SC_WAYS;
	e = &c->e[w];
	memcpy(sc_pcs(c, w), pcs, (size_t)n * sizeof(*pcs));
	memcpy(sc_pcs(c, w) + c->max, slots, (size_t)n * sizeof(*slots));
	e->pc0 = pcs[0];
	e->slot0 = slot0;
	e->top = top;
	e->n = n;
}

static struct stack_cache *sc_get(int max)
{
	struct stack_cache *c = sc_mine;
	size_t bytes;

	if (c && c->max == max)
		return c;
	if (c) { /* another size: stack_init's first walk is a short one */
		sc_mine = NULL;
		eng_free(c, c->bytes);
	}
	bytes = sizeof(*c) + (size_t)SC_WAYS * 2 * (size_t)max * sizeof(uint64_t);
	c = eng_alloc(bytes);
	if (c) {
		c->max = max;
		c->bytes = bytes;
		sc_mine = c;
	}
	return c;
}

/* The unwinder's walk, through this thread's cache. */
static int capture_cached(uint64_t *pcs, int max)
{
	uint64_t slots[STACK_MAX_DEPTH], pc0;
	struct stack_cache *c;
	uintptr_t slot0, top;
	int n;

	if (!unwind_get_cfa_p || max > STACK_MAX_DEPTH ||
	    !first_foreign(&slot0, &pc0) || pc0 < STACK_PC_MIN ||
	    !(top = stack_top(slot0)) || !(c = sc_get(max)))
		return capture_unwind(pcs, NULL, max);
	n = sc_find(c, slot0, pc0, top, pcs);
	if (n >= 0)
		return n;
	n = capture_unwind(pcs, slots, max);
	sc_keep(c, slot0, top, pcs, slots, n);
	return n;
}
#else
static int capture_cached(uint64_t *pcs, int max)
{
	return capture_unwind(pcs, NULL, max);
}
#endif

void stack_fork_child(void)
{
}

void stack_thread_exit(void)
{
#if defined(__x86_64__)
	struct stack_cache *c = sc_mine;

	if (c) {
		sc_mine = NULL;
		eng_free(c, c->bytes);
	}
#endif
}

int stack_capture(uint64_t *pcs, int max)
{
	int n, cancel;

	/* Before init our text is unknown, so nothing could be dropped. */
	if (max <= 0 || in_capture ||
	    !__atomic_load_n(&initialised, __ATOMIC_ACQUIRE))
		return 0;
	in_capture = 1;
	/* An unwinder may look at memory with a system call, and some are
	 * cancellation points. */
	cancel = eng_cancel_off();
	if (unwind_backtrace_p)
		n = capture_cached(pcs, max);
	else
		n = capture_frames(pcs, max);
	eng_cancel_restore(cancel);
	in_capture = 0;
	return n;
}
