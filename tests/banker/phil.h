/* SPDX-License-Identifier: MIT */
/*
 * phil.h - dining philosophers for the banker tests: N_PHILO threads named
 * philo-K, fork K between philosopher K (its left) and K-1 (its right).
 * Every step that matters is taken in turn, so a test decides exactly
 * which state the Banker's algorithm sees; nothing here can hang.
 */
#ifndef COFFMAN_TEST_PHIL_H
#define COFFMAN_TEST_PHIL_H

#include <pthread.h>
#include <stdio.h>

#include "check.h"

#define N_PHILO 5

pthread_mutex_t forks[N_PHILO]; /* a global array: claims files name it */

static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int turn;     /* ticket allowed to go next */
static int holding;  /* philosophers holding their left fork */
static int released; /* philosophers that put it down again */

static inline int phil_left(int k)
{
	return k;
}

static inline int phil_right(int k)
{
	return (k + 1) % N_PHILO;
}

/* Wait for ticket 'ticket', then let the next one go after 'fn'. */
static inline void phil_in_turn(int ticket)
{
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	while (turn != ticket)
		CHECK_EQ(pthread_cond_wait(&changed, &table), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
}

static inline void phil_next_turn(void)
{
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	turn++;
	CHECK_EQ(pthread_cond_broadcast(&changed), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
}

/* Count this philosopher as holding its left fork; wait for all. */
static inline void phil_all_hold_left(void)
{
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	holding++;
	CHECK_EQ(pthread_cond_broadcast(&changed), 0);
	while (holding < N_PHILO)
		CHECK_EQ(pthread_cond_wait(&changed, &table), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
}

/* Count this philosopher as having put its left fork down; wait for all. */
static inline void phil_all_released(void)
{
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	released++;
	CHECK_EQ(pthread_cond_broadcast(&changed), 0);
	while (released < N_PHILO)
		CHECK_EQ(pthread_cond_wait(&changed, &table), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
}

static inline void phil_name(int k)
{
	char name[16];

	snprintf(name, sizeof(name), "philo-%d", k);
	CHECK_EQ(pthread_setname_np(pthread_self(), name), 0);
}

/* Start N_PHILO threads running fn(k) and wait for them all. */
static inline void phil_run(void *(*fn)(void *))
{
	pthread_t th[N_PHILO];
	long k;

	for (k = 0; k < N_PHILO; k++)
		CHECK_EQ(pthread_mutex_init(&forks[k], NULL), 0);
	for (k = 0; k < N_PHILO; k++)
		CHECK_EQ(pthread_create(&th[k], NULL, fn, (void *)k), 0);
	for (k = 0; k < N_PHILO; k++)
		CHECK_EQ(pthread_join(th[k], NULL), 0);
	for (k = 0; k < N_PHILO; k++)
		CHECK_EQ(pthread_mutex_destroy(&forks[k]), 0);
}

#endif /* COFFMAN_TEST_PHIL_H */
