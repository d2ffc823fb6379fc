/* SPDX-License-Identifier: MIT */
/*
 * hold_and_wait_short_silent.c - hold_and_wait_reported with a wait of
 * about 10 ms, well under hold_wait_ms: holding one lock while briefly
 * waiting for another is ordinary, and is not reported.
 *
 * EXPECT options=hold_wait_ms=100
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#define SLEEP_MS 10
#include "hold_and_wait_reported.c"
