/* SPDX-License-Identifier: MIT */
/*
 * pshared_sem_posted_elsewhere_reported.c - the main thread takes the one
 * unit of each of 80 process-shared semaphores, and a forked child posts
 * it back (Python's multiprocessing.Lock, released in a child process).
 * This process never sees those posts, so to it the units stay taken:
 * more than a thread's held stack can track. The oldest such hold is
 * forgotten to make room, so lock order is still tracked: an ABBA
 * inversion afterwards is reported (abba_body.h: the second order taken
 * by the main thread itself).
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 objects=lock_a,lock_b
 */
#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "abba_body.h"

#define N 80

int main(void)
{
	sem_t *sems = mmap(NULL, N * sizeof(sem_t), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int i, status;

	CHECK(sems != MAP_FAILED);
	for (i = 0; i < N; i++) {
		pid_t pid;

		CHECK_EQ(sem_init(&sems[i], 1, 1), 0);
		CHECK_EQ(sem_wait(&sems[i]), 0);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			sem_post(&sems[i]);
			_exit(0);
		}
		CHECK_EQ(waitpid(pid, &status, 0), pid);
	}
	run_thread(a_then_b, NULL);
	/* The other order on this thread, the one over its held stack. */
	b_then_a(NULL);
	return 0;
}
