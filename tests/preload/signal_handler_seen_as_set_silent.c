/* SPDX-License-Identifier: MIT */
/*
 * signal_handler_seen_as_set_silent.c - the runtime puts a handler of its
 * own in the kernel for the program's plain handlers (it runs them once
 * the runtime holds no lock of its own), but the program must see only
 * its own: in what sigaction() and signal() report, set or asked, and in
 * which handler a signal runs, with the flags it asked for.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

static volatile sig_atomic_t ran_one, ran_two, ran_info;

static void one(int sig)
{
	(void)sig;
	ran_one++;
}

static void two(int sig)
{
	(void)sig;
	ran_two++;
}

static void info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (sig == SIGUSR2 && si->si_pid == getpid())
		ran_info++;
}

int main(void)
{
	struct sigaction sa, old, now;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = one;
	sa.sa_flags = SA_RESTART;
	sigaddset(&sa.sa_mask, SIGUSR2);
	CHECK_EQ(sigaction(SIGUSR1, &sa, &old), 0);
	CHECK(old.sa_handler == SIG_DFL);
	CHECK_EQ(sigaction(SIGUSR1, NULL, &now), 0);
	CHECK(now.sa_handler == one);
	CHECK(now.sa_flags & SA_RESTART);
	CHECK(sigismember(&now.sa_mask, SIGUSR2));
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(ran_one, 1);

	/* signal() answers with the program's handlers too */
	CHECK(signal(SIGUSR1, two) == one);
	CHECK_EQ(sigaction(SIGUSR1, NULL, &now), 0);
	CHECK(now.sa_handler == two);
	CHECK_EQ(raise(SIGUSR1), 0);
	CHECK_EQ(ran_two, 1);
	CHECK(signal(SIGUSR1, SIG_IGN) == two);
	CHECK_EQ(raise(SIGUSR1), 0); /* ignored */
	CHECK(signal(SIGUSR1, SIG_DFL) == SIG_IGN);

	/* replaced by an SA_SIGINFO handler, and the old one reported */
	CHECK(signal(SIGUSR2, one) == SIG_DFL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = info;
	sa.sa_flags = SA_SIGINFO;
	CHECK_EQ(sigaction(SIGUSR2, &sa, &old), 0);
	CHECK(!(old.sa_flags & SA_SIGINFO) && old.sa_handler == one);
	CHECK_EQ(raise(SIGUSR2), 0);
	CHECK_EQ(ran_info, 1);
	CHECK_EQ(ran_one, 1);

	/* and back: the SA_SIGINFO one is what was there */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = two;
	CHECK_EQ(sigaction(SIGUSR2, &sa, &old), 0);
	CHECK((old.sa_flags & SA_SIGINFO) && old.sa_sigaction == info);
	CHECK_EQ(sigaction(SIGUSR2, NULL, &now), 0);
	CHECK(now.sa_handler == two && !(now.sa_flags & SA_SIGINFO));
	CHECK_EQ(raise(SIGUSR2), 0);
	CHECK_EQ(ran_two, 2);

	/* one struct for both: the new action in, the old one out */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = one;
	CHECK_EQ(sigaction(SIGUSR2, &sa, &sa), 0);
	CHECK(sa.sa_handler == two);
	CHECK_EQ(sigaction(SIGUSR2, NULL, &now), 0);
	CHECK(now.sa_handler == one);
	CHECK_EQ(raise(SIGUSR2), 0);
	CHECK_EQ(ran_one, 2);
	return 0;
}
