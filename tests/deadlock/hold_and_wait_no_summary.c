/* SPDX-License-Identifier: MIT */
/*
 * hold_and_wait_no_summary.c - the twin of hold_and_wait_summary: with
 * verbosity=0 the hold-and-wait report is still made, but no table is
 * printed at exit.
 *
 * EXPECT options=hold_wait_ms=100:verbosity=0
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=hold-and-wait severity=warning threads=holder
 * EXPECT stderr!~=hold-and-wait sites
 */
#include "hold_and_wait_reported.c"
