/* SPDX-License-Identifier: MIT */
/*
 * starve.h - keep one thread of the test off the CPU for 400 ms once it
 * has been woken: another process ("the hog") takes that thread's CPU at
 * real-time priority. The test pins the thread with starve_pin_late(),
 * wakes it right after starve_go(), and checks with starve_end() that it
 * ran only 250 ms or more later. Where the test may not use SCHED_FIFO
 * (neither root nor an RLIMIT_RTPRIO) or has one CPU, the thread runs at
 * once and the test checks less (a note on stderr says so).
 */
#ifndef COFFMAN_TEST_STARVE_H
#define COFFMAN_TEST_STARVE_H

#include <sched.h>
#include <sys/wait.h>

#include "dl.h"

struct starve {
	int cpu_late, cpu_main; /* the starved thread's CPU, main's */
	int go;			/* write end: the hog starts on a byte */
	pid_t hog;
};

static inline void starve_pin(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	CHECK_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
}

/* The hog: on the starved CPU at real-time priority, it spins for 400 ms
 * from the byte main sends. Exits 3 if it may not. */
static inline void starve_hog(int cpu, int go)
{
	struct sched_param rt = { 1 };
	long long end;
	char c;

	starve_pin(cpu);
	if (sched_setscheduler(0, SCHED_FIFO, &rt) != 0)
		_exit(3);
	if (read(go, &c, 1) != 1)
		_exit(4);
	end = dl_now_ms() + 400;
	while (dl_now_ms() < end)
		;
	_exit(0);
}

/* Pick the two CPUs, pin the caller (main: the runtime's watchdog starts
 * on its CPU too) and fork the hog, which waits for starve_go(). */
static inline void starve_begin(struct starve *s)
{
	cpu_set_t set;
	int fds[2], cpu;

	s->cpu_late = s->cpu_main = -1;
	CHECK_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set)) {
			if (s->cpu_late < 0)
				s->cpu_late = cpu;
			else if (s->cpu_main < 0)
				s->cpu_main = cpu;
		}
	if (s->cpu_main < 0)
		s->cpu_main = s->cpu_late;
	starve_pin(s->cpu_main);
	CHECK_EQ(pipe(fds), 0);
	s->hog = fork();
	CHECK(s->hog >= 0);
	if (s->hog == 0) {
		close(fds[1]);
		starve_hog(s->cpu_late, fds[0]);
	}
	close(fds[0]);
	s->go = fds[1];
}

/* The thread to starve pins itself with this. */
static inline void starve_pin_late(const struct starve *s)
{
	starve_pin(s->cpu_late);
}

/* The hog takes the starved thread's CPU: wake the thread after this. */
static inline void starve_go(const struct starve *s)
{
	CHECK_EQ(write(s->go, "g", 1), 1);
	dl_sleep_ms(20);
}

/* After the starved thread ran: it was woken at woken_ms and ran on at
 * ran_ms, at least 250 ms later where the hog could take its CPU. */
static inline void starve_end(const struct starve *s, long long woken_ms,
			      long long ran_ms)
{
	int status;

	CHECK_EQ(waitpid(s->hog, &status, 0), s->hog);
	CHECK(WIFEXITED(status));
	if (WEXITSTATUS(status) == 0 && s->cpu_main != s->cpu_late)
		CHECK(ran_ms - woken_ms >= 250); /* kept off its CPU */
	else
		fprintf(stderr, "note: the CPU could not be taken (hog exit "
				"%d, cpus %d and %d)\n",
			WEXITSTATUS(status), s->cpu_late, s->cpu_main);
}

#endif /* COFFMAN_TEST_STARVE_H */
