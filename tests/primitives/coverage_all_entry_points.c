/* SPDX-License-Identifier: MIT */
/*
 * coverage_all_entry_points.c - every sync entry point libcoffman.so
 * interposes (tests/abi/exports.txt, given as argv[1]) is called once
 * here, and each call must reach the engine: the calling thread's event
 * count (coffman_thread_event_count) goes up. The list is read at run
 * time, so a newly interposed name that this test does not call fails
 * it too. Left out: the memory and exit paths (free, realloc, munmap,
 * dlclose, _exit, _Exit, pthread_exit, thrd_exit), the exec family (it only
 * writes out the trace), clone (the runtime goes quiet in its child),
 * prctl (it only names threads),
 * pthread_setcanceltype (only noted, for a later pthread_cancel) and the
 * coffman_ API itself.
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <string.h>
#include <threads.h>
#include <unistd.h>

#include "prim.h"

#define MAX_NAMES 256

static const char *const skipped[] = {
	"free", "realloc", "munmap", "dlclose", "_exit", "_Exit", "pthread_exit",
	"thrd_exit", "execl", "execle", "execlp", "execv", "execve", "execvp",
	"execvpe", "fexecve", "prctl", "pthread_setcanceltype", "clone",
};

static long (*event_count)(void);
static const char *covered[MAX_NAMES];
static int ncovered, nfailed;

static void covered_call(const char *name, long before)
{
	long after = event_count();

	if (after <= before) {
		fprintf(stderr, "FAIL: %s did not reach the engine "
				"(events %ld -> %ld)\n",
			name, before, after);
		nfailed++;
	}
	CHECK(ncovered < MAX_NAMES);
	covered[ncovered++] = name;
}

/* Run stmt (one call of 'name') and check the event count went up. */
#define COVER(name, stmt)                                                    \
	do {                                                                 \
		long cover_before_ = event_count();                          \
		stmt;                                                        \
		covered_call(name, cover_before_);                           \
	} while (0)

/* ---- condition variables: a waker broadcasts until told to stop ------- */

static pthread_mutex_t cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static pthread_cond_t cv_old; /* old ABI: a pointer, allocated by glibc */
static mtx_t cmtx;
static cnd_t ccnd;
static int (*old_broadcast)(pthread_cond_t *);
static volatile int waker_stop;

static void *waker(void *arg)
{
	(void)arg;
	while (!waker_stop) {
		CHECK_EQ(pthread_mutex_lock(&cm), 0);
		CHECK_EQ(pthread_cond_broadcast(&cv), 0);
		CHECK_EQ(old_broadcast(&cv_old), 0);
		CHECK_EQ(pthread_mutex_unlock(&cm), 0);
		CHECK_EQ(mtx_lock(&cmtx), thrd_success);
		CHECK_EQ(cnd_broadcast(&ccnd), thrd_success);
		CHECK_EQ(mtx_unlock(&cmtx), thrd_success);
		usleep(1000);
	}
	return NULL;
}

static void *versioned(const char *name, const char *version)
{
	void *p = dlvsym(RTLD_DEFAULT, name, version);

	if (!p) {
		fprintf(stderr, "no %s@%s\n", name, version);
		exit(1);
	}
	return p;
}

