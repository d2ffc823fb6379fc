/* SPDX-License-Identifier: MIT */
/*
 * thread_churn_memory_silent.c - a program that starts and joins threads
 * one after another, each taking a lock (plain and timed), must not grow
 * with the number of threads it ever had: an exited thread's caches and
 * held stack go to the next one, and what stays of it for reports is
 * small. 4000 threads after 200 to warm up may add at most 4 KiB each
 * (the runtime kept 32 KiB of each for good before).
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "check.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	struct timespec until;

	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &until), 0);
	until.tv_sec += 10;
	CHECK_EQ(pthread_mutex_timedlock(&lock, &until), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	return NULL;
}

static void churn(int n)
{
	for (int i = 0; i < n; i++) {
		pthread_t t;

		CHECK_EQ(pthread_create(&t, NULL, worker, NULL), 0);
		CHECK_EQ(pthread_join(t, NULL), 0);
	}
}

/* Resident memory in KiB. */
static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	CHECK(f != NULL);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			CHECK_EQ(sscanf(line + 6, "%ld", &kib), 1);
	fclose(f);
	CHECK(kib > 0);
	return kib;
}

int main(void)
{
	long before;

	churn(200);
	before = rss_kib();
	churn(4000);
	if (rss_kib() - before > 4000 * 4) {
		fprintf(stderr, "grew by %ld KiB for 4000 threads\n",
			rss_kib() - before);
		CHECK(0);
	}
	return 0;
}
