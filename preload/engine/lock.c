/* SPDX-License-Identifier: MIT */
/* lock.c - futex-based mutex for the engine's internal tables. */
#include "lock.h"

#include <linux/futex.h>
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

int eng_trylock(struct eng_lock *l)
{
	uint32_t expect = 0;

	return __atomic_compare_exchange_n(&l->word, &expect, 1, 0,
					   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void eng_lock(struct eng_lock *l)
{
	uint32_t c = 0;
	int spins;

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
}

void eng_lock_reset(struct eng_lock *l)
{
	__atomic_store_n(&l->word, 0, __ATOMIC_RELAXED);
}
