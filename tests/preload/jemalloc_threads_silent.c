/* SPDX-License-Identifier: MIT */
/*
 * jemalloc_threads_silent.c - linked with jemalloc, whose allocator takes
 * pthread mutexes of its own (the first in a new thread inside that
 * thread's first malloc, while jemalloc sets the thread up): the runtime
 * must not allocate there. Four threads grow blocks with realloc and take
 * two locks in one order: silent, and the program runs to its end.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *grow(void *arg)
{
	char *p = NULL;
	int i;

	(void)arg;
	for (i = 1; i < 2000; i++) {
		char *q = realloc(p, (size_t)i * 16);

		CHECK(q != NULL);
		p = q;
		memset(p, 1, (size_t)i * 16);
		if (i % 100 == 0) {
			CHECK_EQ(pthread_mutex_lock(&outer), 0);
			CHECK_EQ(pthread_mutex_lock(&inner), 0);
			total += p[i];
			CHECK_EQ(pthread_mutex_unlock(&inner), 0);
			CHECK_EQ(pthread_mutex_unlock(&outer), 0);
		}
	}
	free(p);
	return NULL;
}

int main(void)
{
	pthread_t t[4];
	int i;

	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_create(&t[i], NULL, grow, NULL), 0);
	for (i = 0; i < 4; i++)
		CHECK_EQ(pthread_join(t[i], NULL), 0);
	CHECK_EQ(total, 4 * 19);
	return 0;
}
