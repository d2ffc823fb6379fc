/* SPDX-License-Identifier: MIT */
/*
 * avoid_stress.c - five philosophers with claims eat many meals as fast as
 * they can, forks taken naively (left, then right): without avoidance
 * this deadlocks sooner or later; with banker=avoid it must always
 * finish. Also the benchmark of the Banker's cost: it prints the time per
 * meal (two locks and two unlocks).
 *
 *   avoid_stress [MEALS] [--ordered] [--no-claims]
 *     --ordered    lower fork first (never deadlocks: runs without the
 *                  runtime too, the baseline)
 *     --no-claims  do not call coffman_claim
 *
 * EXPECT options=banker=avoid
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "phil.h"

static long n_meals = 2000;
static int ordered, claims = 1;

static void *philosopher(void *arg)
{
	int k = (int)(long)arg, first, second;
	long i;

	first = phil_left(k);
	second = phil_right(k);
	if (ordered && first > second) {
		first = second;
		second = phil_left(k);
	}
	phil_name(k);
	if (claims) { /* -ENOSYS without the runtime: fine */
		coffman_claim(&forks[first], 1);
		coffman_claim(&forks[second], 1);
	}
	for (i = 0; i < n_meals; i++) {
		CHECK_EQ(pthread_mutex_lock(&forks[first]), 0);
		CHECK_EQ(pthread_mutex_lock(&forks[second]), 0);
		CHECK_EQ(pthread_mutex_unlock(&forks[second]), 0);
		CHECK_EQ(pthread_mutex_unlock(&forks[first]), 0);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	double ns;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ordered"))
			ordered = 1;
		else if (!strcmp(argv[i], "--no-claims"))
			claims = 0;
		else
			n_meals = atol(argv[i]);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	phil_run(philosopher);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = (double)(t1.tv_sec - t0.tv_sec) * 1e9 +
	     (double)(t1.tv_nsec - t0.tv_nsec);
	printf("%ld meals x %d philosophers (%s%s): %.0f ns per meal\n",
	       n_meals, N_PHILO, ordered ? "ordered" : "naive",
	       claims ? ", claims" : "", ns / (double)(n_meals * N_PHILO));
	return 0;
}
