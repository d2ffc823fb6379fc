/* SPDX-License-Identifier: MIT */
/* runtime.c - start-up, options, report output, thread exit and fork. */
#include "runtime.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <gnu/libc-version.h>
#include <sys/stat.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "claims.h"
#include "glibc_mutex.h"
#include "lock.h"
#include "objects.h"
#include "options.h"
#include "real.h"
#include "stack.h"
#include "stackdepot.h"
#include "trace_write.h"
#include "suppress.h"
#include "symbolize.h"
#include "trace_glue.h"

__thread struct rt_tls rt_tls __attribute__((tls_model("initial-exec")));
int rt_active;
int rt_spin;

static struct coffman_options options;
/*
 * Where reports go: the log file, or the program's own stderr (fd 2, not
 * a copy: a descriptor of ours would show in the program's /proc/self/fd
 * and in its children's, and tests that count them fail), and the JSON
 * file. Each is written only while it is still the file it was at start:
 * a program that closed fd 2 (or ours) and opened a file of its own at
 * that number gets nothing written into it.
 */
struct out_fd {
	int fd;
	bool ok;
	dev_t dev;
	ino_t ino;
};
static struct out_fd text_out = { -1, false, 0, 0 };
static struct out_fd json_out = { -1, false, 0, 0 };

static void out_set(struct out_fd *o, int fd)
{
	struct stat st;

	o->fd = fd;
	o->ok = fd >= 0 && fstat(fd, &st) == 0;
	if (o->ok) {
		o->dev = st.st_dev;
		o->ino = st.st_ino;
	}
}

/* o's descriptor if it is still the file it was, else -1. */
static int out_fd(const struct out_fd *o)
{
	struct stat st;

	if (!o->ok || fstat(o->fd, &st) != 0 || st.st_dev != o->dev ||
	    st.st_ino != o->ino)
		return -1;
	return o->fd;
}
static pthread_key_t exit_key;
static int exit_key_ok;

/* Bad options seen before the engine could report them. */
static char bad_options[4][256];
static int n_bad_options;

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void emit(const struct report *r, const char *text, size_t tlen,
		 const char *json, size_t jlen)
{
	int saved = errno, fd;

	(void)r;
	if (tlen && (fd = out_fd(&text_out)) >= 0)
		write_all(fd, text, tlen);
	if (jlen && (fd = out_fd(&json_out)) >= 0)
		write_all(fd, json, jlen);
	errno = saved;
}

static void fatal(int action, int exitcode)
{
	rt_trace_final(action == ON_DEADLOCK_ABORT ? TRACE_END_SIGNAL
						   : TRACE_END_EXIT);
	if (action == ON_DEADLOCK_ABORT) {
		signal(SIGABRT, SIG_DFL);
		abort();
	}
	/* The program is stuck: atexit handlers could block on its locks. */
	R(_exit)(exitcode);
}

uint32_t rt_capture_stack(void)
{
	uint64_t pcs[STACK_MAX_DEPTH];
	int n = stack_capture(pcs, options.stack_depth);

	return stackdepot_intern(pcs, n);
}


static int data_name(uint64_t addr, uint32_t kind, char *buf, size_t len)
{
	return symbolize_data(addr, objects_kind_size(kind), buf, len);
}

/* Expand %p to the pid, so forked and exec'd processes get their own. */
void rt_expand_path(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 1 < len; in++) {
		if (in[0] == '%' && in[1] == 'p') {
			int n = snprintf(out + o, len - o, "%d", (int)getpid());

			if (n > 0)
				o += (size_t)n < len - o ? (size_t)n : len - o - 1;
			in++;
		} else {
			out[o++] = *in;
		}
	}
	out[o] = 0;
}

/* Keep our descriptors out of the program's way: high numbers, CLOEXEC. */
static int high_fd(int fd)
{
	int h;

	if (fd < 0)
		return -1;
	h = fcntl(fd, F_DUPFD_CLOEXEC, 900);
	if (h < 0)
		return fd;
	close(fd);
	return h;
}

/*
 * The file of option what (log, json) at path, or -1 after one line on
 * stderr that says why not: the program runs on without it (log's
 * reports go to stderr instead).
 */
