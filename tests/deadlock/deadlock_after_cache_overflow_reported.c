/* SPDX-License-Identifier: MIT */
/*
 * deadlock_after_cache_overflow_reported.c - "walker" takes 160,000 distinct
 * nestings outer[i] -> inner[j], more than a thread's cache of nestings
 * holds, three times over, so that the later passes find every edge in
 * the graph but not in the cache. On the third pass, holding outer[3] and
 * inner[7], it waits for "last", which "other" holds while it waits for
 * inner[7]: a deadlock, reported with the lines where each lock was taken.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@inner,@last_w,@last_o,@inner_o threads=walker,other objects=inner[7],last
 * EXPECT stderr~=also holds mutex outer[3] at
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>
#include <semaphore.h>

#include "dl.h"

#define NOUTER 400
#define NINNER 400

static pthread_mutex_t outer[NOUTER], inner[NINNER];
static pthread_mutex_t last = PTHREAD_MUTEX_INITIALIZER;
static sem_t holding, other_ready;

static void *walk(void *arg)
{
	int pass, i, j;

	(void)arg;
	sem_wait(&other_ready);
	for (pass = 0; pass < 3; pass++)
		for (i = 0; i < NOUTER; i++)
			for (j = 0; j < NINNER; j++) {
				pthread_mutex_lock(&outer[i]); /* @outer */
				pthread_mutex_lock(&inner[j]); /* @inner */
				if (pass == 2 && i == 3 && j == 7) {
					sem_post(&holding);
					pthread_mutex_lock(&last); /* @last_w */
					fprintf(stderr, "NOT REACHED: walker\n");
				}
				pthread_mutex_unlock(&inner[j]);
				pthread_mutex_unlock(&outer[i]);
			}
	return NULL;
}

static void *other(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&last); /* @last_o */
	sem_post(&other_ready);
	sem_wait(&holding);
	pthread_mutex_lock(&inner[7]); /* @inner_o */
	fprintf(stderr, "NOT REACHED: other\n");
	return NULL;
}

int main(void)
{
	struct dl_thread w, o;
	int i;

	dl_bound(10);
	for (i = 0; i < NOUTER; i++)
		pthread_mutex_init(&outer[i], NULL);
	for (i = 0; i < NINNER; i++)
		pthread_mutex_init(&inner[i], NULL);
	sem_init(&holding, 0, 0);
	sem_init(&other_ready, 0, 0);
	dl_spawn(&o, "other", other, NULL);
	dl_spawn(&w, "walker", walk, NULL);
	dl_join(&w);
	dl_join(&o);
	fprintf(stderr, "NOT REACHED: joined\n");
	return 1;
}
