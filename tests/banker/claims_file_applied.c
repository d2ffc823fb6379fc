/* SPDX-License-Identifier: MIT */
/*
 * claims_file_applied.c - an unmodified program (no coffman_claim): the
 * claims come from claims_file_applied.claims, whose rules name threads
 * by glob (philo-[40]) and forks as forks[K]. Five philosophers take
 * their left forks in turn: the fifth grant is unsafe, as with the API.
 * The main thread matches no rule and is not checked.
 *
 * EXPECT options=banker=warn:claims={srcdir}/claims_file_applied.claims
 * EXPECT reports=1
 * EXPECT report kind=unsafe-state severity=warning lines=@left threads=philo-4 objects=forks[4],forks[0]
 */
#include "phil.h"

static void *philosopher(void *arg)
{
	int k = (int)(long)arg, lo, hi;

	phil_name(k);
	phil_in_turn(k);
	CHECK_EQ(pthread_mutex_lock(&forks[phil_left(k)]), 0); /* @left */
	phil_next_turn();
	phil_all_hold_left();
	CHECK_EQ(pthread_mutex_unlock(&forks[phil_left(k)]), 0);
	phil_all_released();

	lo = phil_left(k) < phil_right(k) ? phil_left(k) : phil_right(k);
	hi = phil_left(k) + phil_right(k) - lo;
	phil_in_turn(N_PHILO + k);
	CHECK_EQ(pthread_mutex_lock(&forks[lo]), 0);
	CHECK_EQ(pthread_mutex_lock(&forks[hi]), 0);
	CHECK_EQ(pthread_mutex_unlock(&forks[hi]), 0);
	CHECK_EQ(pthread_mutex_unlock(&forks[lo]), 0);
	phil_next_turn();
	return NULL;
}

int main(void)
{
	/* The main thread is no philosopher: its locks are not checked. */
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
	phil_run(philosopher);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
