/* SPDX-License-Identifier: MIT */
/*
 * avoid_trylock_held_back.c - banker=avoid on rwlocks and spinlocks, and
 * on calls that must not wait: "first" write-locks rw; "second" claims
 * the same two objects, so granting it the (free) spinlock now would
 * leave each holding what the other still needs. Its spin_trylock fails
 * with EBUSY, and a timed write lock of rw times out, both without
 * waiting for ever; once "first" has taken both and let go, everything
 * goes through. Nothing is reported.
 *
 * EXPECT options=banker=avoid
 */
#include <errno.h>
#include <time.h>

#include "check.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static pthread_spinlock_t spin;
static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed = PTHREAD_COND_INITIALIZER;
static int step;

static void wait_step(int s)
{
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	while (step < s)
		CHECK_EQ(pthread_cond_wait(&changed, &table), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
}

static void set_step(int s)
{
	CHECK_EQ(pthread_mutex_lock(&table), 0);
	step = s;
	CHECK_EQ(pthread_cond_broadcast(&changed), 0);
	CHECK_EQ(pthread_mutex_unlock(&table), 0);
}

static void *first(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "first"), 0);
	CHECK_EQ(coffman_claim(&rw, 1), 0);
	CHECK_EQ(coffman_claim((const void *)&spin, 1), 0);
	CHECK_EQ(pthread_rwlock_wrlock(&rw), 0);
	set_step(1);
	wait_step(2);
	CHECK_EQ(pthread_spin_lock(&spin), 0);
	CHECK_EQ(pthread_spin_unlock(&spin), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	return NULL;
}

static void *second(void *arg)
{
	struct timespec soon;

	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "second"), 0);
	CHECK_EQ(coffman_claim(&rw, 1), 0);
	CHECK_EQ(coffman_claim((const void *)&spin, 1), 0);
	wait_step(1);
	/* Free, but granting it would be unsafe: not now. */
	CHECK_EQ(pthread_spin_trylock(&spin), EBUSY);
	CHECK_EQ(clock_gettime(CLOCK_REALTIME, &soon), 0);
	soon.tv_nsec += 50 * 1000000L;
	if (soon.tv_nsec >= 1000000000L) {
		soon.tv_sec++;
		soon.tv_nsec -= 1000000000L;
	}
	CHECK_EQ(pthread_rwlock_timedwrlock(&rw, &soon), ETIMEDOUT);
	set_step(2);
	/* Now it waits for "first" to finish, then gets both. */
	CHECK_EQ(pthread_rwlock_wrlock(&rw), 0);
	CHECK_EQ(pthread_spin_lock(&spin), 0);
	CHECK_EQ(pthread_spin_unlock(&spin), 0);
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	CHECK_EQ(pthread_spin_trylock(&spin), 0);
	CHECK_EQ(pthread_spin_unlock(&spin), 0);
	return NULL;
}

int main(void)
{
	pthread_t a, b;

	CHECK_EQ(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE), 0);
	CHECK_EQ(pthread_create(&a, NULL, first, NULL), 0);
	CHECK_EQ(pthread_create(&b, NULL, second, NULL), 0);
	CHECK_EQ(pthread_join(a, NULL), 0);
	CHECK_EQ(pthread_join(b, NULL), 0);
	CHECK_EQ(pthread_spin_destroy(&spin), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
