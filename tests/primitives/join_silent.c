/* SPDX-License-Identifier: MIT */
/*
 * join_silent.c - fifty threads created and ended every way there is:
 * pthread_join, pthread_timedjoin_np (one timing out first while the
 * thread still runs), pthread_clockjoin_np, a pthread_tryjoin_np loop
 * (EBUSY until the thread ends), and detached threads. Each thread takes
 * a mutex and returns a value that the joiner checks. No report.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sched.h>

#include "prim.h"

#define THREADS 50

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static sem_t detached_done;
static sem_t release_slow[THREADS]; /* one per slow thread */
static long total;

static void *work(void *arg)
{
	long n = (long)arg;

	CHECK_EQ(pthread_mutex_lock(&m), 0);
	total += n;
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	return (void *)(n * 2);
}

static void *slow(void *arg)
{
	CHECK_EQ(sem_wait(&release_slow[(long)arg]), 0);
	return work(arg);
}

static void *detached(void *arg)
{
	work(arg);
	CHECK_EQ(sem_post(&detached_done), 0);
	return NULL;
}

int main(void)
{
	pthread_t t[THREADS];
	pthread_attr_t attr;
	struct timespec ts;
	void *ret;
	long i, expect = 0, detached_n = 0;
	int rc;

	CHECK_EQ(sem_init(&detached_done, 0, 0), 0);
	for (i = 0; i < THREADS; i++)
		CHECK_EQ(sem_init(&release_slow[i], 0, 0), 0);
	for (i = 0; i < THREADS; i++) {
		expect += i;
		if (i % 10 == 9) {
			/* Detached at creation or right after. */
			if (i % 20 == 9) {
				CHECK_EQ(pthread_attr_init(&attr), 0);
				CHECK_EQ(pthread_attr_setdetachstate(
						 &attr, PTHREAD_CREATE_DETACHED),
					 0);
				CHECK_EQ(pthread_create(&t[i], &attr,
							detached, (void *)i),
					 0);
				CHECK_EQ(pthread_attr_destroy(&attr), 0);
			} else {
				CHECK_EQ(pthread_create(&t[i], NULL, detached,
							(void *)i), 0);
				CHECK_EQ(pthread_detach(t[i]), 0);
			}
			detached_n++;
			continue;
		}
		CHECK_EQ(pthread_create(&t[i], NULL,
					i % 10 == 4 ? slow : work, (void *)i),
			 0);
	}
	for (i = 0; i < THREADS; i++) {
		if (i % 10 == 9)
			continue;
		ret = NULL;
		switch (i % 5) {
		case 0:
			CHECK_EQ(pthread_join(t[i], &ret), 0);
			break;
		case 1:
			ts = deadline(5000);
			CHECK_EQ(pthread_timedjoin_np(t[i], &ret, &ts), 0);
			break;
		case 2:
			ts = deadline_on(CLOCK_MONOTONIC, 5000);
			CHECK_EQ(pthread_clockjoin_np(t[i], &ret,
						      CLOCK_MONOTONIC, &ts),
				 0);
			break;
		case 3:
			while ((rc = pthread_tryjoin_np(t[i], &ret)) == EBUSY)
				sched_yield();
			CHECK_EQ(rc, 0);
			break;
		default:
			/* 'slow' waits to be released: the first timed join
			 * times out, the tryjoin is busy. */
			ts = deadline(20);
			CHECK_EQ(pthread_timedjoin_np(t[i], &ret, &ts),
				 ETIMEDOUT);
			CHECK_EQ(pthread_tryjoin_np(t[i], &ret), EBUSY);
			CHECK_EQ(sem_post(&release_slow[i]), 0);
			CHECK_EQ(pthread_join(t[i], &ret), 0);
			break;
		}
		CHECK_EQ((long)ret, i * 2);
	}
	for (i = 0; i < detached_n; i++)
		CHECK_EQ(sem_wait(&detached_done), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(total, expect);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	for (i = 0; i < THREADS; i++)
		CHECK_EQ(sem_destroy(&release_slow[i]), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
