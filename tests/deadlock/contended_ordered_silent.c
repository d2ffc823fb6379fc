/* SPDX-License-Identifier: MIT */
/*
 * contended_ordered_silent.c - eight threads hammer three mutexes, always
 * in the order m[0] < m[1] < m[2] (each taking some of them), for about a
 * second in four rounds of fresh threads (or 20,000 iterations each).
 * They block on each other all the time, but with one global order no
 * wait-for cycle can exist: a deadlock report here would come from stale
 * owner or blocked state (a waiter -> owner edge kept after the owner let
 * go).
 *
 * EXPECT options=watchdog_ms=100
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>

#include "dl.h"

#define THREADS	 8
#define ROUNDS	 4
#define ROUND_MS 250
#define ROUND_MAX 20000 /* iterations a thread makes in a round at most:
			    keeps the trace its agreement test replays small
			    on a fast machine */

pthread_mutex_t m[3] = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
			 PTHREAD_MUTEX_INITIALIZER };
static long counter[3];

static void *hammer(void *arg)
{
	int id = (int)(long)arg;
	long long end = dl_now_ms() + ROUND_MS;
	unsigned n = 0;

	while (n < ROUND_MAX && dl_now_ms() < end) {
		/* Which locks: a subset that depends on the thread and the
		 * iteration, never empty, always taken in index order. */
		unsigned set = ((unsigned)id + n++) % 7 + 1;
		int i;

		for (i = 0; i < 3; i++)
			if (set & (1u << i))
				CHECK_EQ(pthread_mutex_lock(&m[i]), 0);
		for (i = 0; i < 3; i++)
			if (set & (1u << i))
				counter[i]++;
		for (i = 2; i >= 0; i--)
			if (set & (1u << i))
				CHECK_EQ(pthread_mutex_unlock(&m[i]), 0);
	}
	return NULL;
}

int main(void)
{
	static const char *const names[THREADS] = {
		"hammer-0", "hammer-1", "hammer-2", "hammer-3",
		"hammer-4", "hammer-5", "hammer-6", "hammer-7",
	};
	struct dl_thread t[THREADS];
	long i;
	int r;

	for (r = 0; r < ROUNDS; r++) {
		for (i = 0; i < THREADS; i++)
			dl_spawn(&t[i], names[i], hammer, (void *)i);
		for (i = 0; i < THREADS; i++)
			dl_join(&t[i]);
		CHECK_EQ(preload_reports(), 0);
	}
	CHECK(counter[0] > 0 && counter[1] > 0 && counter[2] > 0);
	return 0;
}
