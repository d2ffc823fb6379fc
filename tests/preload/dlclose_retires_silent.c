/* SPDX-License-Identifier: MIT */
/*
 * dlclose_retires_silent.c - a library's static mutexes end with it: the
 * program loads a library, which takes its mutexes A then B, and unloads
 * it; new memory mapped where they were holds two new mutexes (zero
 * bytes, as static ones), taken B then A. They are other locks: no
 * inversion with the library's (the loader unmaps it with no call the
 * runtime sees; dlclose retires what lived in it).
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <stdint.h>
#include <sys/mman.h>

#include "dlclose_plugin.h"

int main(void)
{
	struct plugin p;
	uintptr_t lo, hi;
	pthread_mutex_t *a, *b;
	void *m;

	plugin_open(&p);
	p.take_ab();
	a = p.a;
	b = p.b;
	CHECK_EQ(dlclose(p.h), 0);
	CHECK(!plugin_loaded());
	/* Fresh pages over both (their old mapping is gone). */
	lo = ((uintptr_t)(a < b ? a : b)) & ~(uintptr_t)4095;
	hi = (((uintptr_t)(a < b ? b : a)) + sizeof(*a) + 4095) &
	     ~(uintptr_t)4095;
	m = mmap((void *)lo, hi - lo, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	CHECK(m == (void *)lo);
	CHECK_EQ(pthread_mutex_lock(b), 0);
	CHECK_EQ(pthread_mutex_lock(a), 0);
	CHECK_EQ(pthread_mutex_unlock(a), 0);
	CHECK_EQ(pthread_mutex_unlock(b), 0);
	return 0;
}