static int open_out(const char *what, const char *path)
{
	char p[OPT_PATH_MAX + 32], line[OPT_PATH_MAX + 128];
	int saved = errno, fd, n;

	rt_expand_path(path, p, sizeof(p));
	fd = open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		n = snprintf(line, sizeof(line),
			     "coffman: %s=: cannot open %s: %s%s\n", what, p,
			     strerror(errno),
			     strcmp(what, "log") ? ""
						 : "; reports go to stderr");
		if (n > 0)
			(void)!write(2, line,
				     (size_t)n < sizeof(line) ? (size_t)n
							 : sizeof(line) - 1);
	}
	errno = saved;
	return high_fd(fd);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* ---- the watchdog --------------------------------------------------------
 * One thread that runs the periodic checks, started with the program's
 * first thread (rt_start_watchdog). It is invisible to the program: never
 * registered with the engine, all signals blocked, and it holds no lock
 * while sleeping.
 */
static int watchdog_started;
static pid_t watchdog_tid;
static pthread_t watchdog_th;
static uint32_t watchdog_stop; /* futex: 1 asks it to return */

static bool tid_alive(int32_t tid)
{
	return syscall(SYS_tgkill, getpid(), tid, 0) == 0 || errno != ESRCH;
}

/* Threads the engine has never seen exist (created before we started, or
 * by clone): then "every thread is blocked" cannot be claimed. */
static bool others_unknown(void)
{
	char buf[4096];
	int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n, os = 0;

	if (fd < 0)
		return true;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		long off = 0;

		while (off < n) {
			struct dirent64 *d = (struct dirent64 *)(void *)(buf + off);

			if (d->d_name[0] != '.')
				os++;
			off += d->d_reclen;
		}
	}
	close(fd);
	return os - 1 > (long)threads_live(); /* less the watchdog */
}

/* True if, but for the watchdog itself, thread 'also' (0: none) and
 * exited (zombie) threads, no thread of the process is left. */
static bool only_watchdog_left(pid_t also)
{
	char buf[4096], path[64], stat[256];
	int fd = open("/proc/self/task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n, others = 0;

	if (fd < 0)
		return false;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		long off = 0;

		while (off < n) {
			struct dirent64 *d = (struct dirent64 *)(void *)(buf + off);
			const char *state;
			ssize_t len;
			int sfd;

			off += d->d_reclen;
			if (d->d_name[0] == '.' || atoi(d->d_name) == watchdog_tid ||
			    atoi(d->d_name) == also)
				continue;
			snprintf(path, sizeof(path), "/proc/self/task/%.20s/stat",
				 d->d_name);
			sfd = open(path, O_RDONLY | O_CLOEXEC);
			len = sfd >= 0 ? read(sfd, stat, sizeof(stat) - 1) : -1;
			if (sfd >= 0)
				close(sfd);
			if (len <= 0)
				continue;
			stat[len] = 0;
			state = strrchr(stat, ')');
			if (state && state[1] == ' ' && state[2] == 'Z')
				continue;
			others++;
		}
	}
	close(fd);
	return others == 0;
}

/*
 * The signal mask of the program's thread that exited last: the watchdog
 * runs the program's exit in its place with it, so that a signal an
 * exit handler raises (kill(getpid(), ...)) is delivered as it would
 * have been, not held pending by the watchdog's all-blocked mask.
 */
static sigset_t last_exit_mask;
static struct eng_lock last_exit_lock = ENG_LOCK_INIT;
static int last_exit_known;

static void *watchdog(void *arg)
{
	struct timespec tick = { 0, 50 * 1000000L };
	unsigned n;

	(void)arg;
	rt_busy = 1; /* never tracked */
	__atomic_store_n(&watchdog_tid, gettid(), __ATOMIC_RELEASE);
	for (n = 1;; n++) {
		/* Sleeps 50 ms, unless stop_watchdog() wakes it. */
		syscall(SYS_futex, &watchdog_stop, FUTEX_WAIT_PRIVATE, 0, &tick,
			NULL, 0);
		if (__atomic_load_n(&watchdog_stop, __ATOMIC_ACQUIRE))
			return NULL;
		engine_tick(now_ns(), tid_alive, others_unknown());
		/*
		 * The program's last thread ended with pthread_exit: the
		 * process would have exited with 0 then, as if by exit(0).
		 * Only we keep it alive: do what that last thread would have.
		 */
		if (threads_live() == 0 && only_watchdog_left(0)) {
			sigset_t mask;
			int known;

			/* (Set after the lock: its release restores the
			 * mask it found.) */
			eng_lock(&last_exit_lock);
			mask = last_exit_mask;
			known = last_exit_known;
			eng_unlock(&last_exit_lock);
			if (known)
				pthread_sigmask(SIG_SETMASK, &mask, NULL);
			exit(0);
		}
		/* A hung program is often killed: keep its trace current. */
		if (n % 20 == 0)
			rt_trace_flush();
	}
	return NULL;
}

