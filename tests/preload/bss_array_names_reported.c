/* SPDX-License-Identifier: MIT */
/*
 * bss_array_names_reported.c - the A/B inversion between two elements of
 * a static array of 4096 mutexes (160 KiB of .bss, most of it past the
 * program's file mappings, in anonymous memory): the report still names
 * them as elements of the array.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=stripes[3000],stripes[4000]
 */
#include <pthread.h>

static pthread_mutex_t stripes[4096];
#define ABBA_LOCK_A (&stripes[3000])
#define ABBA_LOCK_B (&stripes[4000])

#include "abba_body.h"

int main(void)
{
	int i;

	for (i = 0; i < 4096; i++)
		CHECK_EQ(pthread_mutex_init(&stripes[i], NULL), 0);
	abba_inversion();
	return 0;
}
