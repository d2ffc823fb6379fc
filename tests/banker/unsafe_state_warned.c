/* SPDX-License-Identifier: MIT */
/*
 * unsafe_state_warned.c - five philosophers each claim their two forks
 * (coffman_claim) and, in turn, take their left fork. The fifth grant
 * leaves a state from which no philosopher can be sure to finish: one
 * unsafe-state warning, naming the grant. They then put the forks down
 * and eat one at a time, lower fork first: nothing else to report.
 *
 * EXPECT options=banker=warn
 * EXPECT reports=1
 * EXPECT report kind=unsafe-state severity=warning lines=@left threads=philo-4 objects=forks[4]
 * EXPECT stderr~=no thread with claims can finish
 * EXPECT stderr~=Allocation
 */
#include "phil.h"

static void *philosopher(void *arg)
{
	int k = (int)(long)arg, lo, hi;

	phil_name(k);
	CHECK_EQ(coffman_claim(&forks[phil_left(k)], 1), 0);
	CHECK_EQ(coffman_claim(&forks[phil_right(k)], 1), 0);

	phil_in_turn(k);
	CHECK_EQ(pthread_mutex_lock(&forks[phil_left(k)]), 0); /* @left */
	phil_next_turn();
	phil_all_hold_left();
	CHECK_EQ(pthread_mutex_unlock(&forks[phil_left(k)]), 0);
	phil_all_released();

	/* Then one at a time, lower-numbered fork first. */
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
	phil_run(philosopher);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
