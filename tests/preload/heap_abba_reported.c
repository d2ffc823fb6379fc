/* SPDX-License-Identifier: MIT */
/*
 * heap_abba_reported.c - the inversion of abba_reported with mutexes that
 * live in malloc'ed memory and are set up by pthread_mutex_init. Heap
 * objects have no variable name, so only the sites are checked.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second
 */
#include <pthread.h>
#include <stdlib.h>

#include "check.h"

struct pair {
	pthread_mutex_t a;
	pthread_mutex_t b;
};

static void *a_then_b(void *arg)
{
	struct pair *p = arg;

	pthread_setname_np(pthread_self(), "first");
	CHECK_EQ(pthread_mutex_lock(&p->a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&p->b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&p->b), 0);
	CHECK_EQ(pthread_mutex_unlock(&p->a), 0);
	return NULL;
}

static void *b_then_a(void *arg)
{
	struct pair *p = arg;

	pthread_setname_np(pthread_self(), "second");
	CHECK_EQ(pthread_mutex_lock(&p->b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&p->a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&p->a), 0);
	CHECK_EQ(pthread_mutex_unlock(&p->b), 0);
	return NULL;
}

int main(void)
{
	struct pair *p = malloc(sizeof(*p));

	CHECK(p != NULL);
	CHECK_EQ(pthread_mutex_init(&p->a, NULL), 0);
	CHECK_EQ(pthread_mutex_init(&p->b, NULL), 0);
	run_thread(a_then_b, p);
	CHECK_EQ(preload_reports(), 0);
	run_thread(b_then_a, p);
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(pthread_mutex_destroy(&p->a), 0);
	CHECK_EQ(pthread_mutex_destroy(&p->b), 0);
	free(p);
	CHECK_EQ(preload_reports(), 1);
	return 0;
}