static void cover_cond(void)
{
	int (*wait_225)(pthread_cond_t *, pthread_mutex_t *) =
		versioned("pthread_cond_wait", "GLIBC_2.2.5");
	int (*timedwait_225)(pthread_cond_t *, pthread_mutex_t *,
			     const struct timespec *) =
		versioned("pthread_cond_timedwait", "GLIBC_2.2.5");
	int (*wait_232)(pthread_cond_t *, pthread_mutex_t *) =
		versioned("pthread_cond_wait", "GLIBC_2.3.2");
	int (*timedwait_232)(pthread_cond_t *, pthread_mutex_t *,
			     const struct timespec *) =
		versioned("pthread_cond_timedwait", "GLIBC_2.3.2");
	struct timespec past = { 0, 0 };
	pthread_t w;
	int rc;

	old_broadcast = versioned("pthread_cond_broadcast", "GLIBC_2.2.5");
	CHECK_EQ(mtx_init(&cmtx, mtx_plain), thrd_success);
	CHECK_EQ(cnd_init(&ccnd), thrd_success);
	CHECK_EQ(pthread_create(&w, NULL, waker, NULL), 0);

	CHECK_EQ(pthread_mutex_lock(&cm), 0);
	COVER("pthread_cond_wait@@GLIBC_2.3.2", rc = wait_232(&cv, &cm));
	CHECK_EQ(rc, 0);
	COVER("pthread_cond_wait@GLIBC_2.2.5", rc = wait_225(&cv_old, &cm));
	CHECK_EQ(rc, 0);
	COVER("pthread_cond_timedwait@@GLIBC_2.3.2",
	      rc = timedwait_232(&cv, &cm, &past));
	CHECK_EQ(rc, ETIMEDOUT);
	COVER("pthread_cond_timedwait@GLIBC_2.2.5",
	      rc = timedwait_225(&cv_old, &cm, &past));
	CHECK_EQ(rc, ETIMEDOUT);
	COVER("pthread_cond_clockwait",
	      rc = pthread_cond_clockwait(&cv, &cm, CLOCK_MONOTONIC, &past));
	CHECK_EQ(rc, ETIMEDOUT);
	CHECK_EQ(pthread_mutex_unlock(&cm), 0);

	CHECK_EQ(mtx_lock(&cmtx), thrd_success);
	COVER("cnd_wait", rc = cnd_wait(&ccnd, &cmtx));
	CHECK_EQ(rc, thrd_success);
	COVER("cnd_timedwait", rc = cnd_timedwait(&ccnd, &cmtx, &past));
	CHECK_EQ(rc, thrd_timedout);
	CHECK_EQ(mtx_unlock(&cmtx), thrd_success);

	{
		/* Wake-ups: each reaches the engine, waiters or not. */
		int (*signal_225)(pthread_cond_t *) =
			versioned("pthread_cond_signal", "GLIBC_2.2.5");
		int (*signal_232)(pthread_cond_t *) =
			versioned("pthread_cond_signal", "GLIBC_2.3.2");
		int (*broadcast_232)(pthread_cond_t *) =
			versioned("pthread_cond_broadcast", "GLIBC_2.3.2");

		COVER("pthread_cond_signal@@GLIBC_2.3.2",
		      rc = signal_232(&cv));
		CHECK_EQ(rc, 0);
		COVER("pthread_cond_broadcast@@GLIBC_2.3.2",
		      rc = broadcast_232(&cv));
		CHECK_EQ(rc, 0);
		COVER("pthread_cond_signal@GLIBC_2.2.5",
		      rc = signal_225(&cv_old));
		CHECK_EQ(rc, 0);
		COVER("pthread_cond_broadcast@GLIBC_2.2.5",
		      rc = old_broadcast(&cv_old));
		CHECK_EQ(rc, 0);
		COVER("cnd_signal", rc = cnd_signal(&ccnd));
		CHECK_EQ(rc, thrd_success);
		COVER("cnd_broadcast", rc = cnd_broadcast(&ccnd));
		CHECK_EQ(rc, thrd_success);
	}

	waker_stop = 1;
	CHECK_EQ(pthread_join(w, NULL), 0);
	{
		/* Destroys, with no waiter left. */
		int (*destroy_232)(pthread_cond_t *) =
			versioned("pthread_cond_destroy", "GLIBC_2.3.2");
		int (*destroy_225)(pthread_cond_t *) =
			versioned("pthread_cond_destroy", "GLIBC_2.2.5");

		COVER("pthread_cond_destroy@@GLIBC_2.3.2",
		      rc = destroy_232(&cv));
		CHECK_EQ(rc, 0);
		COVER("pthread_cond_destroy@GLIBC_2.2.5",
		      rc = destroy_225(&cv_old));
		CHECK_EQ(rc, 0);
		COVER("cnd_destroy", cnd_destroy(&ccnd));
	}
	mtx_destroy(&cmtx);
}

