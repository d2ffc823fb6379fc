/* SPDX-License-Identifier: MIT */
/*
 * sem_lock_inversion_reported.c - two binary semaphores initialised to 1
 * and used as locks (each post comes from the thread that took the unit)
 * are locks: taken in opposite orders by two threads they can deadlock.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=sem_a,sem_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <semaphore.h>

#include "prim.h"

static sem_t sem_a;
static sem_t sem_b;

static void a_then_b(void)
{
	CHECK_EQ(sem_wait(&sem_a), 0); /* @a1 */
	CHECK_EQ(sem_wait(&sem_b), 0); /* @b1 */
	CHECK_EQ(sem_post(&sem_b), 0);
	CHECK_EQ(sem_post(&sem_a), 0);
}

static void b_then_a(void)
{
	CHECK_EQ(sem_wait(&sem_b), 0); /* @b2 */
	CHECK_EQ(sem_wait(&sem_a), 0); /* @a2 */
	CHECK_EQ(sem_post(&sem_a), 0);
	CHECK_EQ(sem_post(&sem_b), 0);
}

int main(void)
{
	CHECK_EQ(sem_init(&sem_a, 0, 1), 0);
	CHECK_EQ(sem_init(&sem_b, 0, 1), 0);
	run_named("first", a_then_b);
	CHECK_EQ(preload_reports(), 0);
	run_named("second", b_then_a);
	CHECK_EQ(preload_reports(), 1);
	run_named("first", a_then_b);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(sem_destroy(&sem_a), 0);
	CHECK_EQ(sem_destroy(&sem_b), 0);
	return 0;
}
