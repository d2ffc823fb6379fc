/* SPDX-License-Identifier: MIT */
/*
 * hold_and_wait_then_exit_reported.c - hold_and_wait_reported with a wait
 * of 150 ms (over hold_wait_ms=100) after which the program ends at once.
 * The long wait happened, so its report must be there, complete, even
 * though the process exits right after it: a report that the watchdog
 * was still writing (symbolizing its stacks) when the process ended would
 * be lost, while the exit summary already counts the site.
 *
 * EXPECT options=hold_wait_ms=100
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=hold-and-wait severity=warning lines=@held,@wait
 * threads=holder objects=config_lock,data_lock EXPECT stderr~=hold-and-wait
 * sites
 */
#include <pthread.h>
#include <semaphore.h>

#include "dl.h"

#define SLEEP_MS 150 /* how long sleeper keeps data_lock */

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t data_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t data_taken; /* posted once sleeper holds data_lock */

static void *sleeper(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&data_lock), 0);
	CHECK_EQ(sem_post(&data_taken), 0);
	dl_sleep_ms(SLEEP_MS);
	CHECK_EQ(pthread_mutex_unlock(&data_lock), 0);
	return NULL;
}

static void *holder(void *arg)
{
	(void)arg;
	CHECK_EQ(sem_wait(&data_taken), 0);
	CHECK_EQ(pthread_mutex_lock(&config_lock), 0); /* @held */
	CHECK_EQ(pthread_mutex_lock(&data_lock), 0);   /* @wait */
	CHECK_EQ(pthread_mutex_unlock(&data_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&config_lock), 0);
	return NULL;
}

int main(void)
{
	struct dl_thread s, h;

	CHECK_EQ(sem_init(&data_taken, 0, 0), 0);
	dl_spawn(&s, "sleeper", sleeper, NULL);
	dl_spawn(&h, "holder", holder, NULL);
	dl_join(&h);
	dl_join(&s);
	return 0; /* at once: no time left for a slow report */
}
