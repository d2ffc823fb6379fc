/* SPDX-License-Identifier: MIT */
/*
 * hold_and_wait_summary.c - with verbosity 1 (the default) the runtime
 * prints, at exit, a table of the sites where threads waited long while
 * holding locks: hold_and_wait_reported's program leaves one row.
 *
 * EXPECT options=hold_wait_ms=100
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=hold-and-wait severity=warning threads=holder
 * EXPECT stderr~=hold-and-wait sites
 * EXPECT stderr~=: 1, 
 */
#include "hold_and_wait_reported.c"
