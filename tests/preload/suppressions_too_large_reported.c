/* SPDX-License-Identifier: MIT */
/*
 * suppressions_too_large_reported.c - the runtime reads the first 64 KiB
 * of a suppressions file; of a larger one it says so in a bad-option
 * warning, and the rule past that point (one that would hide this
 * inversion) is not applied: the inversion is reported.
 *
 * EXPECT options=suppressions={srcdir}/too_large.supp
 * EXPECT exit=66
 * EXPECT reports=2
 * EXPECT report kind=bad-option severity=warning
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1
 * EXPECT stderr~=larger than 64 KiB
 */
#include <pthread.h>

#include "check.h"
#include "abba_body.h"

int main(void)
{
	abba_inversion();
	return 0;
}
