/* SPDX-License-Identifier: MIT */
/*
 * spin_ordered_silent.c - four threads take two spinlocks, always A
 * before B, contending for real (blocking spins and trylocks), and a
 * trylock of A under B that backs off on failure: no report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <pthread.h>

#include "prim.h"

static pthread_spinlock_t spin_a;
static pthread_spinlock_t spin_b;
static long counter;

static void *work(void *arg)
{
	int i, rc;

	(void)arg;
	for (i = 0; i < 20000; i++) {
		CHECK_EQ(pthread_spin_lock(&spin_a), 0);
		CHECK_EQ(pthread_spin_lock(&spin_b), 0);
		counter++;
		CHECK_EQ(pthread_spin_unlock(&spin_b), 0);
		CHECK_EQ(pthread_spin_unlock(&spin_a), 0);
		if (i % 64 == 0) {
			/* The other order, but only by trying. */
			CHECK_EQ(pthread_spin_lock(&spin_b), 0);
			rc = pthread_spin_trylock(&spin_a);
			CHECK(rc == 0 || rc == EBUSY);
			if (rc == 0)
				CHECK_EQ(pthread_spin_unlock(&spin_a), 0);
			CHECK_EQ(pthread_spin_unlock(&spin_b), 0);
		}
	}
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	int i;

	CHECK_EQ(pthread_spin_init(&spin_a, PTHREAD_PROCESS_PRIVATE), 0);
	CHECK_EQ(pthread_spin_init(&spin_b, PTHREAD_PROCESS_PRIVATE), 0);
	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, work, NULL), 0);
	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(counter, 4 * 20000);
	CHECK_EQ(pthread_spin_destroy(&spin_a), 0);
	CHECK_EQ(pthread_spin_destroy(&spin_b), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
