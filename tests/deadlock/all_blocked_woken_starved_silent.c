/* SPDX-License-Identifier: MIT */
/*
 * all_blocked_woken_starved_silent.c - "late" sleeps waiting for a mutex
 * main holds; main releases it and joins late. Just before, another
 * process takes late's CPU at real-time priority for 400 ms, so late,
 * woken, cannot run to take the mutex: for that long every thread of
 * this process is blocked with no timeout. But late waits for a mutex
 * nobody holds, and goes on as soon as it runs: no report.
 *
 * The CPU is taken only where the test may use SCHED_FIFO (root, or an
 * RLIMIT_RTPRIO) and has two CPUs (the watchdog runs on the other);
 * elsewhere late runs at once and the test checks less.
 *
 * EXPECT options=watchdog_ms=100
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>

#include "dl.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static int cpu_late = -1, cpu_main = -1;
static long long released_ms, taken_ms;

static void pin(int cpu)
{
	cpu_set_t one;

	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	CHECK_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
}

static void *late(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "late"), 0);
	pin(cpu_late);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	taken_ms = dl_now_ms();
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	return NULL;
}

/* The other process: on late's CPU at real-time priority, it spins for
 * 400 ms from the byte main sends. Exits 3 if it may not. */
static void hog(int go)
{
	struct sched_param rt = { 1 };
	long long end;
	char c;

	pin(cpu_late);
	if (sched_setscheduler(0, SCHED_FIFO, &rt) != 0)
		_exit(3);
	if (read(go, &c, 1) != 1)
		_exit(4);
	end = dl_now_ms() + 400;
	while (dl_now_ms() < end)
		;
	_exit(0);
}

int main(void)
{
	struct timespec nap = { 0, 1000000L };
	int fds[2], status, cpu, i;
	pthread_t t;
	cpu_set_t set;
	pid_t pid;

	dl_bound(8);
	CHECK_EQ(sched_getaffinity(0, sizeof(set), &set), 0);
	for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set)) {
			if (cpu_late < 0)
				cpu_late = cpu;
			else if (cpu_main < 0)
				cpu_main = cpu;
		}
	if (cpu_main < 0)
		cpu_main = cpu_late;
	pin(cpu_main); /* the runtime's watchdog starts here too */
	CHECK_EQ(pipe(fds), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		close(fds[1]);
		hog(fds[0]);
	}
	close(fds[0]);
	CHECK_EQ(pthread_mutex_lock(&m), 0);
	CHECK_EQ(pthread_create(&t, NULL, late, NULL), 0);
	/* late asleep on the lock word (2: a waiter sleeps) */
	for (i = 0; i < 3000 && __atomic_load_n(&m.__data.__lock,
						__ATOMIC_ACQUIRE) != 2;
	     i++)
		nanosleep(&nap, NULL);
	CHECK_EQ(m.__data.__lock, 2);
	CHECK_EQ(write(fds[1], "g", 1), 1);
	dl_sleep_ms(20); /* the hog has late's CPU now */
	released_ms = dl_now_ms();
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	if (WEXITSTATUS(status) == 0 && cpu_main != cpu_late)
		CHECK(taken_ms - released_ms >= 250); /* late was kept off */
	else
		fprintf(stderr, "note: late's CPU could not be taken (hog exit "
				"%d, cpus %d and %d)\n",
			WEXITSTATUS(status), cpu_late, cpu_main);
	return 0;
}
