/* SPDX-License-Identifier: MIT */
/*
 * class_identity_reported.c - two different heap accounts, each locked
 * with the log lock in opposite orders. As instances the two cycles never
 * close (each account is locked in one order only); with identity=class
 * both accounts are "accounts initialised in new_account()", and the
 * class-level inversion is reported.
 *
 * EXPECT options=identity=class
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@acct1,@log2 threads=auditor,teller objects=log_lock
 */
#include <pthread.h>
#include <stdlib.h>

#include "check.h"

struct account {
	pthread_mutex_t lock;
	long balance;
};

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static struct account *new_account(void)
{
	struct account *a = calloc(1, sizeof(*a));

	CHECK(a != NULL);
	CHECK_EQ(pthread_mutex_init(&a->lock, NULL), 0);
	return a;
}

static void *auditor(void *arg)
{
	struct account *a = new_account();

	(void)arg;
	pthread_setname_np(pthread_self(), "auditor");
	CHECK_EQ(pthread_mutex_lock(&log_lock), 0);
	CHECK_EQ(pthread_mutex_lock(&a->lock), 0); /* @acct1 */
	CHECK_EQ(pthread_mutex_unlock(&a->lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&log_lock), 0);
	return a;
}

static void *teller(void *arg)
{
	struct account *a = new_account();

	(void)arg;
	pthread_setname_np(pthread_self(), "teller");
	CHECK_EQ(pthread_mutex_lock(&a->lock), 0);
	CHECK_EQ(pthread_mutex_lock(&log_lock), 0); /* @log2 */
	CHECK_EQ(pthread_mutex_unlock(&log_lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&a->lock), 0);
	return a;
}

int main(void)
{
	void *a = run_thread(auditor, NULL);
	void *b = run_thread(teller, NULL);

	free(a);
	free(b);
	return 0;
}
