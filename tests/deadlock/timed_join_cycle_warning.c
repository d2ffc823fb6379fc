/* SPDX-License-Identifier: MIT */
/*
 * timed_join_cycle_warning.c - "joiner" holds state_lock and joins
 * "worker" with a 300 ms timeout while the worker waits for state_lock:
 * a cycle, which the timeout ends. The join gives up, the joiner lets go
 * of the lock, the worker gets it and the second, plain join returns.
 * A warning that says a timeout may end it; the exit status stays 0.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=warning lines=@hold,@join,@need threads=joiner,worker objects=state_lock
 * EXPECT stderr~=it ends if that thread gives up
 */
#include <errno.h>
#include <pthread.h>

#include "dl.h"

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t lock_taken;

static void *worker(void *arg)
{
	(void)arg;
	dl_barrier_wait(&lock_taken);
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0); /* @need */
	CHECK_EQ(pthread_mutex_unlock(&state_lock), 0);
	return NULL;
}

static void *joiner(void *arg)
{
	struct dl_thread w;
	struct timespec ts;

	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&state_lock), 0); /* @hold */
	dl_spawn(&w, "worker", worker, NULL);
	dl_barrier_wait(&lock_taken);
	dl_sleep_ms(50); /* the worker blocks first */
	ts = dl_deadline(300);
	CHECK_EQ(pthread_timedjoin_np(w.th, NULL, &ts), ETIMEDOUT); /* @join */
	CHECK_EQ(pthread_mutex_unlock(&state_lock), 0);
	dl_join(&w);
	return NULL;
}

int main(void)
{
	struct dl_thread j;

	dl_bound(5);
	CHECK_EQ(pthread_barrier_init(&lock_taken, NULL, 2), 0);
	dl_spawn(&j, "joiner", joiner, NULL);
	dl_join(&j);
	return 0;
}
