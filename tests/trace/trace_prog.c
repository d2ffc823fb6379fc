/* SPDX-License-Identifier: MIT */
/*
 * trace_prog.c - programs for the trace writer's tests: threads that lock,
 * then one way or another for the process image to end.
 * usage: trace_prog MODE
 *   exit      threads lock and unlock, then return from main
 *   forkexec  the same, then fork; the child runs a thread and execs true
 *   exec      the same, then exec true (no fork)
 *   _exit     the same, then _exit(3)
 *   segv      the same, then a NULL store (dies of SIGSEGV)
 *   abort     the same, then abort()
 *   spin      threads lock and unlock until killed
 *   dlopen    dlopen libm, then as exit (its module is in the trace)
 *   rename    a thread named by itself, then renamed by main
 *   many      60 threads one after another, each filling a few blocks
 *   exitbusy  two threads lock and unlock without pause while main exits
 *             (the flush at exit meets appends in progress)
 *   seccomp   threads lock and unlock while main installs a seccomp filter
 *             that kills the process on membarrier(2) (with prctl), then
 *             exits: the flush at exit must do without membarrier
 *   seccomp-syscall  the same, the filter installed with syscall(2)
 *   seccomp-fork  the filter, then a child whose threads lock and unlock
 *             (its trace restarts under the inherited filter)
 *   seccomp-exec  the filter, then exec of this program in mode exit
 *   pending   a thread named "pending" locks and unlocks 1000 times, then
 *             sleeps outside the runtime while main exits: its last
 *             compact events, still waiting in its ring, must be in the
 *             trace (drained by the exit's flush)
 *   levels    500 rounds of: 10 mutexes nested in order (deeper than a
 *             compact record's levels), then 16 spinlocks 4 bytes apart,
 *             each once, in a varying order, each under one of 2 other
 *             mutexes: 26 locks taken 500 times, 2 taken 4000 times
 *   semtry    1000 failed sem_trywait calls on a semaphore the thread
 *             holds (CPython tries every lock that way first)
 *   heldwrite under each kind of lock in turn (mutex, rwlock for writing
 *             and for reading, spinlock, semaphore), many times, 200
 *             nested lock pairs: exits 1 if the trace file grew while
 *             the outer lock was held (its buffer must be written out
 *             between critical sections, not when it fills)
 */
#include <dlfcn.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHECK(x)                                                             \
	do {                                                                 \
		if (!(x)) {                                                  \
			fprintf(stderr, "%s:%d: %s failed\n", __FILE__,      \
				__LINE__, #x);                               \
			exit(99);                                            \
		}                                                            \
	} while (0)

static pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t b = PTHREAD_MUTEX_INITIALIZER;
static volatile int *volatile nowhere; /* NULL, unknown to the compiler */

/* rounds < 0: until killed, at a pace that keeps the trace small. */
static void *locker(void *arg)
{
	struct timespec ms = { 0, 1000000 };
	long rounds = (long)(intptr_t)arg, i;

	for (i = 0; rounds < 0 || i < rounds; i++) {
		CHECK(pthread_mutex_lock(&a) == 0);
		CHECK(pthread_mutex_lock(&b) == 0);
		CHECK(pthread_mutex_unlock(&b) == 0);
		CHECK(pthread_mutex_unlock(&a) == 0);
		if (rounds < 0 && i % 100 == 99)
			nanosleep(&ms, NULL);
	}
	return NULL;
}

/* Lock and unlock a lock of its own, without end. */
static void *busy_locker(void *arg)
{
	pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;
	volatile int spin;

	(void)arg;
	for (;;) {
		CHECK(pthread_mutex_lock(&own) == 0);
		CHECK(pthread_mutex_unlock(&own) == 0);
		/* A little work between: keeps the trace to a few MB. */
		for (spin = 0; spin < 5000; spin++)
			;
	}
	return NULL;
}

/* Two busy_locker threads, left running; then 0.1 s. */
static void start_busy_lockers(void)
{
	struct timespec tenth = { 0, 100000000 };
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		CHECK(pthread_create(&t[i], NULL, busy_locker, NULL) == 0);
	nanosleep(&tenth, NULL);
}

/* Kill the process on membarrier(2), allow every other call. */
static void forbid_membarrier(int with_syscall)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_membarrier, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };

	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0);
	if (with_syscall)
		CHECK(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) ==
		      0);
	else
		CHECK(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) ==
		      0);
}

