/* SPDX-License-Identifier: MIT */
/*
 * sem_pool_avoid.c - a pool of 4 units (a semaphore) and 4 workers that
 * each need 2 at once and claim 2 (coffman_claim): each takes one unit,
 * and (in the first round) waits until all have reached for theirs, then
 * takes the second; later rounds run free. On its
 * own every worker holds one unit and waits for another: deadlock. With
 * banker=avoid the fourth worker's first unit would leave an unsafe state
 * and waits until a worker is done: all finish, nothing is reported.
 *
 * EXPECT options=banker=avoid
 */
#include <errno.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define WORKERS 4
#define ROUNDS 3

static sem_t pool;
static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int reached, done;

/* The first unit; in the first round, then wait for the others. */
static void first_unit(int round)
{
	struct timespec until;

	if (round > 0) {
		CHECK_EQ(sem_wait(&pool), 0);
		return;
	}
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	reached++;
	CHECK_EQ(pthread_cond_broadcast(&changed), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
	CHECK_EQ(sem_wait(&pool), 0);
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &until), 0);
	until.tv_sec += 2;
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	while (reached < WORKERS)
		if (pthread_cond_timedwait(&changed, &table, &until) ==
		    ETIMEDOUT)
			break;
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
	usleep(20000);
}

static void *worker(void *arg)
{
	int round;

	(void)arg;
	CHECK_EQ(coffman_claim(&pool, 2), 0);
	for (round = 0; round < ROUNDS; round++) {
		first_unit(round);
		CHECK_EQ(sem_wait(&pool), 0);
		CHECK_EQ(pthread_mutex_lock(&table), 0);
		done++;
		CHECK_EQ(pthread_mutex_unlock(&table), 0);
		CHECK_EQ(sem_post(&pool), 0);
		CHECK_EQ(sem_post(&pool), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t th[WORKERS];
	int i;

	CHECK_EQ(sem_init(&pool, 0, 4), 0);
	for (i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, worker, NULL), 0);
	for (i = 0; i < WORKERS; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);
	CHECK_EQ(done, WORKERS * ROUNDS);
	CHECK_EQ(sem_destroy(&pool), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
