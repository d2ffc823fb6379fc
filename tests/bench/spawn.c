/* SPDX-License-Identifier: MIT */
/*
 * spawn.c - run one benchmark command and measure it: wall time, and the
 * peak RSS, CPU times and status that wait4() reports. A small launcher
 * because exec keeps the forking process's peak RSS in ru_maxrss: forked
 * from tests/bench/run itself, every program would "peak" at Python's
 * size. The command gets its own process group, killed on timeout.
 * usage: spawn RESULT_FILE TIMEOUT_S PROG [ARGS...]
 * RESULT_FILE gets one line:
 *   status=S wall_ns=N maxrss_kb=K utime_us=U stime_us=T timed_out=0|1
 * where S is the exit status, or 128+signal if the command was killed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	kill(-child, SIGKILL);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct rusage ru;
	long long t0, t1;
	int status, code;
	FILE *out;

	if (argc < 4) {
		fprintf(stderr, "usage: spawn RESULT_FILE TIMEOUT_S PROG...\n");
		return 2;
	}
	out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	sigaction(SIGALRM, &sa, NULL);
	t0 = now_ns();
	child = fork();
	if (child < 0) {
		perror("fork");
		return 2;
	}
	if (child == 0) {
		setpgid(0, 0);
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	/* Both sides set the group, so kill(-child) works at once. */
	setpgid(child, child);
	alarm((unsigned)atoi(argv[2]));
	while (wait4(child, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("wait4");
			return 2;
		}
	}
	t1 = now_ns();
	alarm(0);
	code = WIFEXITED(status) ? WEXITSTATUS(status)
				 : 128 + WTERMSIG(status);
	fprintf(out,
		"status=%d wall_ns=%lld maxrss_kb=%ld utime_us=%lld "
		"stime_us=%lld timed_out=%d\n",
		code, t1 - t0, ru.ru_maxrss,
		(long long)ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
		(long long)ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec,
		(int)timed_out);
	return fclose(out) == 0 ? 0 : 2;
}
