/* SPDX-License-Identifier: MIT */
/*
 * unit.stackdepot: equal stacks intern to the same id, different ones (one
 * frame differs, one frame fewer) to different ids; an id gives back its
 * frames; 0 is "no stack"; deep stacks are cut at STACK_MAX_DEPTH; ids
 * stay right across the depot's id pages.
 */
#include "engine_fixture.h"
#include "stackdepot.h"

#define MANY 3000

static void check_frames(uint32_t id, const uint64_t *want, int n)
{
	const uint64_t *pcs = NULL;
	int i;

	CHECK_EQ(stackdepot_get(id, &pcs), n);
	CHECK(pcs != NULL);
	for (i = 0; i < n; i++)
		CHECK_EQ(pcs[i], want[i]);
}

int main(void)
{
	uint64_t s1[3] = { 0x1000, 0x2000, 0x3000 };
	uint64_t s1b[3] = { 0x1000, 0x2000, 0x3000 };
	uint64_t s2[3] = { 0x1000, 0x2000, 0x3008 };
	uint64_t deep[STACK_MAX_DEPTH + 10], pcs[2];
	const uint64_t *out = NULL;
	uint32_t a, b, c, d, e, ids[MANY];
	uint32_t before = stackdepot_count();
	int i;

	a = stackdepot_intern(s1, 3);
	b = stackdepot_intern(s1b, 3);
	c = stackdepot_intern(s2, 3);
	d = stackdepot_intern(s1, 2);
	CHECK(a != 0);
	CHECK_EQ(a, b);
	CHECK(c != 0 && c != a);
	CHECK(d != 0 && d != a && d != c);
	CHECK_EQ(stackdepot_count(), before + 3);
	check_frames(a, s1, 3);
	check_frames(c, s2, 3);
	check_frames(d, s1, 2);
	/* The depot keeps its own copy. */
	s1b[0] = 0xdead;
	check_frames(a, s1, 3);

	/* No stack, unknown ids. */
	CHECK_EQ(stackdepot_intern(s1, 0), 0);
	CHECK_EQ(stackdepot_get(0, &out), 0);
	CHECK_EQ(stackdepot_get(stackdepot_count() + 1, &out), 0);
	CHECK_EQ(stackdepot_get(0xffffffffu, &out), 0);

	/* Deep stacks are cut; the cut stack is the same stack. */
	for (i = 0; i < STACK_MAX_DEPTH + 10; i++)
		deep[i] = 0x500000u + (uint64_t)i * 4;
	e = stackdepot_intern(deep, STACK_MAX_DEPTH + 10);
	CHECK(e != 0);
	check_frames(e, deep, STACK_MAX_DEPTH);
	CHECK_EQ(stackdepot_intern(deep, STACK_MAX_DEPTH), e);

	/* Many stacks: distinct ids across id pages, each gives its frames. */
	for (i = 0; i < MANY; i++) {
		pcs[0] = 0x700000u + (uint64_t)i;
		pcs[1] = 0x800000u;
		ids[i] = stackdepot_intern(pcs, 2);
		CHECK(ids[i] != 0);
		CHECK(i == 0 || ids[i] > ids[i - 1]);
	}
	for (i = 0; i < MANY; i++) {
		pcs[0] = 0x700000u + (uint64_t)i;
		pcs[1] = 0x800000u;
		CHECK_EQ(stackdepot_intern(pcs, 2), ids[i]);
		check_frames(ids[i], pcs, 2);
	}
	check_frames(a, s1, 3);
	return 0;
}
