/* SPDX-License-Identifier: MIT */
/*
 * own_allocator_lines_reported.c - the twin of
 * fork_child_allocator_reported: a program with its own allocator (whose
 * reports that show it at work are symbolised without allocating) takes
 * two locks in both orders, away from the allocator. That report keeps
 * its source lines and the locks' names.
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=warning lines=@ab_a,@ab_b,@ba_b,@ba_a objects=first,second
 */
#include <pthread.h>
#include <stdlib.h>

#include "check.h"
#include "own_allocator.h"

static pthread_mutex_t first = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second = PTHREAD_MUTEX_INITIALIZER;

int main(void)
{
	char *p = malloc(64); /* through the program's own allocator */

	CHECK(p != NULL);
	CHECK_EQ(pthread_mutex_lock(&first), 0); /* @ab_a */
	CHECK_EQ(pthread_mutex_lock(&second), 0); /* @ab_b */
	CHECK_EQ(pthread_mutex_unlock(&second), 0);
	CHECK_EQ(pthread_mutex_unlock(&first), 0);
	CHECK_EQ(pthread_mutex_lock(&second), 0); /* @ba_b */
	CHECK_EQ(pthread_mutex_lock(&first), 0); /* @ba_a */
	CHECK_EQ(pthread_mutex_unlock(&first), 0);
	CHECK_EQ(pthread_mutex_unlock(&second), 0);
	free(p);
	return 0;
}
