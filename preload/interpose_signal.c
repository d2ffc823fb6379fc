/* SPDX-License-Identifier: MIT */
/*
 * interpose_signal.c - sigaction() and signal(): which signals have a
 * handler. A handler may post a semaphore (sem_post is async-signal-safe)
 * or make a sem_wait return EINTR, so while one is installed for a signal
 * that can come from outside, a thread waiting on a semaphore is not
 * proof that nothing will wake it.
 *
 * And no handler of the program may run while its thread holds an engine
 * lock: one that waited there for a lock of the program would wait for a
 * thread that waits for the engine lock (see eng_mask_signals). For the
 * commonest handlers, plain ones (no SA_SIGINFO, no SA_RESETHAND) of the
 * standard signals, the kernel gets ours instead, with the program's
 * flags and mask: it calls the program's, or, on a thread that holds an
 * engine lock, has the signal raised again once it holds none. Then no
 * engine lock needs a change of signal mask, two system calls each; the
 * program still sees its own handler in every sigaction() and signal()
 * answer. Other handlers make the engine block signals around its locks.
 */
#include <signal.h>
#include <stdbool.h>

#include "lock.h"
#include "real.h"
#include "runtime.h"

#define STD_SIGNALS 32 /* 1..31; real-time signals queue, so no stand-in */

/* The program's handler where ours stands in (a stale one after it went:
 * a signal already on its way runs it, as it would have). */
static sighandler_t prog_handler[STD_SIGNALS];
static struct eng_lock action_lock = ENG_LOCK_INIT;

static bool is_fault(int sig)
{
	switch (sig) {
	case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL: case SIGTRAP:
	case SIGSYS: case SIGABRT:
		return true; /* a fault, or abort(): not while the runtime runs */
	default:
		return false;
	}
}

static void stand_in(int sig)
{
	sighandler_t h = __atomic_load_n(&prog_handler[sig], __ATOMIC_ACQUIRE);

	if (!eng_defer_signal(sig) && h)
		h(sig);
}

/* Can ours stand in for act's handler of sig? */
static bool standable(int sig, const struct sigaction *act)
{
	return sig > 0 && sig < STD_SIGNALS && !is_fault(sig) &&
	       !(act->sa_flags & (SA_SIGINFO | SA_RESETHAND)) &&
	       act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN;
}

/* A handler for a signal that can come at any time, which ours does not
 * stand in for: from now on, engine locks are held with such signals
 * blocked (see eng_mask_signals). */
static void handler_installed(int sig)
{
	if (!is_fault(sig))
		__atomic_store_n(&eng_mask_signals, 1, __ATOMIC_RELAXED);
}

static void action_event(int sig, int handler, bool stood_in, const void *pc)
{
	struct eng_thread *t;

	if (handler && !stood_in)
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

/* Serialise changes of action, with every signal blocked: a handler on
 * this thread may change one too. */
static void action_lock_take(sigset_t *saved)
{
	sigset_t all;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, saved);
	eng_lock(&action_lock);
}

static void action_lock_drop(const sigset_t *saved)
{
	eng_unlock(&action_lock);
	pthread_sigmask(SIG_SETMASK, saved, NULL);
}

/* old as the kernel told it, with the program's handler for ours. */
static void program_view(struct sigaction *old, sighandler_t before)
{
	if (old && !(old->sa_flags & SA_SIGINFO) && old->sa_handler == stand_in)
		old->sa_handler = before;
}

COFFMAN_EXPORT int sigaction(int sig, const struct sigaction *act,
			     struct sigaction *old)
{
	struct sigaction mine;
	sighandler_t before;
	sigset_t saved;
	bool stand;
	/* Read now: old may be act itself. */
	int rc, handler = act && ((act->sa_flags & SA_SIGINFO)
					  ? act->sa_sigaction != NULL
					  : act->sa_handler != SIG_DFL &&
						    act->sa_handler != SIG_IGN);
	bool setting = act != NULL;

	if (sig <= 0 || sig >= STD_SIGNALS) {
		rc = R(sigaction)(sig, act, old);
		stand = false;
	} else {
		action_lock_take(&saved);
		before = prog_handler[sig];
		stand = act && standable(sig, act);
		if (stand) {
			mine = *act;
			mine.sa_handler = stand_in;
			__atomic_store_n(&prog_handler[sig], act->sa_handler,
					 __ATOMIC_RELEASE);
		}
		rc = R(sigaction)(sig, stand ? &mine : act, old);
		if (rc != 0 && stand)
			__atomic_store_n(&prog_handler[sig], before,
					 __ATOMIC_RELEASE);
		if (rc == 0)
			program_view(old, before);
		action_lock_drop(&saved);
	}
	if (rc == 0 && setting)
		action_event(sig, handler, stand, __builtin_return_address(0));
	return rc;
}

/*
 * glibc's signal() sets the action itself (its flags depend on
 * siginterrupt()): ours then takes the place of the handler it set, with
 * the same flags and mask.
 */
COFFMAN_EXPORT sighandler_t signal(int sig, sighandler_t handler)
{
	struct sigaction cur;
	sighandler_t prev, before = NULL;
	sigset_t saved;
	bool std = sig > 0 && sig < STD_SIGNALS, stand = false;

	if (std) {
		action_lock_take(&saved);
		before = prog_handler[sig];
	}
	prev = R(signal)(sig, handler);
	if (std && prev == stand_in)
		prev = before;
	if (std && prev != SIG_ERR &&
	    R(sigaction)(sig, NULL, &cur) == 0 && cur.sa_handler == handler &&
	    standable(sig, &cur)) {
		__atomic_store_n(&prog_handler[sig], handler, __ATOMIC_RELEASE);
		cur.sa_handler = stand_in;
		stand = R(sigaction)(sig, &cur, NULL) == 0;
	}
	if (std)
		action_lock_drop(&saved);
	if (prev != SIG_ERR)
		action_event(sig, handler != SIG_DFL && handler != SIG_IGN,
			     stand, __builtin_return_address(0));
	return prev;
}
