/* SPDX-License-Identifier: MIT */
/*
 * prodcons.c - a bounded buffer shared by producers and consumers, done
 * right two ways: a monitor (one mutex, two condition variables) and, with
 * --semaphores, two counting semaphores plus a mutex.
 *
 *   prodcons               mutex + condition variables "not_full" and
 *                          "not_empty"; every wait re-checks its predicate
 *                          in a loop.
 *   prodcons --semaphores  "free_slots" counts empty slots, "filled_slots"
 *                          counts items; the mutex guards only the indices.
 *
 * Both are correct: coffman has nothing to report. The comments mark the
 * one-line changes that would make them deadlock or lose items.
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "demo.h"

#define CAPACITY  4 /* slots in the buffer: small, so it fills up */
#define PRODUCERS 2
#define CONSUMERS 2
#define ITEMS	  10000 /* items per producer */
#define STOP	  0	/* the item that tells a consumer to stop */

struct buffer {
	int slot[CAPACITY];
	int head;  /* next slot to take from */
	int tail;  /* next slot to put into */
	int count; /* items in the buffer: the monitor's state */
};

struct consumer {
	int id;
	long taken;    /* items consumed */
	long long sum; /* of their values, to check nothing was lost */
	pthread_t thread;
};

static bool use_semaphores;
static struct buffer buf;
static pthread_mutex_t buf_lock = PTHREAD_MUTEX_INITIALIZER;

/* The monitor version: wait for a state, signal when it changes. */
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER;
static pthread_cond_t not_empty = PTHREAD_COND_INITIALIZER;

/* The semaphore version: the counts live in the semaphores. */
static sem_t free_slots;   /* starts at CAPACITY */
static sem_t filled_slots; /* starts at 0 */

static void store(int item)
{
	buf.slot[buf.tail] = item;
	buf.tail = (buf.tail + 1) % CAPACITY;
}

static int fetch(void)
{
	int item = buf.slot[buf.head];

	buf.head = (buf.head + 1) % CAPACITY;
	return item;
}

static void put_monitor(int item)
{
	CHECK(pthread_mutex_lock(&buf_lock));
	/*
	 * A loop, not an if: another producer may fill the slot between
	 * the signal and our wake-up, and wake-ups may be spurious.
	 */
	while (buf.count == CAPACITY)
		CHECK(pthread_cond_wait(&not_full, &buf_lock));
	store(item);
	buf.count++;
	CHECK(pthread_cond_signal(&not_empty));
	CHECK(pthread_mutex_unlock(&buf_lock));
}

static int get_monitor(void)
{
	int item;

	CHECK(pthread_mutex_lock(&buf_lock));
	while (buf.count == 0)
		CHECK(pthread_cond_wait(&not_empty, &buf_lock));
	item = fetch();
	buf.count--;
	CHECK(pthread_cond_signal(&not_full));
	CHECK(pthread_mutex_unlock(&buf_lock));
	return item;
}

static void put_semaphores(int item)
{
	/*
	 * Wait for a slot *before* taking the mutex. The other way round a
	 * producer would sleep on a full buffer holding the mutex that
	 * every consumer needs to empty it: hold and wait, and a deadlock.
	 */
	CHECK_SYS(sem_wait(&free_slots));
	CHECK(pthread_mutex_lock(&buf_lock));
	store(item);
	CHECK(pthread_mutex_unlock(&buf_lock));
	CHECK_SYS(sem_post(&filled_slots));
}

static int get_semaphores(void)
{
	int item;

	CHECK_SYS(sem_wait(&filled_slots));
	CHECK(pthread_mutex_lock(&buf_lock));
	item = fetch();
	CHECK(pthread_mutex_unlock(&buf_lock));
	CHECK_SYS(sem_post(&free_slots));
	return item;
}

static void put(int item)
{
	if (use_semaphores)
		put_semaphores(item);
	else
		put_monitor(item);
}

static int get(void)
{
	return use_semaphores ? get_semaphores() : get_monitor();
}

static void *producer_main(void *arg)
{
	int id = *(const int *)arg;
	char name[16];

	snprintf(name, sizeof(name), "producer-%d", id);
	demo_name_self(name);
	for (int i = 1; i <= ITEMS; i++)
		put(i); /* never STOP, which is 0 */
	return NULL;
}

static void *consumer_main(void *arg)
{
	struct consumer *c = arg;
	char name[16];
	int item;

	snprintf(name, sizeof(name), "consumer-%d", c->id);
	demo_name_self(name);
	while ((item = get()) != STOP) {
		c->taken++;
		c->sum += item;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct consumer consumers[CONSUMERS] = { 0 };
	pthread_t producers[PRODUCERS];
	int ids[PRODUCERS];
	long long want_sum = (long long)PRODUCERS * ITEMS * (ITEMS + 1) / 2;
	long long sum = 0;
	long taken = 0;

	demo_line_buffered();
	if (argc == 2 && strcmp(argv[1], "--semaphores") == 0) {
		use_semaphores = true;
	} else if (argc != 1) {
		fprintf(stderr, "usage: prodcons [--semaphores]\n");
		return 2;
	}

	if (use_semaphores) {
		printf("prodcons --semaphores: a %d-slot buffer, %d producers, "
		       "%d consumers.\nSemaphore free_slots counts empty "
		       "slots, filled_slots counts items:\na producer waits "
		       "on free_slots, a consumer on filled_slots, and the\n"
		       "mutex guards only the indices, never a wait.\n",
		       CAPACITY, PRODUCERS, CONSUMERS);
		CHECK_SYS(sem_init(&free_slots, 0, CAPACITY));
		CHECK_SYS(sem_init(&filled_slots, 0, 0));
	} else {
		printf("prodcons: a %d-slot buffer, %d producers, %d "
		       "consumers. A monitor: one\nmutex and two condition "
		       "variables; producers wait while the buffer is\nfull, "
		       "consumers while it is empty, each re-checking in a "
		       "loop.\n",
		       CAPACITY, PRODUCERS, CONSUMERS);
	}

	for (int i = 0; i < CONSUMERS; i++) {
		consumers[i].id = i;
		CHECK(pthread_create(&consumers[i].thread, NULL, consumer_main,
				     &consumers[i]));
	}
	for (int i = 0; i < PRODUCERS; i++) {
		ids[i] = i;
		CHECK(pthread_create(&producers[i], NULL, producer_main,
				     &ids[i]));
	}
	for (int i = 0; i < PRODUCERS; i++)
		CHECK(pthread_join(producers[i], NULL));
	/* Everything is produced: one STOP per consumer ends them all. */
	for (int i = 0; i < CONSUMERS; i++)
		put(STOP);
	for (int i = 0; i < CONSUMERS; i++) {
		CHECK(pthread_join(consumers[i].thread, NULL));
		printf("  consumer-%d took %ld items\n", i, consumers[i].taken);
		taken += consumers[i].taken;
		sum += consumers[i].sum;
	}
	if (use_semaphores) {
		CHECK_SYS(sem_destroy(&free_slots));
		CHECK_SYS(sem_destroy(&filled_slots));
	}

	printf("%ld of %d items consumed, checksum %s.\n", taken,
	       PRODUCERS * ITEMS, sum == want_sum ? "correct" : "WRONG");
	return sum == want_sum && taken == PRODUCERS * ITEMS ? 0 : 1;
}
