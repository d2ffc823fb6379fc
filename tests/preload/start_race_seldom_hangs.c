/* SPDX-License-Identifier: MIT */
/*
 * start_race_seldom_hangs.c - two threads, started one right after the
 * other, take two locks in opposite orders at once (valgrind's helgrind
 * test "hg02_deadlock"). Natively the first runs before its creator goes
 * on and is done before the second starts, so the program never hangs.
 * The runtime must not widen the race: the stack walk of a thread's
 * first lock (microseconds in a new thread) is made before the real
 * lock, not inside the critical section it opens, and a creator waits
 * for its new thread to run. Without these, 25 runs in 30 deadlocked
 * under the runtime on a 2-CPU machine; with the first alone, 9 in 30.
 *
 * The parent runs the program RUNS times (each a new process: exec of
 * itself), each child ending itself with SIGALRM if it hangs. It fails
 * if more than a quarter hang, or if a child that did not hang went
 * unreported (every run is a lock-order inversion: exit 66).
 *
 * EXPECT exit=0
 * EXPECT reports=20
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@a2,@b1,@b2 objects=m1,m2
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

#define RUNS 20

static pthread_mutex_t m1 = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t m2 = PTHREAD_MUTEX_INITIALIZER;

static void *one_two(void *arg)
{
	pthread_mutex_lock(&m1); /* @a1 */
	pthread_mutex_lock(&m2); /* @a2 */
	pthread_mutex_unlock(&m1);
	pthread_mutex_unlock(&m2);
	return arg;
}

static void *two_one(void *arg)
{
	pthread_mutex_lock(&m2); /* @b1 */
	pthread_mutex_lock(&m1); /* @b2 */
	pthread_mutex_unlock(&m1);
	pthread_mutex_unlock(&m2);
	return arg;
}

static int child(void)
{
	pthread_t a, b;

	alarm(2); /* a hang ends here, killed by SIGALRM */
	CHECK_EQ(pthread_mutex_init(&m1, NULL), 0);
	CHECK_EQ(pthread_mutex_init(&m2, NULL), 0);
	CHECK_EQ(pthread_create(&a, NULL, one_two, NULL), 0);
	CHECK_EQ(pthread_create(&b, NULL, two_one, NULL), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	int i, status, hung = 0, silent = 0;
	pid_t pid;

	if (argc > 1 && !strcmp(argv[1], "child"))
		return child();
	for (i = 0; i < RUNS; i++) {
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			execl("/proc/self/exe", argv[0], "child", (char *)NULL);
			_exit(99);
		}
		CHECK_EQ(waitpid(pid, &status, 0), pid);
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
			hung++;
		else if (!WIFEXITED(status) || WEXITSTATUS(status) != 66)
			silent++;
	}
	fprintf(stderr, "%d of %d runs hung, %d unreported\n", hung, RUNS,
		silent);
	return hung > RUNS / 4 || silent ? 1 : 0;
}
