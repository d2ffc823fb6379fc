/* SPDX-License-Identifier: MIT */
/*
 * stack.c - capture the calling thread's return addresses without allocating:
 * libunwind's unw_backtrace() when libunwind.so.8 loads, else a frame-pointer
 * walk that never leaves the thread's mapped stack.
 */
#include "stack.h"

#include "lock.h"

#include <dlfcn.h>
#include <link.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Extra slots for our own frames, which are captured and then dropped. */
#define STACK_OWN_SLACK 16
/* unw_backtrace() fills a buffer on our stack: keep it to 1 KiB. */
#define STACK_BUF_MAX	128
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
 * Under TSan, libunwind's per-thread cache destructor locks a mutex after
 * TSan has torn the exiting thread down, and crashes (gcc 12, libunwind
 * 1.6.2): sanitized stress tests walk frame pointers instead.
 */
#if defined(__SANITIZE_THREAD__)
#define STACK_TRY_LIBUNWIND 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STACK_TRY_LIBUNWIND 0
#endif
#endif
#ifndef STACK_TRY_LIBUNWIND
#define STACK_TRY_LIBUNWIND 1
#endif

/* libunwind's prototype, declared here so no libunwind header is needed. */
typedef int unw_backtrace_fn(void **buffer, int size);

/* Exported by ld.so since glibc 2.1: the main thread's sp at _start. */
extern void *__libc_stack_end;

static unw_backtrace_fn *unw_backtrace_p; /* NULL: walk frame pointers */

/*
 * libunwind keeps a frame cache of 256 KiB for each thread it walks. At
 * most this many live threads use it; the others walk frame pointers
 * (their first frame, the call site in the program, is exact either way),
 * so a program of thousands of threads does not pay that for each.
 */
#define STACK_UNWIND_THREADS 64
static int unwind_threads; /* live threads that use libunwind (atomic) */
static __thread signed char unwind_mine /* 1 uses it, -1 not, 0 undecided */
	__attribute__((tls_model("initial-exec")));
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
	unw_backtrace_fn *fn;
	void *warm[8];
	void *h;

	if (__atomic_load_n(&initialised, __ATOMIC_ACQUIRE))
		return;

	dl_iterate_phdr(find_text, (void *)find_text);

	/*
	 * dlopen, never link: a linked libunwind.so.8 would lend its _Unwind_*
	 * to libstdc++ and break C++ throws (PRELOAD-NOTES 4).
	 */
	h = NULL;
	if (STACK_TRY_LIBUNWIND)
		h = dlopen("libunwind.so.8", RTLD_NOW | RTLD_LOCAL);
	if (h) {
		fn = (unw_backtrace_fn *)dlsym(h, "unw_backtrace");
		if (fn) {
			/* Lazy setup (caches, dl_iterate_phdr) runs now,
			 * and this thread has its frame cache. */
			fn(warm, (int)(sizeof(warm) / sizeof(warm[0])));
			unw_backtrace_p = fn;
			unwind_mine = 1;
			__atomic_add_fetch(&unwind_threads, 1,
					   __ATOMIC_RELAXED);
		} else {
			dlclose(h);
		}
	}
	__atomic_store_n(&initialised, 1, __ATOMIC_RELEASE);
}

int stack_pc_is_ours(uint64_t pc)
{
	return pc >= text_lo && pc < text_hi;
}

static int capture_unwind(uint64_t *pcs, int max)
{
	void *buf[STACK_BUF_MAX];
	int want, got, n = 0;

	want = max > STACK_BUF_MAX - STACK_OWN_SLACK ? STACK_BUF_MAX
						     : max + STACK_OWN_SLACK;
	got = unw_backtrace_p(buf, want);
	for (int i = 0; i < got && n < max; i++) {
		uint64_t pc = (uintptr_t)buf[i];

		if (!stack_pc_is_ours(pc))
			pcs[n++] = pc;
	}
	return n;
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

static bool use_unwind(void)
{
	if (!unwind_mine) {
		if (__atomic_add_fetch(&unwind_threads, 1, __ATOMIC_RELAXED) <=
		    STACK_UNWIND_THREADS) {
			unwind_mine = 1;
		} else {
			__atomic_sub_fetch(&unwind_threads, 1, __ATOMIC_RELAXED);
			unwind_mine = -1;
		}
	}
	return unwind_mine > 0;
}

void stack_fork_child(void)
{
	__atomic_store_n(&unwind_threads, unwind_mine > 0 ? 1 : 0,
			 __ATOMIC_RELAXED);
}

void stack_thread_exit(void)
{
	if (unwind_mine > 0)
		__atomic_sub_fetch(&unwind_threads, 1, __ATOMIC_RELAXED);
	unwind_mine = -1;
}

int stack_capture(uint64_t *pcs, int max)
{
	int n, cancel;

	/* Before init our text is unknown, so nothing could be dropped. */
	if (max <= 0 || in_capture ||
	    !__atomic_load_n(&initialised, __ATOMIC_ACQUIRE))
		return 0;
	in_capture = 1;
	/* libunwind checks addresses with read(2), a cancellation point. */
	cancel = eng_cancel_off();
	if (unw_backtrace_p && use_unwind())
		n = capture_unwind(pcs, max);
	else
		n = capture_frames(pcs, max);
	eng_cancel_restore(cancel);
	in_capture = 0;
	return n;
}
