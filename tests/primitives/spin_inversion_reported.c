/* SPDX-License-Identifier: MIT */
/*
 * spin_inversion_reported.c - spinlocks are exclusive locks: A then B in
 * one thread and B then A in another can deadlock (both spin forever).
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=spinner1,spinner2 objects=spin_a,spin_b
 * EXPECT stderr~=lock-order-inversion
 */
#include <pthread.h>

#include "prim.h"

static pthread_spinlock_t spin_a;
static pthread_spinlock_t spin_b;

static void a_then_b(void)
{
	CHECK_EQ(pthread_spin_lock(&spin_a), 0); /* @a1 */
	CHECK_EQ(pthread_spin_lock(&spin_b), 0); /* @b1 */
	CHECK_EQ(pthread_spin_unlock(&spin_b), 0);
	CHECK_EQ(pthread_spin_unlock(&spin_a), 0);
}

static void b_then_a(void)
{
	CHECK_EQ(pthread_spin_lock(&spin_b), 0); /* @b2 */
	CHECK_EQ(pthread_spin_lock(&spin_a), 0); /* @a2 */
	CHECK_EQ(pthread_spin_unlock(&spin_a), 0);
	CHECK_EQ(pthread_spin_unlock(&spin_b), 0);
}

int main(void)
{
	CHECK_EQ(pthread_spin_init(&spin_a, PTHREAD_PROCESS_PRIVATE), 0);
	CHECK_EQ(pthread_spin_init(&spin_b, PTHREAD_PROCESS_PRIVATE), 0);
	run_named("spinner1", a_then_b);
	CHECK_EQ(preload_reports(), 0);
	run_named("spinner2", b_then_a);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(pthread_spin_destroy(&spin_a), 0);
	CHECK_EQ(pthread_spin_destroy(&spin_b), 0);
	return 0;
}