/* ---- everything else ---------------------------------------------------- */

static void *thread_fn(void *arg)
{
	return arg;
}

/* Waits in a cancellation point until cancelled. */
static void *cancel_fn(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static int c11_fn(void *arg)
{
	(void)arg;
	return 5;
}

static void once_fn(void)
{
}

static void cover_mutex(void)
{
	pthread_mutex_t m;
	struct timespec ts;
	mtx_t c;

	COVER("pthread_mutex_init", CHECK_EQ(pthread_mutex_init(&m, NULL), 0));
	COVER("pthread_mutex_lock", CHECK_EQ(pthread_mutex_lock(&m), 0));
	COVER("pthread_mutex_unlock", CHECK_EQ(pthread_mutex_unlock(&m), 0));
	COVER("pthread_mutex_trylock", CHECK_EQ(pthread_mutex_trylock(&m), 0));
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	ts = deadline(1000);
	COVER("pthread_mutex_timedlock",
	      CHECK_EQ(pthread_mutex_timedlock(&m, &ts), 0));
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	ts = deadline_on(CLOCK_MONOTONIC, 1000);
	COVER("pthread_mutex_clocklock",
	      CHECK_EQ(pthread_mutex_clocklock(&m, CLOCK_MONOTONIC, &ts), 0));
	CHECK_EQ(pthread_mutex_unlock(&m), 0);
	COVER("pthread_mutex_destroy", CHECK_EQ(pthread_mutex_destroy(&m), 0));

	COVER("mtx_init", CHECK_EQ(mtx_init(&c, mtx_timed), thrd_success));
	COVER("mtx_lock", CHECK_EQ(mtx_lock(&c), thrd_success));
	COVER("mtx_unlock", CHECK_EQ(mtx_unlock(&c), thrd_success));
	COVER("mtx_trylock", CHECK_EQ(mtx_trylock(&c), thrd_success));
	CHECK_EQ(mtx_unlock(&c), thrd_success);
	ts = deadline(1000);
	COVER("mtx_timedlock", CHECK_EQ(mtx_timedlock(&c, &ts), thrd_success));
	CHECK_EQ(mtx_unlock(&c), thrd_success);
	COVER("mtx_destroy", mtx_destroy(&c));
}

static void cover_rwlock(void)
{
	pthread_rwlock_t rw;
	struct timespec ts;

	COVER("pthread_rwlock_init", CHECK_EQ(pthread_rwlock_init(&rw, NULL), 0));
	COVER("pthread_rwlock_rdlock", CHECK_EQ(pthread_rwlock_rdlock(&rw), 0));
	COVER("pthread_rwlock_unlock", CHECK_EQ(pthread_rwlock_unlock(&rw), 0));
	COVER("pthread_rwlock_tryrdlock",
	      CHECK_EQ(pthread_rwlock_tryrdlock(&rw), 0));
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	ts = deadline(1000);
	COVER("pthread_rwlock_timedrdlock",
	      CHECK_EQ(pthread_rwlock_timedrdlock(&rw, &ts), 0));
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	ts = deadline_on(CLOCK_MONOTONIC, 1000);
	COVER("pthread_rwlock_clockrdlock",
	      CHECK_EQ(pthread_rwlock_clockrdlock(&rw, CLOCK_MONOTONIC, &ts),
		       0));
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	COVER("pthread_rwlock_wrlock", CHECK_EQ(pthread_rwlock_wrlock(&rw), 0));
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	COVER("pthread_rwlock_trywrlock",
	      CHECK_EQ(pthread_rwlock_trywrlock(&rw), 0));
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	ts = deadline(1000);
	COVER("pthread_rwlock_timedwrlock",
	      CHECK_EQ(pthread_rwlock_timedwrlock(&rw, &ts), 0));
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	ts = deadline_on(CLOCK_MONOTONIC, 1000);
	COVER("pthread_rwlock_clockwrlock",
	      CHECK_EQ(pthread_rwlock_clockwrlock(&rw, CLOCK_MONOTONIC, &ts),
		       0));
	CHECK_EQ(pthread_rwlock_unlock(&rw), 0);
	COVER("pthread_rwlock_destroy", CHECK_EQ(pthread_rwlock_destroy(&rw), 0));
}

static void cover_spin(void)
{
	pthread_spinlock_t s;

	COVER("pthread_spin_init",
	      CHECK_EQ(pthread_spin_init(&s, PTHREAD_PROCESS_PRIVATE), 0));
	COVER("pthread_spin_lock", CHECK_EQ(pthread_spin_lock(&s), 0));
	COVER("pthread_spin_unlock", CHECK_EQ(pthread_spin_unlock(&s), 0));
	COVER("pthread_spin_trylock", CHECK_EQ(pthread_spin_trylock(&s), 0));
	CHECK_EQ(pthread_spin_unlock(&s), 0);
	COVER("pthread_spin_destroy", CHECK_EQ(pthread_spin_destroy(&s), 0));
}

static void ignore_signal(int sig)
{
	(void)sig;
}

static void cover_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ignore_signal;
	COVER("sigaction", CHECK_EQ(sigaction(SIGUSR2, &sa, NULL), 0));
	COVER("signal", CHECK(signal(SIGUSR2, SIG_DFL) != SIG_ERR));
}

