/* SPDX-License-Identifier: MIT */
/*
 * timed_past_deadline_silent.c - "holder" keeps a mutex, an rwlock and an
 * empty semaphore while it joins "late", whose timed mutex lock, rwlock
 * write lock and sem_timedwait have deadlines already past: each returns
 * ETIMEDOUT at once, without waiting, so the join ends. A call that
 * cannot wait is a try: no thread is ever blocked, and no deadlock (the
 * holder waiting for late, late for what the holder holds) is reported.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>

#include "check.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static sem_t empty;

static void *late(void *arg)
{
	struct timespec past;

	(void)arg;
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &past), 0);
	past.tv_sec -= 2;
	CHECK_EQ(pthread_mutex_timedlock(&m, &past), ETIMEDOUT);
	CHECK_EQ(pthread_rwlock_timedwrlock(&rw, &past), ETIMEDOUT);
	CHECK_EQ(sem_timedwait(&empty, &past), -1);
	CHECK_EQ(errno, ETIMEDOUT);
	return NULL;
}

int main(void)
{
	pthread_t th;

	CHECK_EQ(sem_init(&empty, 0, 0), 0);
	CHECK_EQ(pthread_setname_np(pthread_self(), "holder"), 0);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_rwlock_rdlock(&rw), 0);
	CHECK_EQ(pthread_create(&th, NULL, late, NULL), 0);
	CHECK_EQ(pthread_join(th, NULL), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	return 0;
}
