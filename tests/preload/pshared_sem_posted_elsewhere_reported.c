/* SPDX-License-Identifier: MIT */
/*
 * pshared_sem_posted_elsewhere_reported.c - the main thread takes the one
 * unit of each of 80 process-shared semaphores, and a forked child posts
 * it back (Python's multiprocessing.Lock, released in a child process).
 * This process never sees those posts, so to it the units stay taken:
 * more than a thread's held stack can track. The oldest such hold is
 * forgotten to make room, so lock order is still tracked: an ABBA
 * inversion afterwards is reported.
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

#include "check.h"

#define N 80

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *a_then_b(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a1 */
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b1 */
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	return NULL;
}

int main(void)
{
	sem_t *sems = mmap(NULL, N * sizeof(sem_t), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_t t;
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
	CHECK_EQ(pthread_create(&t, NULL, a_then_b, NULL), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	CHECK_EQ(pthread_mutex_lock(&lock_b), 0); /* @b2 */
	CHECK_EQ(pthread_mutex_lock(&lock_a), 0); /* @a2 */
	CHECK_EQ(pthread_mutex_unlock(&lock_a), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock_b), 0);
	return 0;
}