/* n threads at once, each taking a then b 'rounds' times. */
static void run_threads(int n, long rounds)
{
	pthread_t t[8];
	int i;

	for (i = 0; i < n; i++)
		CHECK(pthread_create(&t[i], NULL, locker,
				     (void *)(intptr_t)rounds) == 0);
	for (i = 0; i < n; i++)
		CHECK(pthread_join(t[i], NULL) == 0);
}

static void fork_exec(void)
{
	pid_t pid = fork();
	int status;

	CHECK(pid >= 0);
	if (pid == 0) {
		run_threads(1, 100);
		execl("/bin/true", "true", (char *)NULL);
		_exit(98);
	}
	run_threads(2, 100);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static volatile int pending_done;

static void *pending_locker(void *arg)
{
	(void)arg;
	CHECK(pthread_setname_np(pthread_self(), "pending") == 0);
	locker((void *)(intptr_t)500); /* 2000 events */
	__atomic_store_n(&pending_done, 1, __ATOMIC_RELEASE);
	for (;;)
		pause(); /* no call the runtime sees */
	return NULL;
}

static pthread_barrier_t named;

static void *renamed(void *arg)
{
	(void)arg;
	CHECK(pthread_setname_np(pthread_self(), "first") == 0);
	locker((void *)(intptr_t)10);
	pthread_barrier_wait(&named); /* main names us "first" */
	pthread_barrier_wait(&named); /* main renamed us "second" */
	return NULL;
}

static void rename_other(void)
{
	pthread_t t;

	CHECK(pthread_barrier_init(&named, NULL, 2) == 0);
	CHECK(pthread_create(&t, NULL, renamed, NULL) == 0);
	pthread_barrier_wait(&named);
	CHECK(pthread_setname_np(t, "second") == 0);
	pthread_barrier_wait(&named);
	CHECK(pthread_join(t, NULL) == 0);
}

/* The runtime's descriptor of the trace file (a name ending in .trace). */
static int trace_fd(void)
{
	char path[64], target[4096];
	ssize_t n;
	int fd;

	for (fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n = readlink(path, target, sizeof(target) - 1);
		if (n > 6 && !memcmp(target + n - 6, ".trace", 6))
			return fd;
	}
	return -1;
}

static off_t file_size(int fd)
{
	struct stat st;

	CHECK(fstat(fd, &st) == 0);
	return st.st_size;
}

enum outer { OUT_MUTEX, OUT_WRLOCK, OUT_RDLOCK, OUT_SPIN, OUT_SEM, OUT_N };

static void held_writes(void)
{
	static const char *const names[OUT_N] = { "mutex", "rwlock (write)",
						  "rwlock (read)", "spinlock",
						  "semaphore" };
	pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
	pthread_spinlock_t spin;
	sem_t sem;
	long grew[OUT_N] = { 0 }, total = 0;
	int fd = trace_fd(), k, r, j;
	off_t before;

	CHECK(fd >= 0);
	CHECK(pthread_spin_init(&spin, PTHREAD_PROCESS_PRIVATE) == 0);
	CHECK(sem_init(&sem, 0, 1) == 0);
	for (r = 0; r < 100; r++) {
		for (k = 0; k < OUT_N; k++) {
			switch (k) {
			case OUT_MUTEX: pthread_mutex_lock(&a); break;
			case OUT_WRLOCK: pthread_rwlock_wrlock(&rw); break;
			case OUT_RDLOCK: pthread_rwlock_rdlock(&rw); break;
			case OUT_SPIN: pthread_spin_lock(&spin); break;
			default: sem_wait(&sem); break;
			}
			before = file_size(fd);
			for (j = 0; j < 200; j++) {
				pthread_mutex_lock(&b);
				pthread_mutex_unlock(&b);
			}
			if (file_size(fd) != before)
				grew[k]++;
			switch (k) {
			case OUT_MUTEX: pthread_mutex_unlock(&a); break;
			case OUT_WRLOCK:
			case OUT_RDLOCK: pthread_rwlock_unlock(&rw); break;
			case OUT_SPIN: pthread_spin_unlock(&spin); break;
			default: sem_post(&sem); break;
			}
		}
	}
	for (k = 0; k < OUT_N; k++) {
		if (grew[k])
			fprintf(stderr, "trace written %ld times under a %s\n",
				grew[k], names[k]);
		total += grew[k];
	}
	exit(total ? 1 : 0);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "exit";
	int i;

	if (!strcmp(mode, "spin")) {
		pthread_t t[3];

		for (i = 0; i < 3; i++)
			CHECK(pthread_create(&t[i], NULL, locker,
					     (void *)(intptr_t)-1) == 0);
		for (i = 0; i < 3; i++)
			pthread_join(t[i], NULL);
		return 0;
	}
	if (!strcmp(mode, "many")) {
		for (i = 0; i < 60; i++)
			run_threads(1, 2000);
		return 0;
	}
	if (!strcmp(mode, "exitbusy")) {
		start_busy_lockers();
		exit(0);
	}
	if (!strcmp(mode, "seccomp") || !strcmp(mode, "seccomp-syscall")) {
		start_busy_lockers();
		forbid_membarrier(!strcmp(mode, "seccomp-syscall"));
		start_busy_lockers();
		exit(0);
	}
	if (!strcmp(mode, "seccomp-fork")) {
		int status;
		pid_t pid;

		forbid_membarrier(0);
		pid = fork();
		CHECK(pid >= 0);
		if (pid == 0) {
			start_busy_lockers();
			exit(0);
		}
		CHECK(waitpid(pid, &status, 0) == pid);
		return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
	}
	if (!strcmp(mode, "seccomp-exec")) {
		forbid_membarrier(0);
		execl("/proc/self/exe", argv[0], "exit", (char *)NULL);
		return 98;
	}
	if (!strcmp(mode, "pending")) {
		struct timespec ms = { 0, 1000000 };
		pthread_t t;

		CHECK(pthread_create(&t, NULL, pending_locker, NULL) == 0);
		while (!__atomic_load_n(&pending_done, __ATOMIC_ACQUIRE))
			nanosleep(&ms, NULL);
		exit(0);
	}
	if (!strcmp(mode, "levels")) {
		static pthread_mutex_t muts[12];
		static pthread_spinlock_t spins[16];
		int r, j;

		for (i = 0; i < 12; i++)
			CHECK(pthread_mutex_init(&muts[i], NULL) == 0);
		for (i = 0; i < 16; i++)
			CHECK(pthread_spin_init(&spins[i], 0) == 0);
		for (r = 0; r < 500; r++) {
			for (i = 0; i < 10; i++)
				CHECK(pthread_mutex_lock(&muts[i]) == 0);
			for (i = 10; i-- > 0;)
				CHECK(pthread_mutex_unlock(&muts[i]) == 0);
			for (j = 0; j < 16; j++) {
				pthread_spinlock_t *sp = &spins[(j * 5 + r) % 16];

				CHECK(pthread_mutex_lock(&muts[10 + j % 2]) == 0);
				CHECK(pthread_spin_lock(sp) == 0);
				CHECK(pthread_spin_unlock(sp) == 0);
				CHECK(pthread_mutex_unlock(&muts[10 + j % 2]) ==
				      0);
			}
		}
		return 0;
	}
	if (!strcmp(mode, "semtry")) {
		sem_t s;

		CHECK(sem_init(&s, 0, 1) == 0);
		CHECK(sem_wait(&s) == 0);
		for (i = 0; i < 1000; i++)
			CHECK(sem_trywait(&s) == -1);
		CHECK(sem_post(&s) == 0);
		CHECK(sem_destroy(&s) == 0);
		return 0;
	}
	if (!strcmp(mode, "heldwrite"))
		held_writes();
	if (!strcmp(mode, "rename")) {
		rename_other();
		return 0;
	}
	if (!strcmp(mode, "dlopen"))
		CHECK(dlopen("libm.so.6", RTLD_NOW) != NULL);
	run_threads(2, 200);
	if (!strcmp(mode, "forkexec")) {
		fork_exec();
	} else if (!strcmp(mode, "exec")) {
		execlp("true", "true", (char *)NULL);
		return 98;
	} else if (!strcmp(mode, "_exit")) {
		_exit(3);
	} else if (!strcmp(mode, "segv")) {
		*nowhere = 1;
	} else if (!strcmp(mode, "abort")) {
		abort();
	}
	return 0;
}
