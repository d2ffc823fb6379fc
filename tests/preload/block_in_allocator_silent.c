/* SPDX-License-Identifier: MIT */
/*
 * block_in_allocator_silent.c - the program brings its own allocator
 * (malloc and the rest defined here, as with jemalloc or tcmalloc), which
 * takes a pthread mutex; a thread's first blocking wait is inside it. The
 * runtime must not allocate there: glibc's pthread_create does, and the
 * allocator is in the middle of its work. This allocator cannot be
 * re-entered: it stops the program if it is, where a real one would
 * crash or hang at random (jemalloc did, one run in a few hundred).
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 * EXPECT stderr!~=re-entered
 */
#include <pthread.h>
#include <unistd.h>

#include "check.h"
#include "own_allocator.h"

static volatile int holder_ready, allocated;

/* Takes the allocator's lock outside any allocation and keeps it a while. */
static void *holder(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&heap_lock), 0);
	holder_ready = 1;
	usleep(200 * 1000);
	CHECK_EQ(pthread_mutex_unlock(&heap_lock), 0);
	return NULL;
}

/* Its first blocking wait: inside malloc, for the allocator's lock. */
static void *allocates(void *arg)
{
	void *p;

	(void)arg;
	while (!holder_ready)
		usleep(1000);
	p = malloc(100);
	CHECK(p != NULL);
	free(p);
	allocated = 1;
	return NULL;
}

int main(void)
{
	pthread_t a, b;

	CHECK_EQ(pthread_create(&a, NULL, holder, NULL), 0);
	CHECK_EQ(pthread_create(&b, NULL, allocates, NULL), 0);
	/* No wait of its own first: the first is to be in the allocator. */
	while (!allocated)
		usleep(1000);
	CHECK_EQ(pthread_join(a, NULL), 0);
	CHECK_EQ(pthread_join(b, NULL), 0);
	return 0;
}