void rt_start_watchdog(void)
{
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t th;

	if (__atomic_exchange_n(&watchdog_started, 1, __ATOMIC_ACQ_REL))
		return;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	/* Joinable: stop_watchdog() waits for it to be gone. */
	if (R(pthread_create)(&th, &attr, watchdog, NULL) != 0)
		watchdog_started = 0;
	else
		watchdog_th = th;
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/*
 * A thread is about to block, and perhaps no watchdog runs yet: the
 * process made no thread through pthread_create or thrd_create since the
 * runtime started (or since a fork). Most often it has one thread, which
 * cannot be inside an allocator another thread keeps busy, and whose
 * wait nobody will end must still be reported (all-threads-blocked is
 * the watchdog's); rarely, threads the runtime did not see created, for
 * which it is started here too.
 */
static void watchdog_on_block(void)
{
	if (!__atomic_load_n(&watchdog_started, __ATOMIC_RELAXED))
		rt_start_watchdog();
}

/*
 * Read a small text file (suppressions, claims) into buf, at most cap
 * bytes. A longer file is cut at its last whole line within them, and a
 * bad-option report says so (what: "suppressions", "claims").
 */
static size_t read_small_file(int fd, char *buf, size_t cap,
			      const char *what, const char *path)
{
	char msg[OPT_PATH_MAX + 128], more;
	size_t len = 0;
	ssize_t n;

	while (len < cap && (n = read(fd, buf + len, cap - len)) > 0)
		len += (size_t)n;
	if (len == cap && read(fd, &more, 1) == 1) {
		while (len > 0 && buf[len - 1] != '\n')
			len--;
		snprintf(msg, sizeof(msg),
			 "%s %s: larger than %zu KiB: only the lines in the "
			 "first %zu KiB are read",
			 what, path, cap / 1024, cap / 1024);
		engine_report_bad_option(msg);
	}
	close(fd);
	return len;
}

static void suppress_bad_line(void *ctx, const char *msg)
{
	(void)ctx;
	engine_report_bad_option(msg);
}

/* Load suppressions=FILE; each bad line is a bad-option report. */
static void load_suppressions(const char *path)
{
	static char buf[SUPPRESS_FILE_MAX];
	char msg[OPT_PATH_MAX + 128];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len;

	if (fd < 0) {
		snprintf(msg, sizeof(msg), "suppressions %s: %s", path,
			 strerror(errno));
		engine_report_bad_option(msg);
		return;
	}
	len = read_small_file(fd, buf, sizeof(buf), "suppressions", path);
	suppress_load(buf, len, path, suppress_bad_line, NULL);
}

static void claims_bad_line(void *ctx, const char *msg)
{
	(void)ctx;
	engine_report_bad_option(msg);
}

/* Load claims=FILE (banker=warn|avoid); each bad line is a bad-option
 * report, and the program runs on with the good ones. */
static void load_claims(const char *path)
{
	static char buf[64 * 1024];
	char msg[OPT_PATH_MAX + 128];
	size_t len;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(msg, sizeof(msg), "claims %s: %s", path,
			 strerror(errno));
		engine_report_bad_option(msg);
		return;
	}
	len = read_small_file(fd, buf, sizeof(buf), "claims", path);
	claims_load(buf, len, path, claims_bad_line, NULL);
}

static void bad_option(void *ctx, const char *msg)
{
	(void)ctx;
	if (n_bad_options < 4)
		snprintf(bad_options[n_bad_options++], sizeof(bad_options[0]),
			 "%s", msg);
}

/*
 * Thread t is exiting: the objects on its stack die with it, and glibc
 * hands the stack to a later thread, whose own locals would otherwise be
 * taken for them (two threads' stack mutexes at one address make a false
 * cycle: C++ std::mutex is never destroyed). Not the main thread's stack:
 * the process ends with it.
 */
static void retire_stack(struct eng_thread *t)
{
	pthread_attr_t a;
	void *lo;
	size_t len = 0;
	uintptr_t p, hi;

	if (t->tid == getpid() || pthread_getattr_np(pthread_self(), &a))
		return;
	if (pthread_attr_getstack(&a, &lo, &len) != 0)
		len = 0;
	pthread_attr_destroy(&a);
	hi = (uintptr_t)lo + len;
	for (p = (uintptr_t)lo & ~(uintptr_t)4095; p < hi; p += 4096)
		if (objects_page_maybe_tracked(p)) {
			rt_event(t, OP_RETIRE_RANGE, 0, 0, 0, lo, len, NULL);
			return;
		}
}

