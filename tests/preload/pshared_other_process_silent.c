/* SPDX-License-Identifier: MIT */
/*
 * pshared_other_process_silent.c - the only thread of the parent waits,
 * each time for longer than the watchdog's threshold, on process-shared
 * objects that its child holds, posts or signals: a mutex, an unnamed
 * semaphore, a condition variable and two named semaphores, one of them
 * opened without O_EXCL (so its first value is unknown here) and waited
 * for before the other. Another process can end such a wait, so none is
 * a deadlock, and a semaphore another process posts is no lock its waiter
 * holds (no hold-and-wait): no report.
 *
 * EXPECT options=watchdog_ms=100:hold_wait_ms=100
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

struct shared {
	pthread_mutex_t m;
	pthread_cond_t c;
	sem_t s;
	int ready;
};

static void nap(void)
{
	struct timespec ts = { 0, 400 * 1000000L };

	nanosleep(&ts, NULL);
}

int main(void)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t ma;
	pthread_condattr_t ca;
	char name[64], name2[64];
	sem_t *named, *opened;
	int status;
	pid_t pid;

	CHECK(sh != MAP_FAILED);
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	CHECK_EQ(pthread_mutex_init(&sh->m, &ma), 0);
	CHECK_EQ(pthread_cond_init(&sh->c, &ca), 0);
	CHECK_EQ(sem_init(&sh->s, 1, 0), 0);
	snprintf(name, sizeof(name), "/coffman-pshared-%d", (int)getpid());
	named = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	CHECK(named != SEM_FAILED);
	snprintf(name2, sizeof(name2), "/coffman-pshared2-%d", (int)getpid());
	opened = sem_open(name2, O_CREAT, 0600, 0);
	CHECK(opened != SEM_FAILED);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		pthread_mutex_lock(&sh->m);
		sem_post(&sh->s); /* the parent may try the mutex now */
		nap();
		pthread_mutex_unlock(&sh->m);
		nap();
		pthread_mutex_lock(&sh->m);
		sh->ready = 1;
		pthread_cond_signal(&sh->c);
		pthread_mutex_unlock(&sh->m);
		sem_post(opened);
		nap();
		sem_post(named);
		_exit(0);
	}
	CHECK_EQ(sem_wait(&sh->s), 0);		    /* posted by the child */
	CHECK_EQ(pthread_mutex_lock(&sh->m), 0); /* held by the child */
	while (!sh->ready)
		pthread_cond_wait(&sh->c, &sh->m); /* signalled by it */
	CHECK_EQ(pthread_mutex_unlock(&sh->m), 0);
	CHECK_EQ(sem_wait(opened), 0); /* posted by it: a unit, not a lock */
	CHECK_EQ(sem_wait(named), 0); /* posted by it, later */
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	sem_close(named);
	sem_unlink(name);
	sem_close(opened);
	sem_unlink(name2);
	return 0;
}
