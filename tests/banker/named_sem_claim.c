/* SPDX-License-Identifier: MIT */
/*
 * named_sem_claim.c - a named semaphore of 4 units, claimed from a claims
 * file as sem:/coffman_banker_test_pool, 2 units for each worker-K. The
 * workers take one unit each, in turn: the fourth grant leaves every
 * worker needing one more unit with none left, an unsafe state.
 *
 * EXPECT options=banker=warn:claims={srcdir}/named_sem_claim.claims
 * EXPECT reports=1
 * EXPECT report kind=unsafe-state severity=warning lines=@unit threads=worker-3 objects=sem:/coffman_banker_test_pool
 */
#include <fcntl.h>
#include <semaphore.h>
#include <stdio.h>

#include "check.h"

#define WORKERS 4
#define POOL "/coffman_banker_test_pool"

static sem_t *pool;
static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int turn, holding;

static void *worker(void *arg)
{
	int k = (int)(long)arg;
	char name[16];

	snprintf(name, sizeof(name), "worker-%d", k);
	CHECK_EQ(pthread_setname_np(pthread_self(), name), 0);
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	while (turn != k)
		CHECK_EQ(pthread_cond_wait(&changed, &table), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
	CHECK_EQ(sem_wait(pool), 0); /* @unit */
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	turn++;
	holding++;
	CHECK_EQ(pthread_cond_broadcast(&changed), 0);
	while (holding < WORKERS)
		CHECK_EQ(pthread_cond_wait(&changed, &table), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
	CHECK_EQ(sem_post(pool), 0);
	return NULL;
}

int main(void)
{
	pthread_t th[WORKERS];
	long i;

	sem_unlink(POOL);
	pool = sem_open(POOL, O_CREAT | O_EXCL, 0600, 4);
	CHECK(pool != SEM_FAILED);
	for (i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, worker, (void *)i), 0);
	for (i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	CHECK_EQ(sem_close(pool), 0);
	CHECK_EQ(sem_unlink(POOL), 0);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
