/* SPDX-License-Identifier: MIT */
/*
 * rotating_locks_few_reports.c - one thread takes all 45 locks of an
 * array, starting at a different one each round, from one line: every
 * pair of locks is taken in both orders, and the order graph fills with
 * thousands of cycles, all the same mistake in the code. They are
 * reported as warnings (one thread) and only a few times, and the run
 * stays quick (each new edge once spent the whole cycle search budget,
 * about 30 s in all): dl_bound ends it with status 3 after 10 s.
 *
 * EXPECT exit=0
 * EXPECT reports=3
 * EXPECT report kind=lock-order-inversion severity=warning lines=@take,@take threads=rotator objects=ring[0],ring[1]
 */
#include <pthread.h>

#include "dl.h"

#define NLOCKS 45

static pthread_mutex_t ring[NLOCKS];

int main(void)
{
	int i, j;

	dl_bound(10);
	CHECK_EQ(pthread_setname_np(pthread_self(), "rotator"), 0);
	for (i = 0; i < NLOCKS; i++)
		CHECK_EQ(pthread_mutex_init(&ring[i], NULL), 0);
	for (i = 0; i < NLOCKS; i++) {
		for (j = 0; j < NLOCKS; j++) {
			pthread_mutex_t *m = &ring[(i + j) % NLOCKS];

			CHECK_EQ(pthread_mutex_lock(m), 0); /* @take */
		}
		for (j = 0; j < NLOCKS; j++)
			CHECK_EQ(pthread_mutex_unlock(&ring[(i + j) % NLOCKS]),
				 0);
	}
	return 0;
}
