/* SPDX-License-Identifier: MIT */
/*
 * claims_honest_silent.c - the twin of claim_exceeded_reported.c: the
 * thread claims both locks it takes, so every grant is within its claim
 * and the state stays safe: nothing to report.
 *
 * EXPECT options=banker=warn
 */
#include "check.h"

pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *honest(void *arg)
{
	int i;

	(void)arg;
	CHECK_EQ(coffman_claim(&a, 1), 0);
	CHECK_EQ(coffman_claim(&b, 1), 0);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(pthread_mutex_lock(&a), 0);
		CHECK_EQ(pthread_mutex_lock(&b), 0);
		CHECK_EQ(pthread_mutex_trylock(&b), EBUSY);
		CHECK_EQ(pthread_mutex_unlock(&b), 0);
		CHECK_EQ(pthread_mutex_unlock(&a), 0);
	}
	CHECK_EQ(coffman_claims_done(), 0);
	return NULL;
}

int main(void)
{
	CHECK_EQ(coffman_claim(&a, 1), 0);
	CHECK_EQ(coffman_claim(&b, 1), 0);
	run_thread(honest, NULL);
	run_thread(honest, NULL);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
