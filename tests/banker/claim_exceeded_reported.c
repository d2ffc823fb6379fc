/* SPDX-License-Identifier: MIT */
/*
 * claim_exceeded_reported.c - a thread that claimed lock a takes lock b
 * too, which another thread (main) claims: taking more than one's claim
 * is a claim-exceeded error, once per site.
 *
 * EXPECT options=banker=warn
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=claim-exceeded severity=error lines=@b threads=greedy objects=b
 */
#include "check.h"

pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *greedy(void *arg)
{
	int i;

	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "greedy"), 0);
	CHECK_EQ(coffman_claim(&a, 1), 0);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(pthread_mutex_lock(&a), 0);
		CHECK_EQ(pthread_mutex_lock(&b), 0); /* @b */
		CHECK_EQ(pthread_mutex_unlock(&b), 0);
		CHECK_EQ(pthread_mutex_unlock(&a), 0);
	}
	return NULL;
}

int main(void)
{
	CHECK_EQ(coffman_claim(&a, 1), 0);
	CHECK_EQ(coffman_claim(&b, 1), 0);
	CHECK_EQ(coffman_claim(NULL, 1), -EINVAL);
	run_thread(greedy, NULL);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
