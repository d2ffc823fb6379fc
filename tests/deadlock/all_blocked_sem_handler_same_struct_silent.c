/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_sem_handler_same_struct_silent.c - as
 * all_blocked_sem_signal_handler_silent.c, but the handler is installed
 * with one struct for the new action and the old one
 * (sigaction(SIGALRM, &sa, &sa)): the old action, SIG_DFL, is written
 * over the new one by the call, and the runtime must still see that a
 * handler was set. The only thread waits on a semaphore the SIGALRM
 * handler posts: no report.
 *
 * EXPECT options=watchdog_ms=100:on_deadlock=exit
 * EXPECT exit=0
 * EXPECT reports=0
 */
#define SAME_STRUCT 1
#include "all_blocked_sem_signal_handler_silent.c"