static void cover_sem(void)
{
	struct timespec ts;
	char name[64];
	sem_t s, *n;
	int v;

	COVER("sem_init", CHECK_EQ(sem_init(&s, 0, 1), 0));
	COVER("sem_wait", CHECK_EQ(sem_wait(&s), 0));
	COVER("sem_post", CHECK_EQ(sem_post(&s), 0));
	COVER("sem_trywait", CHECK_EQ(sem_trywait(&s), 0));
	CHECK_EQ(sem_post(&s), 0);
	ts = deadline(1000);
	COVER("sem_timedwait", CHECK_EQ(sem_timedwait(&s, &ts), 0));
	CHECK_EQ(sem_post(&s), 0);
	ts = deadline_on(CLOCK_MONOTONIC, 1000);
	COVER("sem_clockwait",
	      CHECK_EQ(sem_clockwait(&s, CLOCK_MONOTONIC, &ts), 0));
	CHECK_EQ(sem_post(&s), 0);
	COVER("sem_getvalue", CHECK_EQ(sem_getvalue(&s, &v), 0));
	CHECK_EQ(v, 1);
	COVER("sem_destroy", CHECK_EQ(sem_destroy(&s), 0));

	snprintf(name, sizeof(name), "/coffman-cover-%d", (int)getpid());
	sem_unlink(name);
	COVER("sem_open", n = sem_open(name, O_CREAT | O_EXCL, 0600, 1));
	CHECK(n != SEM_FAILED);
	COVER("sem_close", CHECK_EQ(sem_close(n), 0));
	COVER("sem_unlink", CHECK_EQ(sem_unlink(name), 0));
}

