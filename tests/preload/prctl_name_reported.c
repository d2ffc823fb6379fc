/* SPDX-License-Identifier: MIT */
/*
 * prctl_name_reported.c - the A/B inversion, its two threads naming
 * themselves with prctl(PR_SET_NAME) (what many servers do instead of
 * pthread_setname_np), the first with a name longer than the 15 bytes the
 * kernel keeps. The report names both threads as the kernel does.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=prctl-first-thr,prctl-second objects=lock_a,lock_b
 */
#include <sys/prctl.h>

#define ABBA_NAME_SELF(name) CHECK_EQ(prctl(PR_SET_NAME, (name), 0, 0, 0), 0)
#define ABBA_FIRST "prctl-first-thread-too-long"
#define ABBA_SECOND "prctl-second"
#include "abba_body.h"

int main(void)
{
	abba_inversion();
	return 0;
}
