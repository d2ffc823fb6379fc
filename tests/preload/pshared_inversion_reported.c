/* SPDX-License-Identifier: MIT */
/*
 * pshared_inversion_reported.c - two threads of one process take two
 * process-shared mutexes (in shared memory) in opposite orders. That
 * another process could also use them changes nothing about this one's
 * own lock order: the inversion is reported like any other.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second
 */
#include <pthread.h>
#include <sys/mman.h>

static pthread_mutex_t *shared_locks; /* two, in shared memory */
#define ABBA_LOCK_A (&shared_locks[0])
#define ABBA_LOCK_B (&shared_locks[1])

#include "abba_body.h"

int main(void)
{
	pthread_mutexattr_t ma;

	shared_locks = mmap(NULL, 2 * sizeof(*shared_locks),
			    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			    -1, 0);
	CHECK(shared_locks != MAP_FAILED);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	CHECK_EQ(pthread_mutex_init(ABBA_LOCK_A, &ma), 0);
	CHECK_EQ(pthread_mutex_init(ABBA_LOCK_B, &ma), 0);
	abba_inversion();
	return 0;
}
