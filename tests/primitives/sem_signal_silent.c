/* SPDX-License-Identifier: MIT */
/*
 * sem_signal_silent.c - semaphores that signal between threads are not
 * locks. 'items' starts at 0 and only the producer posts it, a thread
 * that never took a unit: a signal from the first post on.
 *
 * Phase 1 takes it in both orders with the mutex m: consumer1 waits for
 * an item while holding m (m -> items), consumer2 waits for an item and
 * then takes m (items -> m), and the producer posts while holding m. Were
 * 'items' a lock, that is a cycle; it is not, and nothing is reported.
 * Phase 2 is the classic bounded buffer (items, slots and m) run by a
 * producer and two consumers concurrently.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <semaphore.h>

#include "prim.h"

#define SLOTS 8
#define ITEMS 20000

static sem_t items;
static sem_t slots;
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int queued; /* items posted and not yet taken, under m */
static int buffer[SLOTS];
static unsigned head, tail;
static long sum;

static void produce_two(void)
{
	int i;

	for (i = 0; i < 2; i++) {
		CHECK_EQ(pthread_mutex_lock(&m), 0);
		queued++;
		CHECK_EQ(sem_post(&items), 0); /* posted holding m */
		CHECK_EQ(pthread_mutex_unlock(&m), 0);
	}
}

/* An item is queued, so the wait under m returns at once. */
static void take_under_lock(void)
{
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK(queued > 0);
	CHECK_EQ(sem_wait(&items), 0); /* m -> items */
	queued--;
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
}

static void take_then_lock(void)
{
	CHECK_EQ(sem_wait(&items), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0); /* items -> m */
	queued--;
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
}

static void *producer(void *arg)
{
	int i;

	(void)arg;
	for (i = 1; i <= ITEMS; i++) {
		CHECK_EQ(sem_wait(&slots), 0);
		CHECK_EQ(pthread_mutex_lock(&m), 0);
		buffer[tail++ % SLOTS] = i;
		CHECK_EQ(sem_post(&items), 0);
		CHECK_EQ(pthread_mutex_unlock(&m), 0);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	int i;

	(void)arg;
	for (i = 0; i < ITEMS / 2; i++) {
		CHECK_EQ(sem_wait(&items), 0);
		CHECK_EQ(pthread_mutex_lock(&m), 0);
		sum += buffer[head++ % SLOTS];
		CHECK_EQ(pthread_mutex_unlock(&m), 0);
		CHECK_EQ(sem_post(&slots), 0);
	}
	return NULL;
}

int main(void)
{
	pthread_t p, c1, c2;
	int v;

	CHECK_EQ(sem_init(&items, 0, 0), 0);
	CHECK_EQ(sem_init(&slots, 0, SLOTS), 0);

	run_named("producer", produce_two);
	run_named("consumer1", take_under_lock);
	run_named("consumer2", take_then_lock);
	CHECK_EQ(queued, 0);
	CHECK_EQ(preload_reports(), 0);

	CHECK_EQ(pthread_create(&p, NULL, producer, NULL), 0);
	CHECK_EQ(pthread_create(&c1, NULL, consumer, NULL), 0);
	CHECK_EQ(pthread_create(&c2, NULL, consumer, NULL), 0);
	CHECK_EQ(pthread_join(p, NULL), 0);
	CHECK_EQ(pthread_join(c1, NULL), 0);
	CHECK_EQ(pthread_join(c2, NULL), 0);
	CHECK_EQ(sum, (long)ITEMS * (ITEMS + 1) / 2);
	CHECK_EQ(sem_getvalue(&items, &v), 0);
	CHECK_EQ(v, 0);
	CHECK_EQ(sem_getvalue(&slots, &v), 0);
	CHECK_EQ(v, SLOTS);
	CHECK_EQ(sem_destroy(&items), 0);
	CHECK_EQ(sem_destroy(&slots), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
