/* SPDX-License-Identifier: MIT */
/*
 * claims_file_malformed.c - a claims file with two bad lines: each is one
 * bad-option report naming the file and the line, and the program runs
 * on with the good rules (its thread, "worker", claims both locks and
 * takes them in order: nothing else to report).
 *
 * EXPECT options=banker=warn:claims={srcdir}/claims_file_malformed.claims
 * EXPECT reports=2
 * EXPECT report kind=bad-option severity=warning
 * EXPECT stderr~=claims_file_malformed.claims:4: expected THREADS OBJECT MAX, got 2 fields
 * EXPECT stderr~=claims_file_malformed.claims:6: bad maximum 'many'
 */
#include "check.h"

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;

static void *worker(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "worker"), 0);
	CHECK_EQ(pthread_mutex_lock(&a), 0);
	CHECK_EQ(pthread_mutex_lock(&b), 0);
	CHECK_EQ(pthread_mutex_unlock(&b), 0);
	CHECK_EQ(pthread_mutex_unlock(&a), 0);
	return NULL;
}

int main(void)
{
	run_thread(worker, NULL);
	CHECK_EQ(preload_reports(), 2);
	return 0;
}
