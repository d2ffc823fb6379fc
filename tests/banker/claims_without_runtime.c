/* SPDX-License-Identifier: MIT */
/*
 * claims_without_runtime.c - a program built against coffman.h runs
 * unchanged without libcoffman.so: the calls do nothing and say -ENOSYS.
 * Run directly, not under the preload.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "coffman.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

#define CHECK_EQ(a, b)                                                  \
	do {                                                            \
		long long a_ = (long long)(a), b_ = (long long)(b);     \
		if (a_ != b_) {                                         \
			fprintf(stderr, "%s:%d: %s: %lld != %lld\n",    \
				__FILE__, __LINE__, #a, a_, b_);        \
			exit(1);                                        \
		}                                                       \
	} while (0)

int main(void)
{
	CHECK_EQ(coffman_claim(&m, 1), -ENOSYS);
	CHECK_EQ(coffman_claim(NULL, 1), -ENOSYS);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(coffman_claims_done(), -ENOSYS);
	CHECK_EQ(coffman_report_count(), -1);
	puts("ok");
	return 0;
}
