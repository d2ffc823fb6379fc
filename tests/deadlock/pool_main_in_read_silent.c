/* SPDX-License-Identifier: MIT */
/*
 * pool_main_in_read_silent.c - a thread pool whose workers wait on a
 * condition variable (no timeout) with no work, while main is blocked in
 * read() on a pipe that a child process writes to after a while. read is
 * not a sync wait: main can still act, so not every thread is blocked,
 * and nothing is reported however long the workers sleep.
 *
 * EXPECT options=watchdog_ms=200
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <pthread.h>
#include <stdbool.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dl.h"

#define WORKERS 3

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work = PTHREAD_COND_INITIALIZER;
static bool quit;

static void *worker(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	while (!quit)
		CHECK_EQ(pthread_cond_wait(&work, &lock), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	return NULL;
}

int main(void)
{
	static const char *const names[WORKERS] = { "worker-0", "worker-1",
						    "worker-2" };
	struct dl_thread t[WORKERS];
	int fds[2], i, status;
	pid_t child;
	char c;

	CHECK_EQ(pipe(fds), 0);
	for (i = 0; i < WORKERS; i++)
		dl_spawn(&t[i], names[i], worker, NULL);
	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		close(fds[0]);
		dl_sleep_ms(800);
		_exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
	}
	close(fds[1]);
	CHECK_EQ(read(fds[0], &c, 1), 1); /* ~800 ms, not a sync wait */
	CHECK_EQ(waitpid(child, &status, 0), child);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	CHECK_EQ(pthread_mutex_lock(&lock), 0);
	quit = true;
	CHECK_EQ(pthread_cond_broadcast(&work), 0);
	CHECK_EQ(pthread_mutex_unlock(&lock), 0);
	for (i = 0; i < WORKERS; i++)
		dl_join(&t[i]);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
