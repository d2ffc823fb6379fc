/* SPDX-License-Identifier: MIT */
/*
 * glibc_mutex_state_silent.c - default, adaptive and process-shared
 * mutexes, which the lock wrapper takes and releases itself as glibc
 * would (preload/glibc_mutex.h), and an error-checking one, which it
 * leaves to glibc. glibc's own fields must read as without the runtime:
 * taken, the lock word 1 (2 after a sleep or a condition wait), the
 * owner's tid and one user; released, all 0,
 * so that pthread_mutex_destroy succeeds. A condition wait in between
 * keeps the user count. A release must wake a thread asleep on the lock
 * word, and one in another process for a process-shared mutex: each
 * waiter waits at most 5 s, and the test fails if it times out.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

static void check_owner(pthread_mutex_t *m)
{
	CHECK_EQ(m->__data.__owner, gettid());
	CHECK_EQ(m->__data.__nusers, 1);
}

static void check_held(pthread_mutex_t *m)
{
	CHECK_EQ(m->__data.__lock, 1);
	CHECK_EQ(m->__data.__owner, gettid());
	CHECK_EQ(m->__data.__nusers, 1);
}

static void check_free(pthread_mutex_t *m)
{
	CHECK_EQ(m->__data.__lock, 0);
	CHECK_EQ(m->__data.__owner, 0);
	CHECK_EQ(m->__data.__nusers, 0);
}

static void in_seconds(struct timespec *ts, long ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* The same call sites again and again, alone and nested: from the second
 * round on, nestings the runtime knows. */
static void rounds(pthread_mutex_t *outer, pthread_mutex_t *m)
{
	int i;

	for (i = 0; i < 50; i++) {
		CHECK_EQ(pthread_mutex_lock(m), 0);
		check_held(m);
		CHECK_EQ(pthread_mutex_unlock(m), 0);
		check_free(m);
		CHECK_EQ(pthread_mutex_lock(outer), 0);
		CHECK_EQ(pthread_mutex_lock(m), 0);
		check_held(m);
		CHECK_EQ(pthread_mutex_unlock(m), 0);
		check_free(m);
		CHECK_EQ(pthread_mutex_unlock(outer), 0);
		CHECK_EQ(pthread_mutex_trylock(m), 0);
		check_held(m);
		CHECK_EQ(pthread_mutex_unlock(m), 0);
		check_free(m);
	}
}

/* A condition wait releases and takes m again inside glibc. */
static void cond_round(pthread_mutex_t *m)
{
	pthread_cond_t c = PTHREAD_COND_INITIALIZER;
	struct timespec ts;

	CHECK_EQ(pthread_mutex_lock(m), 0);
	in_seconds(&ts, 10);
	CHECK_EQ(pthread_cond_timedwait(&c, m, &ts), ETIMEDOUT);
	check_owner(m); /* glibc takes it back with the lock word 2 */
	CHECK_EQ(pthread_mutex_unlock(m), 0);
	check_free(m);
	pthread_cond_destroy(&c);
}

/* Wait (at most 3 s) until someone sleeps on m's lock word. */
static void wait_for_sleeper(pthread_mutex_t *m)
{
	struct timespec nap = { 0, 1000000L };
	int i;

	for (i = 0; i < 3000 && __atomic_load_n(&m->__data.__lock,
						__ATOMIC_ACQUIRE) != 2;
	     i++)
		nanosleep(&nap, NULL);
	CHECK_EQ(m->__data.__lock, 2);
}

static void take_within_5s(pthread_mutex_t *m)
{
	struct timespec ts;

	in_seconds(&ts, 5000);
	CHECK_EQ(pthread_mutex_timedlock(m, &ts), 0);
	/* glibc's lock word stays 2 after a sleep: maybe more sleepers */
	check_owner(m);
	CHECK_EQ(pthread_mutex_unlock(m), 0);
}

static void *waiter(void *arg)
{
	take_within_5s(arg);
	return NULL;
}

/* A thread of this process asleep on m is woken by the release. */
static void handoff(pthread_mutex_t *m)
{
	pthread_t t;

	CHECK_EQ(pthread_mutex_lock(m), 0);
	CHECK_EQ(pthread_create(&t, NULL, waiter, m), 0);
	wait_for_sleeper(m);
	CHECK_EQ(pthread_mutex_unlock(m), 0);
	CHECK_EQ(pthread_join(t, NULL), 0);
	check_free(m);
}

static void one_type(int type)
{
	pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER, m;
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	CHECK_EQ(pthread_mutexattr_settype(&a, type), 0);
	CHECK_EQ(pthread_mutex_init(&m, &a), 0);
	pthread_mutexattr_destroy(&a);
	rounds(&outer, &m);
	cond_round(&m);
	handoff(&m);
	CHECK_EQ(pthread_mutex_destroy(&m), 0);
}

struct shared {
	pthread_mutex_t m;
	sem_t go;
};

/* A process-shared mutex: the waiter is another process. */
static void other_process(void)
{
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
				 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutexattr_t a;
	int status;
	pid_t pid;

	CHECK(sh != MAP_FAILED);
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	CHECK_EQ(pthread_mutex_init(&sh->m, &a), 0);
	pthread_mutexattr_destroy(&a);
	CHECK_EQ(sem_init(&sh->go, 1, 0), 0);
	rounds(&outer, &sh->m);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		CHECK_EQ(sem_wait(&sh->go), 0);
		take_within_5s(&sh->m);
		_exit(0);
	}
	CHECK_EQ(pthread_mutex_lock(&sh->m), 0);
	CHECK_EQ(sem_post(&sh->go), 0);
	wait_for_sleeper(&sh->m);
	CHECK_EQ(pthread_mutex_unlock(&sh->m), 0);
	CHECK_EQ(waitpid(pid, &status, 0), pid);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 0);
	check_free(&sh->m);
	CHECK_EQ(pthread_mutex_destroy(&sh->m), 0);
}

int main(void)
{
	one_type(PTHREAD_MUTEX_DEFAULT);
	one_type(PTHREAD_MUTEX_ADAPTIVE_NP);
	one_type(PTHREAD_MUTEX_ERRORCHECK);
	other_process();
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
