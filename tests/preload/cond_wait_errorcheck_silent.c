/* SPDX-License-Identifier: MIT */
/*
 * cond_wait_errorcheck_silent.c - the twin of
 * cond_wait_unheld_errorcheck_warning: a statically initialised
 * error-checking mutex held as it should be across pthread_cond_wait, in
 * a hand-off between two threads, is silent (the wait's release of the
 * mutex carries its type, and it is the owner's).
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <pthread.h>

#include "check.h"

static pthread_mutex_t checked = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int ready, taken;

static void *producer(void *arg)
{
	(void)arg;
	for (int i = 0; i < 100; i++) {
		CHECK_EQ(pthread_mutex_lock(&checked), 0);
		while (ready)
			CHECK_EQ(pthread_cond_wait(&cond, &checked), 0);
		ready = 1;
		CHECK_EQ(pthread_cond_broadcast(&cond), 0);
		CHECK_EQ(pthread_mutex_unlock(&checked), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t t;

	CHECK_EQ(pthread_create(&t, NULL, producer, NULL), 0);
	for (int i = 0; i < 100; i++) {
		CHECK_EQ(pthread_mutex_lock(&checked), 0);
		while (!ready)
			CHECK_EQ(pthread_cond_wait(&cond, &checked), 0);
		ready = 0;
		taken++;
		CHECK_EQ(pthread_cond_broadcast(&cond), 0);
		CHECK_EQ(pthread_mutex_unlock(&checked), 0);
	}
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(taken, 100);
	return 0;
}
