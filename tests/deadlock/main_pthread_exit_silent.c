/* SPDX-License-Identifier: MIT */
/*
 * main_pthread_exit_silent.c - main blocks once (which starts the
 * runtime's watchdog thread), then leaves with pthread_exit while a
 * worker still runs. When the worker ends, the process must end too, with
 * status 0, as if the last thread called exit(0): the watchdog must not
 * keep it alive. The test's time bound catches a process that lingers.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr~=worker done
 */
#include <pthread.h>
#include <stdio.h>
#include <time.h>

#include "dl.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	dl_sleep_ms(100);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	dl_sleep_ms(300); /* main is gone by now */
	fprintf(stderr, "worker done\n");
	return NULL;
}

int main(void)
{
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, worker, NULL), 0);
	dl_sleep_ms(20);
	CHECK_EQ(pthread_mutex_lock(&m), 0); /* blocks: the watchdog starts */
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_detach(t), 0);
	pthread_exit(NULL);
}
