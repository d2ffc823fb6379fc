/* SPDX-License-Identifier: MIT */
/*
 * starvation_reported.c - a reader-preferring rwlock (glibc's default)
 * that three readers keep read-locked for 750 ms, taking turns so
 * that a new read lock is always taken before the previous one is let go:
 * the lock is never free, and "writer", waiting in a 1.5 s
 * pthread_rwlock_timedwrlock, is passed over again and again. Over
 * starvation_ms with the lock granted to others meanwhile: a starvation
 * warning at the writer's line. The readers then stop and the writer gets
 * the lock before its timeout; the program ends with status 0.
 *
 * EXPECT options=starvation_ms=300
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=starvation severity=warning lines=@wrlock threads=writer objects=table
 * EXPECT stderr~=starvation
 */
#include <pthread.h>
#include <semaphore.h>

#include "dl.h"

#define READERS 3
#define STEPS	30 /* read-lock hand-overs ... */
#define STEP_MS 25 /* ... this far apart: 750 ms in all */

static pthread_rwlock_t table = PTHREAD_RWLOCK_INITIALIZER;
static sem_t turn[READERS];  /* reader i: take a read lock now */
static sem_t leave[READERS]; /* reader i: let go of it */
static sem_t taken;	     /* a reader holds its read lock */
static int writer_rc = -1;
static volatile int stop; /* set before the last turn[] posts */

static void *reader(void *arg)
{
	int id = (int)(long)arg;

	for (;;) {
		CHECK_EQ(sem_wait(&turn[id]), 0);
		if (stop)
			break;
		CHECK_EQ(pthread_rwlock_rdlock(&table), 0);
		CHECK_EQ(sem_post(&taken), 0);
		CHECK_EQ(sem_wait(&leave[id]), 0);
		CHECK_EQ(pthread_rwlock_unlock(&table), 0);
	}
	return NULL;
}

static void *writer(void *arg)
{
	struct timespec ts = dl_deadline(1500);

	(void)arg;
	writer_rc = pthread_rwlock_timedwrlock(&table, &ts); /* @wrlock */
	if (writer_rc == 0)
		CHECK_EQ(pthread_rwlock_unlock(&table), 0);
	return NULL;
}

/* Reader id takes a read lock; returns once it holds it. */
static void enter(int id)
{
	CHECK_EQ(sem_post(&turn[id]), 0);
	CHECK_EQ(sem_wait(&taken), 0);
}

int main(void)
{
	static const char *const names[READERS] = { "reader-0", "reader-1",
						    "reader-2" };
	struct dl_thread r[READERS], w;
	long i;
	int step;

	CHECK_EQ(sem_init(&taken, 0, 0), 0);
	for (i = 0; i < READERS; i++) {
		CHECK_EQ(sem_init(&turn[i], 0, 0), 0);
		CHECK_EQ(sem_init(&leave[i], 0, 0), 0);
		dl_spawn(&r[i], names[i], reader, (void *)i);
	}
	enter(0);
	dl_spawn(&w, "writer", writer, NULL);
	dl_sleep_ms(STEP_MS); /* the writer waits by now */
	for (step = 1; step <= STEPS; step++) {
		/* The next reader holds the lock before the last one leaves:
		 * never a moment without a reader. */
		enter(step % READERS);
		CHECK_EQ(sem_post(&leave[(step - 1) % READERS]), 0);
		dl_sleep_ms(STEP_MS);
	}
	CHECK_EQ(sem_post(&leave[STEPS % READERS]), 0);
	dl_join(&w);
	CHECK_EQ(writer_rc, 0);
	stop = 1;
	for (i = 0; i < READERS; i++)
		CHECK_EQ(sem_post(&turn[i]), 0);
	for (i = 0; i < READERS; i++)
		dl_join(&r[i]);
	return 0;
}