/*
 * The calling thread, the program's last, is about to end: have the
 * watchdog return first, and wait until it has, so that glibc sees this
 * thread as the process's last one and exits in it, as without the
 * runtime: exit handlers then run with its thread-local variables and
 * pthread_self(), and right away. A thread made afterwards (by a later
 * key destructor) starts the watchdog again.
 */
static void stop_watchdog(void)
{
	pthread_t th = watchdog_th;

	if (!__atomic_load_n(&watchdog_started, __ATOMIC_ACQUIRE) ||
	    !__atomic_load_n(&watchdog_tid, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&watchdog_stop, 1, __ATOMIC_RELEASE);
	syscall(SYS_futex, &watchdog_stop, FUTEX_WAKE_PRIVATE, 1, NULL, NULL,
		0);
	R(pthread_join)(th, NULL);
	__atomic_store_n(&watchdog_stop, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&watchdog_tid, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&watchdog_started, 0, __ATOMIC_RELEASE);
}

/*
 * The engine knows no running thread but the caller: is the watchdog
 * alone with it? A thread that has just ended (main's pthread_exit, the
 * thread the caller joined) may take a moment to be a zombie: up to
 * 20 ms.
 */
static bool only_watchdog_alone_soon(void)
{
	struct timespec ms = { 0, 1000000L };
	pid_t self = gettid();
	int i;

	for (i = 0; i < 20; i++) {
		if (only_watchdog_left(self))
			return true;
		nanosleep(&ms, NULL);
	}
	return false;
}

static void key_dtor(void *p)
{
	struct eng_thread *t = p;
	struct coffman_event ev;
	sigset_t mask;

	if (!t)
		return;
	/* Other keys' destructors run in this round and may still unlock:
	 * look at what is held one round later. */
	if (!t->frontend) {
		t->frontend = (void *)1;
		pthread_setspecific(exit_key, t);
		return;
	}
	/* Perhaps the program's last thread: the watchdog then exits for
	 * it, with its mask (read before an engine lock blocks any). */
	pthread_sigmask(SIG_BLOCK, NULL, &mask);
	eng_lock(&last_exit_lock);
	last_exit_mask = mask;
	last_exit_known = 1;
	eng_unlock(&last_exit_lock);
	rt_busy = 1; /* for the rest of this thread's life */
	retire_stack(t);
	memset(&ev, 0, sizeof(ev));
	ev.op = OP_THREAD_EXIT;
	ev.stack = t->exit_stack;
	/* It returned from its start function: that is where it exits (the
	 * stack here is glibc's, running key destructors). */
	if (!ev.stack && t->start_pc)
		ev.stack = stackdepot_intern(&t->start_pc, 1);
	engine_event(t, &ev);
	stack_thread_exit();
	if (threads_live() == 0 && only_watchdog_alone_soon())
		stop_watchdog();
}

struct eng_thread *rt_attach(void)
{
	struct eng_thread *t = engine_thread_new(gettid(), 0, 0);

	if (!t)
		return NULL;
	threads_set_handle(t, (uint64_t)pthread_self());
	rt_thread = t;
	if (exit_key_ok)
		pthread_setspecific(exit_key, t);
	return t;
}

struct eng_thread *rt_enter_slow(void)
{
	struct eng_thread *t;

	if (rt_busy || !rt_active)
		return NULL;
	rt_busy = 1;
	t = rt_thread;
	if (!t) {
		t = rt_attach();
		if (!t)
			rt_busy = 0;
	}
	return t;
}

void rt_thread_started(struct eng_thread *t)
{
	t->tid = gettid();
	threads_set_handle(t, (uint64_t)pthread_self());
	rt_thread = t;
	if (exit_key_ok)
		pthread_setspecific(exit_key, t);
	trace_thread_start(t);
	/* No wake-up: woken, the creator could take this CPU from it. */
	__atomic_store_n(&t->started, 1, __ATOMIC_RELEASE);
}

void rt_wait_started(struct eng_thread *nt)
{
	struct timespec now, end;
	int saved = errno;

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_nsec += 1000000; /* 1 ms at most */
	if (end.tv_nsec >= 1000000000) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000;
	}
	/* Yielding: on this CPU's queue, the new thread runs now. */
	while (!__atomic_load_n(&nt->started, __ATOMIC_ACQUIRE)) {
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			break;
	}
	errno = saved;
}