static void cover_threads(void)
{
	pthread_barrier_t b;
	pthread_once_t once = PTHREAD_ONCE_INIT;
	once_flag flag = ONCE_FLAG_INIT;
	struct timespec ts;
	pthread_t t;
	thrd_t c;
	void *ret;
	int rc, res;

	COVER("pthread_barrier_init",
	      CHECK_EQ(pthread_barrier_init(&b, NULL, 1), 0));
	COVER("pthread_barrier_wait", rc = pthread_barrier_wait(&b));
	CHECK_EQ(rc, PTHREAD_BARRIER_SERIAL_THREAD);
	COVER("pthread_barrier_destroy",
	      CHECK_EQ(pthread_barrier_destroy(&b), 0));

	COVER("pthread_once", CHECK_EQ(pthread_once(&once, once_fn), 0));
	COVER("call_once", call_once(&flag, once_fn));

	COVER("pthread_setname_np",
	      CHECK_EQ(pthread_setname_np(pthread_self(), "coverage"), 0));

	COVER("pthread_create",
	      CHECK_EQ(pthread_create(&t, NULL, thread_fn, (void *)1), 0));
	COVER("pthread_join", CHECK_EQ(pthread_join(t, &ret), 0));
	CHECK_EQ((long)ret, 1);

	CHECK_EQ(pthread_create(&t, NULL, thread_fn, (void *)2), 0);
	ts = deadline(5000);
	COVER("pthread_timedjoin_np",
	      CHECK_EQ(pthread_timedjoin_np(t, &ret, &ts), 0));
	CHECK_EQ(pthread_create(&t, NULL, thread_fn, (void *)3), 0);
	ts = deadline_on(CLOCK_MONOTONIC, 5000);
	COVER("pthread_clockjoin_np",
	      CHECK_EQ(pthread_clockjoin_np(t, &ret, CLOCK_MONOTONIC, &ts),
		       0));
	CHECK_EQ(pthread_create(&t, NULL, thread_fn, (void *)4), 0);
	COVER("pthread_tryjoin_np", rc = pthread_tryjoin_np(t, &ret));
	CHECK(rc == 0 || rc == EBUSY);
	if (rc == EBUSY)
		CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK_EQ(pthread_create(&t, NULL, thread_fn, (void *)5), 0);
	COVER("pthread_detach", CHECK_EQ(pthread_detach(t), 0));
	CHECK_EQ(pthread_create(&t, NULL, cancel_fn, NULL), 0);
	COVER("pthread_cancel", CHECK_EQ(pthread_cancel(t), 0));
	CHECK_EQ(pthread_join(t, &ret), 0);
	CHECK(ret == PTHREAD_CANCELED);

	COVER("thrd_create", CHECK_EQ(thrd_create(&c, c11_fn, NULL),
				      thrd_success));
	COVER("thrd_join", CHECK_EQ(thrd_join(c, &res), thrd_success));
	CHECK_EQ(res, 5);
	CHECK_EQ(thrd_create(&c, c11_fn, NULL), thrd_success);
	COVER("thrd_detach", CHECK_EQ(thrd_detach(c), thrd_success));
}

static int is_covered(const char *name)
{
	int i;

	for (i = 0; i < ncovered; i++)
		if (!strcmp(covered[i], name))
			return 1;
	return 0;
}

/* Every interposed name in the list must have been called above. */
static void check_list(const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");
	int n = 0;
	size_t i;

	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, " \t\r\n")] = 0;
		if (!line[0] || line[0] == '#' ||
		    !strncmp(line, "coffman_", 8))
			continue;
		for (i = 0; i < sizeof(skipped) / sizeof(skipped[0]); i++)
			if (!strcmp(line, skipped[i]))
				break;
		if (i < sizeof(skipped) / sizeof(skipped[0]))
			continue;
		n++;
		if (!is_covered(line)) {
			fprintf(stderr, "FAIL: %s is interposed but not "
					"covered by this test\n",
				line);
			nfailed++;
		}
	}
	fclose(f);
	fprintf(stderr, "%d interposed entry points, %d calls covered\n", n,
		ncovered);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s exports.txt\n", argv[0]);
		return 1;
	}
	event_count = (long (*)(void))dlsym(RTLD_DEFAULT,
					    "coffman_thread_event_count");
	if (!event_count) {
		fprintf(stderr, "libcoffman.so does not export "
				"coffman_thread_event_count (or is not "
				"loaded)\n");
		return 1;
	}
	/* Attach this thread first: its first event may not count. */
	CHECK_EQ(preload_reports(), 0);
	cover_mutex();
	cover_rwlock();
	cover_spin();
	cover_sem();
	cover_signals();
	cover_cond();
	cover_threads();
	check_list(argv[1]);
	if (nfailed) {
		fprintf(stderr, "%d failure(s)\n", nfailed);
		return 1;
	}
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
