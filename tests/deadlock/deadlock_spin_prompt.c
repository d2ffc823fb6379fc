/* SPDX-License-Identifier: MIT */
/*
 * deadlock_spin_prompt.c - a contended lock is retried spin=N times before
 * its wait is recorded; with the largest N a deadlock is still reported
 * as it forms, for a mutex and for an rwlock: each thread holds one and
 * asks for the other's. An interval timer armed once both hold their
 * first lock ends the process with status 3 if the runtime has not
 * reported and exited (on_deadlock=exit) within 1 s.
 *
 * EXPECT options=on_deadlock=exit:spin=1000
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@left_waits,@right_waits threads=left,right objects=lock_m,lock_rw
 * EXPECT stderr!~=too late
 */
#include <pthread.h>

static pthread_mutex_t lock_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t lock_rw = PTHREAD_RWLOCK_INITIALIZER;
#define PROMPT_TAKE_FIRST() pthread_mutex_lock(&lock_m)
#define PROMPT_TAKE_SECOND() pthread_rwlock_wrlock(&lock_rw)

#include "prompt_body.h"

int main(void)
{
	return prompt_run();
}
