/* SPDX-License-Identifier: MIT */
/*
 * contended_nospin_silent.c - contended_ordered_silent with spin=0: every
 * contended lock records its wait at once instead of being retried first,
 * so each block and wake-up goes through the wait-for graph, and still no
 * deadlock may be reported.
 *
 * EXPECT options=watchdog_ms=100:spin=0
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include "contended_ordered_silent.c"