void rt_set_exit_stack(void)
{
	struct eng_thread *t = rt_enter();

	if (!t)
		return;
	t->exit_stack = rt_capture_stack();
	rt_leave();
}

__attribute__((noinline)) void
rt_pre_acquire(struct eng_thread *t, uint32_t kind, uint32_t mode,
	       uint32_t flags, const void *addr, const void *pc)
{
	const struct ocache_slot *slot;
	struct eng_obj *o;
	uint64_t key;
	uint32_t stack;

	t->pre_stack = 0;
	/*
	 * Only while t holds nothing: holding a lock, t is in a critical
	 * section either way, and walking before the attempt would keep
	 * the window between its locks open longer (the other thread of
	 * an inversion gets in); after, the lock is taken.
	 */
	if (t->depth || t->bk_on || t->blk.active || t->degraded)
		return;
	/* Only where the engine walks the stack itself: a lock it has not
	 * seen (its birthplace), or a chain new to t; not a semaphore used
	 * as a signal (no hold). */
	slot = &t->ocache[threads_ocache_slot((uintptr_t)addr)];
	o = slot->obj;
	if (!o || slot->addr != (uintptr_t)addr ||
	    objects_gen(o) != slot->gen || o->kind != kind)
		o = objects_get((uintptr_t)addr, kind, false, 0, NULL);
	if (o) {
		if (kind == KIND_SEM && o->is_signal)
			return;
		key = threads_chain_next(t, o->id, mode,
					 (uintptr_t)pc ^
						 ((flags & EVF_TRY) ? 1 : 0));
		if (threads_ccache_get(t, key, &stack))
			return;
	}
	t->pre_stack = rt_capture_stack();
	t->pre_addr = (uintptr_t)addr;
}

__attribute__((noinline)) int
rt_traced_release(struct eng_thread *t, uint32_t kind, const void *addr,
		  const void *pc, int rc)
{
	if (trace_pop(t, kind, (uintptr_t)addr, (uintptr_t)pc))
		trace_drain(t);
	rt_leave();
	return rc;
}

int rt_event_owner(struct eng_thread *t, uint32_t op, uint32_t kind,
		   uint32_t flags, const void *addr, int32_t owner_tid,
		   const void *pc)
{
	struct coffman_event ev = {
		.op = op,
		.kind = kind,
		.flags = flags,
		.addr = (uint64_t)(uintptr_t)addr,
		.pc = (uint64_t)(uintptr_t)pc,
		.owner_tid = owner_tid,
	};

	return engine_event(t, &ev);
}

int rt_exit_status(int status)
{
	if (rt_active && engine_error_count() > 0 && rt_own_process())
		return options.exitcode;
	return status;
}

/* The process the runtime's state belongs to. */
static pid_t rt_pid;

void rt_quiet(void)
{
	rt_active = 0;
	rt_busy = 1;
	rt_thread = NULL;
	__atomic_store_n(&trace_enabled, 0, __ATOMIC_RELAXED);
}

bool rt_own_process(void)
{
	return rt_active && getpid() == rt_pid;
}

static void fork_prepare(void)
{
	rt_busy = 1;
	rt_trace_flush(); /* before the engine's locks: it takes buffer locks */
	/* Reports are symbolised with no engine lock held: this order
	 * (symboliser, then engine) is the only one there is. */
	symbolize_fork_prepare();
	engine_fork_prepare();
}

static void fork_parent(void)
{
	engine_fork_parent();
	symbolize_fork_done();
	rt_busy = 0;
}

static void fork_child(void)
{
	rt_pid = getpid();
	engine_fork_child(rt_thread, rt_pid);
	symbolize_fork_done();
	stack_fork_child();
	watchdog_started = 0; /* it did not survive the fork */
	watchdog_tid = 0;
	watchdog_stop = 0;
	if (rt_thread)
		rt_thread->tid = gettid();
	rt_trace_fork_child(out_fd(&text_out));
	rt_busy = 0;
}

/*
 * A report that shows the program's own allocator at work (a thread that
 * blocked inside malloc, say, in a fork child whose allocator lock was
 * held by a thread that is gone) is made while its locks may be held:
 * symbolise it without allocating.
 */
