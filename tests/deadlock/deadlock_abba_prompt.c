/* SPDX-License-Identifier: MIT */
/*
 * deadlock_abba_prompt.c - the ABBA deadlock of deadlock_abba_reported is
 * reported when it forms, not after some timeout: the thread that closes
 * the cycle checks before it blocks. An interval timer armed once both
 * threads hold their first lock ends the process with status 3 if the
 * runtime has not reported and exited (on_deadlock=exit) within 1 s.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error lines=@left_waits,@right_waits threads=left,right objects=lock_a,lock_b
 * EXPECT stderr!~=too late
 */
#include <pthread.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
#define PROMPT_TAKE_FIRST() pthread_mutex_lock(&lock_a)
#define PROMPT_TAKE_SECOND() pthread_mutex_lock(&lock_b)

#include "prompt_body.h"

int main(void)
{
	return prompt_run();
}
