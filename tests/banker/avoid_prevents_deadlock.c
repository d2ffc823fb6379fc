/* SPDX-License-Identifier: MIT */
/*
 * avoid_prevents_deadlock.c - five philosophers claim their two forks and
 * take them naively (left, then right) all at once: each says it reaches
 * for its left fork, and in the first round nobody reaches for a right
 * one until everyone has (then a pause, so the last really holds or
 * waits); later rounds run free. On its own this deadlocks every time. With banker=avoid the grant of the last left fork
 * would leave an unsafe state, so it waits until a neighbour has eaten:
 * every meal is eaten, and nothing is reported (the lock-order cycle the
 * naive order draws is covered by the claims, so it is no error either).
 *
 * EXPECT options=banker=avoid
 */
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "phil.h"

#define ROUNDS 3

static int reached; /* under 'table' */
static int meals;	    /* under 'table' */

static void reach_left(void)
{
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	reached++;
	CHECK_EQ(pthread_cond_broadcast(&changed), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
}

/*
 * Until all reached for their left fork (2 s at most), then 20 ms. Only
 * in the first round: later, one that ate already would wait here holding
 * the fork a slower neighbour still needs for its first meal.
 */
static void wait_all_reached(void)
{
	struct timespec until;

	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &until), 0);
	until.tv_sec += 2;
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	while (reached < N_PHILO)
		if (pthread_cond_timedwait(&changed, &table, &until) ==
		    ETIMEDOUT)
			break;
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
	usleep(20000);
}

static void *philosopher(void *arg)
{
	int k = (int)(long)arg, round;

	phil_name(k);
	CHECK_EQ(coffman_claim(&forks[phil_left(k)], 1), 0);
	CHECK_EQ(coffman_claim(&forks[phil_right(k)], 1), 0);
	for (round = 0; round < ROUNDS; round++) {
		if (round == 0)
			reach_left();
		CHECK_EQ(pthread_mutex_lock(&forks[phil_left(k)]), 0);
		if (round == 0)
			wait_all_reached();
		CHECK_EQ(pthread_mutex_lock(&forks[phil_right(k)]), 0);
		CHECK_EQ(pthread_mutex_lock(&table), 0);
		meals++;
		CHECK_EQ(pthread_mutex_unlock(&table), 0);
		CHECK_EQ(pthread_mutex_unlock(&forks[phil_right(k)]), 0);
		CHECK_EQ(pthread_mutex_unlock(&forks[phil_left(k)]), 0);
	}
	return NULL;
}

int main(void)
{
	phil_run(philosopher);
	CHECK_EQ(meals, N_PHILO * ROUNDS);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
