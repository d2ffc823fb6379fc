/* SPDX-License-Identifier: MIT */
/*
 * spin_unlock_unlocked_reported.c - a spinlock unlocked twice: the second
 * unlock releases a lock nobody holds (undefined), reported as
 * unlock-not-owned, "it is not locked". glibc's unlocked word differs by
 * architecture (1 on x86, 0 elsewhere), so the runtime learns it. Then a
 * correct lock/unlock and destroy of another spinlock stay silent.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=unlock-not-owned severity=error lines=@again threads=stray objects=twice
 * EXPECT stderr~=unlocks a spinlock it does not hold (it is not locked)
 */
#include <pthread.h>

#include "prim.h"

static pthread_spinlock_t twice, fine;

static void stray(void)
{
	CHECK_EQ(pthread_spin_lock(&fine), 0);
	CHECK_EQ(pthread_spin_unlock(&fine), 0);
	CHECK_EQ(pthread_spin_trylock(&fine), 0);
	CHECK_EQ(pthread_spin_unlock(&fine), 0);
	CHECK_EQ(pthread_spin_destroy(&fine), 0);
	CHECK_EQ(preload_reports(), 0);
	CHECK_EQ(pthread_spin_lock(&twice), 0);
	CHECK_EQ(pthread_spin_unlock(&twice), 0);
	CHECK_EQ(preload_reports(), 0);
	pthread_spin_unlock(&twice); /* @again */
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(pthread_spin_destroy(&twice), 0);
}

int main(void)
{
	CHECK_EQ(pthread_spin_init(&twice, PTHREAD_PROCESS_PRIVATE), 0);
	CHECK_EQ(pthread_spin_init(&fine, PTHREAD_PROCESS_PRIVATE), 0);
	run_named("stray", stray);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
