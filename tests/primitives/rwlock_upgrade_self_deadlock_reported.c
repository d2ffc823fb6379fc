/* SPDX-License-Identifier: MIT */
/*
 * rwlock_upgrade_self_deadlock_reported.c - write-locking an rwlock the
 * thread holds for reading ("upgrading") waits for the thread's own read
 * hold to go: glibc does not detect it and the thread hangs. With
 * on_deadlock=exit the runtime reports it and exits 66 before blocking.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=self-deadlock severity=error lines=@r1,@w2 threads=upgrader objects=rw
 * EXPECT stderr~=self-deadlock
 * EXPECT stderr!~=NOT REACHED
 */
#include <pthread.h>

#include "prim.h"

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;

static void upgrade(void)
{
	CHECK_EQ(pthread_rwlock_rdlock(&rw), 0); /* @r1 */
	CHECK_EQ(preload_reports(), 0);
	pthread_rwlock_wrlock(&rw); /* @w2 */
	fprintf(stderr, "NOT REACHED: the upgrade returned\n");
	exit(1);
}

int main(void)
{
	run_named("upgrader", upgrade);
	return 1;
}
