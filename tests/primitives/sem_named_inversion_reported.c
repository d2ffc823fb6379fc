/* SPDX-License-Identifier: MIT */
/*
 * sem_named_inversion_reported.c - named semaphores (sem_open with
 * O_CREAT | O_EXCL, initial value 1) used as locks in opposite orders by
 * two threads: reported like unnamed ones. They live in shared memory,
 * not in a variable, so they are named with coffman_name().
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=named_a,named_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <fcntl.h>
#include <semaphore.h>
#include <unistd.h>

#include "prim.h"

static sem_t *sem_a;
static sem_t *sem_b;

static void a_then_b(void)
{
	CHECK_EQ(sem_wait(sem_a), 0); /* @a1 */
	CHECK_EQ(sem_wait(sem_b), 0); /* @b1 */
	CHECK_EQ(sem_post(sem_b), 0);
	CHECK_EQ(sem_post(sem_a), 0);
}

static void b_then_a(void)
{
	CHECK_EQ(sem_wait(sem_b), 0); /* @b2 */
	CHECK_EQ(sem_wait(sem_a), 0); /* @a2 */
	CHECK_EQ(sem_post(sem_a), 0);
	CHECK_EQ(sem_post(sem_b), 0);
}

static sem_t *create(char *name, size_t len, const char *which)
{
	sem_t *s;

	snprintf(name, len, "/coffman-prim-%s-%d", which, (int)getpid());
	sem_unlink(name);
	s = sem_open(name, O_CREAT | O_EXCL, 0600, 1);
	CHECK(s != SEM_FAILED);
	return s;
}

int main(void)
{
	char name_a[64], name_b[64];

	sem_a = create(name_a, sizeof(name_a), "a");
	sem_b = create(name_b, sizeof(name_b), "b");
	CHECK_EQ(coffman_name(sem_a, "named_a"), 0);
	CHECK_EQ(coffman_name(sem_b, "named_b"), 0);

	run_named("first", a_then_b);
	CHECK_EQ(preload_reports(), 0);
	run_named("second", b_then_a);
	CHECK_EQ(preload_reports(), 1);

	CHECK_EQ(sem_close(sem_a), 0);
	CHECK_EQ(sem_close(sem_b), 0);
	CHECK_EQ(sem_unlink(name_a), 0);
	CHECK_EQ(sem_unlink(name_b), 0);
	return 0;
}
