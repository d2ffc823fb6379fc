/* SPDX-License-Identifier: MIT */
/* lock.c - futex-based mutex for the engine's internal tables. */
#include "lock.h"

#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#define cpu_relax() __builtin_ia32_pause()
#else
#define cpu_relax() __asm__ __volatile__("" ::: "memory")
#endif

static void futex_wait(uint32_t *w, uint32_t val)
{
	syscall(SYS_futex, w, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(uint32_t *w)
{
	syscall(SYS_futex, w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

int eng_mask_signals;

/* Engine locks the thread holds, and the signal mask it had before the
 * first (when the signals were blocked then). Within an event the mask
 * stays until its end: the locks an event takes one after another then
 * cost one change of mask each way, not one per lock. */
static __thread int locks_held, locks_masked, in_event;
static __thread sigset_t locks_saved;
/* Signals (bit n: signal n) eng_defer_signal() put off. */
static __thread uint64_t sigs_deferred;

int eng_defer_signal(int sig)
{
	if (!locks_held || sig <= 0 || sig >= 64)
		return 0;
	sigs_deferred |= 1ull << sig; /* one instruction: no torn update */
	return 1;
}

/* The thread let go of its last engine lock: raise what came meanwhile. */
static void raise_deferred(void)
{
	uint64_t d = __atomic_exchange_n(&sigs_deferred, 0, __ATOMIC_RELAXED);
	int saved = errno, sig;

	for (sig = 1; d; sig++)
		if (d & (1ull << sig)) {
			d &= ~(1ull << sig);
			syscall(SYS_tgkill, getpid(), gettid(), sig);
		}
	errno = saved;
}

static void held_one_more(void)
{
	sigset_t set;
	int saved;

	if (locks_held++ != 0 || locks_masked ||
	    !__atomic_load_n(&eng_mask_signals, __ATOMIC_RELAXED))
		return;
	saved = errno;
	sigfillset(&set); /* glibc leaves out its own cancel/setxid signals */
	sigdelset(&set, SIGSEGV);
	sigdelset(&set, SIGBUS);
	sigdelset(&set, SIGFPE);
	sigdelset(&set, SIGILL);
	sigdelset(&set, SIGTRAP);
	sigdelset(&set, SIGSYS);
	sigdelset(&set, SIGABRT);
	if (pthread_sigmask(SIG_BLOCK, &set, &locks_saved) == 0)
		locks_masked = 1;
	errno = saved;
}

static void held_one_less(void)
{
	int saved;

	if (locks_held <= 0 || --locks_held != 0)
		return;
	__atomic_signal_fence(__ATOMIC_SEQ_CST); /* locks_held, then this */
	if (__atomic_load_n(&sigs_deferred, __ATOMIC_RELAXED))
		raise_deferred();
	if (!locks_masked || in_event)
		return;
	saved = errno;
	locks_masked = 0;
	pthread_sigmask(SIG_SETMASK, &locks_saved, NULL);
	errno = saved;
}

void eng_event_begin(void)
{
	in_event++;
}

void eng_event_end(void)
{
	int saved;

	if (--in_event != 0 || locks_held != 0 || !locks_masked)
		return;
	saved = errno;
	locks_masked = 0;
	pthread_sigmask(SIG_SETMASK, &locks_saved, NULL);
	errno = saved;
}

int eng_trylock(struct eng_lock *l)
{
	uint32_t expect = 0;

	held_one_more();
	if (__atomic_compare_exchange_n(&l->word, &expect, 1, 0,
					__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 1;
	held_one_less();
	return 0;
}

void eng_lock(struct eng_lock *l)
{
	uint32_t c = 0;
	int spins;

	held_one_more();
	if (__atomic_compare_exchange_n(&l->word, &c, 1, 0, __ATOMIC_ACQUIRE,
					__ATOMIC_RELAXED))
		return;
	/* Critical sections are short: spin a little before sleeping. */
	for (spins = 0; spins < 100; spins++) {
		c = 0;
		if (__atomic_load_n(&l->word, __ATOMIC_RELAXED) == 0 &&
		    __atomic_compare_exchange_n(&l->word, &c, 1, 0,
						__ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		cpu_relax();
	}
	/* Drepper's three-state mutex: 2 means somebody may be sleeping. */
	if (c != 2)
		c = __atomic_exchange_n(&l->word, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		futex_wait(&l->word, 2);
		c = __atomic_exchange_n(&l->word, 2, __ATOMIC_ACQUIRE);
	}
}

void eng_unlock(struct eng_lock *l)
{
	if (__atomic_exchange_n(&l->word, 0, __ATOMIC_RELEASE) == 2)
		futex_wake(&l->word);
	held_one_less();
}

void eng_lock_reset(struct eng_lock *l)
{
	__atomic_store_n(&l->word, 0, __ATOMIC_RELAXED);
}
