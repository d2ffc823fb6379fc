/* SPDX-License-Identifier: MIT */
/*
 * junk_mutex.h - memory that holds no mutex: a static object (so that a
 * report can name it, "junk") filled with bytes glibc does not take for
 * any mutex type.
 */
#ifndef COFFMAN_TEST_JUNK_MUTEX_H
#define COFFMAN_TEST_JUNK_MUTEX_H

#include <pthread.h>
#include <string.h>

static union {
	pthread_mutex_t m;
	unsigned char bytes[sizeof(pthread_mutex_t)];
} junk;

/* The junk mutex, its bytes garbage. */
static inline pthread_mutex_t *junk_mutex(void)
{
	memset(junk.bytes, 0x5a, sizeof(junk.bytes));
	return &junk.m;
}

#endif /* COFFMAN_TEST_JUNK_MUTEX_H */
