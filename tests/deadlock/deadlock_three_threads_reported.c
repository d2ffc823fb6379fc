/* SPDX-License-Identifier: MIT */
/*
 * deadlock_three_threads_reported.c - three philosophers, three forks:
 * each takes its left fork, a barrier waits until all three hold one, and
 * each reaches for its right fork, held by its neighbour. The wait-for
 * cycle philo-0 -> philo-1 -> philo-2 -> philo-0 is reported when the
 * last one blocks; the forks are array elements, named forks[0]..forks[2].
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@left,@right threads=philo-0,philo-1,philo-2 objects=forks[0],forks[1],forks[2]
 * EXPECT stderr~=3 threads wait for each other
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "dl.h"

#define N 3

pthread_mutex_t forks[N] = { PTHREAD_MUTEX_INITIALIZER,
			     PTHREAD_MUTEX_INITIALIZER,
			     PTHREAD_MUTEX_INITIALIZER };
static pthread_barrier_t all_hold_left;

static void *dine(void *arg)
{
	int id = (int)(long)arg;

	CHECK_EQ(pthread_mutex_lock(&forks[id]), 0); /* @left */
	dl_barrier_wait(&all_hold_left);
	pthread_mutex_lock(&forks[(id + 1) % N]); /* @right */
	fprintf(stderr, "NOT REACHED: philo-%d ate\n", id);
	exit(1);
}

int main(void)
{
	static const char *const names[N] = { "philo-0", "philo-1", "philo-2" };
	struct dl_thread t[N];
	long i;

	dl_bound(3);
	CHECK_EQ(pthread_barrier_init(&all_hold_left, NULL, N), 0);
	for (i = 0; i < N; i++)
		dl_spawn(&t[i], names[i], dine, (void *)i);
	dl_join(&t[0]);
	fprintf(stderr, "NOT REACHED: philo-0 returned\n");
	return 1;
}