static void report_begin(const struct report *r)
{
	if (report_any_pc(r, stackdepot_get, symbolize_in_allocator))
		symbolize_plain(true);
}

static void report_end(void)
{
	symbolize_plain(false);
}

unsigned rt_glibc_mutex_kinds;

void rt_glibc_mutex_init(void)
{
	const char *v = gnu_get_libc_version(), *tun = getenv("GLIBC_TUNABLES");
	char *end;
	long major = strtol(v, &end, 10), minor;

	minor = *end == '.' ? strtol(end + 1, NULL, 10) : 0;
	if (major != 2 || minor < 27 ||
	    (tun && strstr(tun, "glibc.elision.enable")))
		return;
	rt_glibc_mutex_kinds = 1u << PTHREAD_MUTEX_TIMED_NP |
			       1u << PTHREAD_MUTEX_ADAPTIVE_NP;
}

void rt_glibc_mutex_wake(int *word, int op)
{
	int saved = errno;

	syscall(SYS_futex, word, op, 1, NULL, NULL, 0);
	errno = saved;
}

__attribute__((constructor)) static void rt_init(void)
{
	static const struct engine_hooks hooks = {
		.capture_stack = rt_capture_stack,
		.symbolize = symbolize_pc,
		.data_name = data_name,
		.emit = emit,
		.fatal = fatal,
		.now_ns = now_ns,
		.on_block = watchdog_on_block,
		.report_begin = report_begin,
		.report_end = report_end,
	};
	const char *env;
	int i;

	rt_busy = 1;
	real_resolve();
	options_defaults(&options);
	env = getenv("COFFMAN_OPTIONS");
	if (env)
		options_parse(&options, env, bad_option, NULL);
	if (getenv("COFFMAN_ABORT") && getenv("COFFMAN_ABORT")[0] == '1')
		options.on_deadlock = ON_DEADLOCK_ABORT;
	rt_spin = options.spin;
	rt_glibc_mutex_init();
	out_set(&text_out,
		options.log[0] ? open_out("log", options.log) : -1);
	if (!text_out.ok)
		out_set(&text_out, 2);
	if (options.json[0])
		out_set(&json_out, open_out("json", options.json));
	stack_init();
	symbolize_init_allocator();
	rt_pid = getpid();
	engine_init(&options, &hooks, (int)rt_pid);
	for (i = 0; i < n_bad_options; i++)
		engine_report_bad_option(bad_options[i]);
	if (options.suppressions[0])
		load_suppressions(options.suppressions);
	if (options.claims[0] && options.banker != BANKER_OFF)
		load_claims(options.claims);
	if (options.trace[0])
		rt_trace_start(options.trace, false, out_fd(&text_out));
	if (pthread_key_create(&exit_key, key_dtor) == 0)
		exit_key_ok = 1;
	pthread_atfork(fork_prepare, fork_parent, fork_child);
	rt_active = 1;
	rt_busy = 0;
	if (!rt_thread) {
		rt_busy = 1;
		rt_attach();
		rt_busy = 0;
	}
}

__attribute__((destructor)) static void rt_fini(void)
{
	if (!rt_own_process())
		return;
	rt_trace_final(TRACE_END_EXIT);
	if (options.verbosity >= 2) {
		char line[512], stats[320];
		int n;

		engine_stats_line(stats, sizeof(stats));
		n = snprintf(line, sizeof(line),
			     "coffman: pid %d: %d report(s), %d error(s)\n"
			     "coffman: pid %d: %s\n",
			     (int)getpid(), engine_report_count(),
			     engine_error_count(), (int)getpid(), stats);

		if (n > 0 && out_fd(&text_out) >= 0)
			write_all(text_out.fd, line, (size_t)n);
	}
	{
		/* Let the watchdog finish writing what it found. */
		struct timespec ms10 = { 0, 10 * 1000000L };
		int i;

		for (i = 0; i < 200 && engine_busy(); i++)
			nanosleep(&ms10, NULL);
	}
	if (options.verbosity >= 1) {
		static char table[8192];
		size_t n = engine_summary(table, sizeof(table));

		if (n && out_fd(&text_out) >= 0)
			write_all(text_out.fd, table, n);
	}
	if (engine_error_count() > 0) {
		/* Like the sanitizers: an error makes the exit status
		 * 'exitcode'. Flush the program's stdio first, since
		 * _exit skips it. */
		fflush(NULL);
		R(_exit)(options.exitcode);
	}
}
