/* SPDX-License-Identifier: MIT */
/*
 * unit.alloc_reuse: the engine allocator hands out zeroed memory, a freed
 * block goes back to its size class and is handed out again (zeroed) for
 * any size of that class but not for another class, large blocks are
 * mapped on their own, the accounting follows, and the cap is honoured.
 */
#include <stdbool.h>
#include <string.h>

#include "alloc.h"
#include "engine_fixture.h"

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

int main(void)
{
	size_t base = eng_alloc_in_use();
	unsigned char *a, *b, *c, *d, *big;

	a = eng_alloc(100);
	CHECK(a != NULL);
	CHECK(all_zero(a, 128));
	CHECK_EQ(eng_alloc_in_use(), base + 128); /* 100 -> class 128 */
	memset(a, 0xa5, 100);
	eng_free(a, 100);
	CHECK_EQ(eng_alloc_in_use(), base);

	/* Same class, another size: the same block, zeroed again. */
	b = eng_alloc(120);
	CHECK(b == a);
	CHECK(all_zero(b, 128));
	memset(b, 0x5a, 120);

	/* Two freed blocks of a class: both come back, no fresh memory. */
	c = eng_alloc(65);
	CHECK(c != NULL && c != b);
	eng_free(b, 120);
	eng_free(c, 65);
	d = eng_alloc(128);
	b = eng_alloc(97);
	CHECK((d == a && b == c) || (d == c && b == a));
	CHECK(all_zero(d, 128) && all_zero(b, 128));
	CHECK_EQ(eng_alloc_in_use(), base + 256);

	/* Another class does not take a freed 128-byte block. */
	eng_free(d, 128);
	c = eng_alloc(300);
	CHECK(c != NULL && c != d);
	CHECK_EQ(eng_alloc_in_use(), base + 128 + 512);
	eng_free(c, 300);
	eng_free(b, 97);
	CHECK_EQ(eng_alloc_in_use(), base);

	/* Small sizes round up to 16; 0 is a valid request. */
	a = eng_alloc(0);
	CHECK(a != NULL);
	CHECK_EQ(eng_alloc_in_use(), base + 16);
	eng_free(a, 0);
	CHECK_EQ(eng_alloc_in_use(), base);

	/* Large blocks: own mapping, page-rounded accounting, zeroed. */
	big = eng_alloc(100000);
	CHECK(big != NULL);
	CHECK(all_zero(big, 100000));
	CHECK_EQ(eng_alloc_in_use(), base + 102400);
	CHECK(eng_alloc_peak() >= base + 102400);
	memset(big, 1, 100000);
	eng_free(big, 100000);
	CHECK_EQ(eng_alloc_in_use(), base);

	/* The cap. */
	eng_alloc_set_limit(base + 64);
	CHECK(eng_alloc(100) == NULL);
	CHECK(eng_alloc(100000) == NULL);
	CHECK_EQ(eng_alloc_in_use(), base);
	a = eng_alloc(40);
	CHECK(a != NULL);
	CHECK_EQ(eng_alloc_in_use(), base + 64);
	CHECK(eng_alloc(1) == NULL);
	eng_free(a, 40);
	eng_alloc_set_limit(0);
	a = eng_alloc(100);
	CHECK(a != NULL);
	eng_free(a, 100);
	CHECK_EQ(eng_alloc_in_use(), base);
	return 0;
}
