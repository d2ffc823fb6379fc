/* SPDX-License-Identifier: MIT */
/*
 * interpose_signal.c - sigaction() and signal(): which signals have a
 * handler. A handler may post a semaphore (sem_post is async-signal-safe)
 * or make a sem_wait return EINTR, so while one is installed for a signal
 * that can come from outside, a thread waiting on a semaphore is not
 * proof that nothing will wake it.
 */
#include <signal.h>

#include "lock.h"
#include "real.h"
#include "runtime.h"

/* A handler for a signal that can come at any time: from now on, engine
 * locks are held with such signals blocked (see eng_mask_signals). */
static void handler_installed(int sig)
{
	switch (sig) {
	case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL: case SIGTRAP:
	case SIGSYS: case SIGABRT:
		return; /* a fault, or abort(): not while the runtime runs */
	default:
		__atomic_store_n(&eng_mask_signals, 1, __ATOMIC_RELAXED);
	}
}

static void action_event(int sig, int handler, const void *pc)
{
	struct eng_thread *t;

	if (handler)
		handler_installed(sig);
	t = rt_enter();
	if (!t)
		return;
	rt_event(t, OP_SIGACTION, KIND_NONE, MODE_EXCL, 0, NULL,
		 (uint64_t)(sig & SIGACTION_SIG_MASK) |
			 (handler ? SIGACTION_HANDLER : 0),
		 pc);
	rt_leave();
}

COFFMAN_EXPORT int sigaction(int sig, const struct sigaction *act,
			     struct sigaction *old)
{
	int rc = R(sigaction)(sig, act, old);

	if (rc == 0 && act)
		action_event(sig,
			     (act->sa_flags & SA_SIGINFO)
				     ? act->sa_sigaction != NULL
				     : act->sa_handler != SIG_DFL &&
					       act->sa_handler != SIG_IGN,
			     __builtin_return_address(0));
	return rc;
}

COFFMAN_EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	sighandler_t prev = R(signal)(sig, handler);

	if (prev != SIG_ERR)
		action_event(sig, handler != SIG_DFL && handler != SIG_IGN,
			     __builtin_return_address(0));
	return prev;
}
