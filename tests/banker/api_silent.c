/* SPDX-License-Identifier: MIT */
/*
 * api_silent.c - the program of unsafe_state_warned.c with banker=off
 * (the default): claims are accepted (and traced), nothing is checked,
 * nothing reported.
 */
#include "phil.h"

static void *philosopher(void *arg)
{
	int k = (int)(long)arg, lo, hi;

	phil_name(k);
	CHECK_EQ(coffman_claim(&forks[phil_left(k)], 1), 0);
	CHECK_EQ(coffman_claim(&forks[phil_right(k)], 1), 0);

	phil_in_turn(k);
	CHECK_EQ(pthread_mutex_lock(&forks[phil_left(k)]), 0);
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
	CHECK_EQ(coffman_claims_done(), 0);
	return NULL;
}

int main(void)
{
	phil_run(philosopher);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
