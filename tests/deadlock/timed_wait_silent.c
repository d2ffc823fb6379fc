/* SPDX-License-Identifier: MIT */
/*
 * timed_wait_silent.c - every thread, main included, sits in timed waits
 * (pthread_cond_timedwait in a loop, then pthread_timedjoin_np) that last
 * longer than watchdog_ms, and nobody ever signals. A timed wait ends by
 * itself, so the threads are not "blocked": nothing is reported.
 *
 * EXPECT options=watchdog_ms=200
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <pthread.h>

#include "dl.h"

#define WAIT_MS	 300 /* each timed wait: longer than watchdog_ms */
#define TOTAL_MS 600 /* how long each thread keeps waiting */

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

static void *wait_in_loop(void *arg)
{
	long long end = dl_now_ms() + TOTAL_MS;

	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	while (dl_now_ms() < end) {
		struct timespec ts = dl_deadline(WAIT_MS);
		int rc = pthread_cond_timedwait(&never, &lock, &ts);

		CHECK(rc == ETIMEDOUT || rc == 0);
	}
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	return NULL;
}

static void timed_join(struct dl_thread *d)
{
	struct timespec ts = dl_deadline(3000);

	CHECK_EQ(pthread_timedjoin_np(d->th, NULL, &ts), 0);
}

int main(void)
{
	struct dl_thread a, b;

	dl_spawn(&a, "waiter-a", wait_in_loop, NULL);
	dl_spawn(&b, "waiter-b", wait_in_loop, NULL);
	wait_in_loop(NULL);
	timed_join(&a);
	timed_join(&b);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
