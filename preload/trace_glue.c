/* SPDX-License-Identifier: MIT */
/* trace_glue.c - the trace file of the live runtime and when it is flushed. */
#include "trace_glue.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "coffman/trace.h"
#include "lock.h"
#include "options.h"
#include "runtime.h"
#include "trace_write.h"

#define NAME_TRIES 8	  /* .1 .. .8 after the plain names */
#define MODULES_SEEN 1024 /* modules remembered, to add only new ones */

static char opt_path[OPT_PATH_MAX]; /* the option, for fork children */
static char exe_path[4096];	    /* /proc/self/exe */
static char file_name[OPT_PATH_MAX + 64]; /* the file being written */
static int started;		    /* a trace was started in this image */
static int say_fd = -1;		    /* where our one-line messages go */
static int failure_said;	    /* the write failure was reported */

struct module_key {
	uint64_t base;	    /* dlpi_addr */
	uint64_t path_hash; /* FNV-1a of the path */
};

static struct eng_lock module_lock = ENG_LOCK_INIT;
static struct module_key modules_seen[MODULES_SEEN];
static int n_modules_seen;

static const int fatal_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE,
				     SIGABRT };
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
static struct sigaction prev_action[N_FATAL];

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void say(int fd, const char *what, const char *path, int err)
{
	char line[OPT_PATH_MAX + 160];
	int n = snprintf(line, sizeof(line), "coffman: trace: %s %s: %s\n",
			 what, path, strerror(err));

	if (fd >= 0 && n > 0)
		(void)!write(fd, line, (size_t)n < sizeof(line) ? (size_t)n
							    : sizeof(line) - 1);
}

/* ---- choosing the file --------------------------------------------------- */

/* When this process started, on the CLOCK_MONOTONIC scale; 0 unknown. */
static uint64_t process_start_ns(void)
{
	char buf[1024], *p;
	unsigned long long ticks = 0;
	long hz = sysconf(_SC_CLK_TCK);
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC), field;
	ssize_t n;
	uint64_t boot, mono;

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0 || hz <= 0)
		return 0;
	buf[n] = 0;
	/* Field 22, starttime, counted after the ")" that ends the name. */
	p = strrchr(buf, ')');
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return 0;
	ticks = strtoull(p + 1, NULL, 10);
	/* starttime is on the boot-time scale, which counts suspend too. */
	boot = clock_ns(CLOCK_BOOTTIME);
	mono = clock_ns(CLOCK_MONOTONIC);
	return ticks * (1000000000ull / (uint64_t)hz) - (boot - mono);
}

/*
 * The file holds a trace an earlier image of this same process wrote
 * before it exec'd us: same pid, started after the process did. (A file
 * left by an older process that had our pid started before we did.)
 */
static bool written_by_this_process(int fd)
{
	struct coffman_trace_header h;
	uint64_t since;

	if (pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h.magic, COFFMAN_TRACE_MAGIC, sizeof(h.magic)) != 0 ||
	    h.pid != (uint32_t)getpid())
		return false;
	since = process_start_ns();
	return since && h.start_ns >= since;
}

/*
 * Open path for a new trace: -EBUSY if another live process writes it
 * (it holds an exclusive flock until it ends), -EEXIST if an earlier image
 * of this process wrote it; else the descriptor, emptied and locked.
 */
static int claim(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644), err;
	struct stat st;

	if (fd < 0 && errno == EACCES) /* write-only is enough */
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	/* A device or a pipe (/dev/null, a FIFO) is shared by design. */
	if (fstat(fd, &st) == 0 && !S_ISREG(st.st_mode))
		return fd;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		close(fd);
		return -EBUSY;
	}
	if (written_by_this_process(fd)) {
		close(fd);
		return -EEXIST;
	}
	/* Not O_TRUNC at open: that would cut the file of whoever holds it. */
	if (ftruncate(fd, 0) < 0) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static bool is_regular_or_absent(const char *path)
{
	struct stat st;

	return stat(path, &st) != 0 || S_ISREG(st.st_mode);
}

/* Append ".<n>" to path (in place, if it fits). */
static bool add_suffix(char *path, size_t len, long n)
{
	size_t used = strlen(path);
	int k = snprintf(path + used, len - used, ".%ld", n);

	return k > 0 && (size_t)k < len - used;
}

/*
 * Claim the first usable name: PATH with %p expanded (PATH.<pid> for a
 * fork child when there is no %p), PATH.<pid> when PATH is taken, then
 * .1, .2, ... The name is left in path.
 */
static int open_trace(const char *opt, bool child, char *path, size_t len)
{
	bool has_pid = strstr(opt, "%p") != NULL;
	long pid = (long)getpid();
	int fd, i;

	rt_expand_path(opt, path, len);
	if (!is_regular_or_absent(path))
		return claim(path); /* /dev/null, a FIFO: shared as given */
	if (child && !has_pid && !add_suffix(path, len, pid))
		return -ENAMETOOLONG;
	fd = claim(path);
	if (fd >= 0 || (fd != -EBUSY && fd != -EEXIST))
		return fd;
	if (!child && !has_pid) {
		if (!add_suffix(path, len, pid))
			return -ENAMETOOLONG;
		fd = claim(path);
		if (fd >= 0 || (fd != -EBUSY && fd != -EEXIST))
			return fd;
	}
	for (i = 1; i <= NAME_TRIES; i++) {
		size_t base = strlen(path);

		if (!add_suffix(path, len, i))
			return -ENAMETOOLONG;
		fd = claim(path);
		if (fd >= 0 || (fd != -EBUSY && fd != -EEXIST))
			return fd;
		path[base] = 0;
	}
	return fd;
}

/* Keep the descriptor out of the program's way, like the other outputs. */
static int high_fd(int fd)
{
	int h = fcntl(fd, F_DUPFD_CLOEXEC, 900);

	if (h < 0)
		return fd;
	close(fd);
	return h;
}

/* ---- modules ------------------------------------------------------------- */

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

/* True if (base, path) is recorded already; else remember it. */
static bool module_seen(uint64_t base, const char *path)
{
	struct module_key k = { base, fnv1a(path) };
	int i;

	for (i = 0; i < n_modules_seen; i++)
		if (modules_seen[i].base == k.base &&
		    modules_seen[i].path_hash == k.path_hash)
			return true;
	if (n_modules_seen < MODULES_SEEN)
		modules_seen[n_modules_seen++] = k;
	return false; /* beyond the table: recorded again, which is fine */
}

/* The GNU build id in a PT_NOTE segment, or 0. */
static uint8_t build_id_of(const struct dl_phdr_info *info,
			   const ElfW(Phdr) *ph, const uint8_t **id)
{
	const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
	const uint8_t *end = p + ph->p_memsz;
	size_t align = ph->p_align == 8 ? 8 : 4;

	while (p + sizeof(ElfW(Nhdr)) <= end) {
		ElfW(Nhdr) nh;
		const uint8_t *name, *desc;

		memcpy(&nh, p, sizeof(nh));
		name = p + sizeof(nh);
		desc = name + ((nh.n_namesz + align - 1) & ~(align - 1));
		if (desc + nh.n_descsz > end)
			break;
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    memcmp(name, "GNU", 4) == 0) {
			*id = desc;
			return nh.n_descsz > 255 ? 255 : (uint8_t)nh.n_descsz;
		}
		p = desc + ((nh.n_descsz + align - 1) & ~(align - 1));
	}
	return 0;
}

static int module_cb(struct dl_phdr_info *info, size_t size, void *ctx)
{
	int *index = ctx;
	const char *path = info->dlpi_name ? info->dlpi_name : "";
	uint64_t lo = UINT64_MAX, hi = 0;
	const uint8_t *id = NULL;
	uint8_t id_len = 0;
	int i;

	(void)size;
	/* The first entry is the program, named "" by the loader. */
	if (!path[0] && (*index)++ == 0)
		path = exe_path;
	for (i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD) {
			if (ph->p_vaddr < lo)
				lo = ph->p_vaddr;
			if (ph->p_vaddr + ph->p_memsz > hi)
				hi = ph->p_vaddr + ph->p_memsz;
		} else if (ph->p_type == PT_NOTE && !id_len) {
			id_len = build_id_of(info, ph, &id);
		}
	}
	if (lo == UINT64_MAX || module_seen(info->dlpi_addr, path))
		return 0;
	trace_module(path, info->dlpi_addr, info->dlpi_addr + lo,
		     info->dlpi_addr + hi, id, id_len);
	return 0;
}

/* Record every loaded object not recorded yet. */
static void record_modules(void)
{
	int index = 0;

	eng_lock(&module_lock);
	dl_iterate_phdr(module_cb, &index);
	eng_unlock(&module_lock);
}

/* ---- fatal signals ------------------------------------------------------- */

static void on_fatal_signal(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;
	size_t i;

	(void)uc;
	/* The previous action back first: a fault while flushing takes it. */
	for (i = 0; i < N_FATAL; i++)
		if (fatal_signals[i] == sig)
			sigaction(sig, &prev_action[i], NULL);
	if (__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED))
		trace_flush_all();
	errno = saved;
	/*
	 * A fault returns to the faulting instruction, which faults again
	 * into the previous action with its own siginfo. A signal that was
	 * sent (kill, raise, abort) is sent again.
	 */
	if (sig == SIGABRT || !si || si->si_code <= 0)
		raise(sig);
}

static void catch_fatal_signals(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	/* NODEFER: the re-raise inside the handler must be delivered. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
	for (i = 0; i < N_FATAL; i++)
		sigaction(fatal_signals[i], &sa, &prev_action[i]);
}

/* ---- start, flush -------------------------------------------------------- */

int rt_trace_start(const char *path, bool child, int err_fd)
{
	const char *opts;
	char *name = file_name;
	ssize_t n;
	int fd, rc;

	say_fd = err_fd;
	if (path != opt_path)
		snprintf(opt_path, sizeof(opt_path), "%s", path);
	if (!exe_path[0]) {
		n = readlink("/proc/self/exe", exe_path, sizeof(exe_path) - 1);
		exe_path[n > 0 ? n : 0] = 0;
	}
	fd = open_trace(opt_path, child, name, sizeof(file_name));
	if (fd < 0) {
		say(err_fd, "cannot open", name, -fd);
		return fd;
	}
	fd = high_fd(fd);
	rc = trace_start(fd, (uint32_t)getpid(), (uint32_t)getppid(),
			 exe_path, clock_ns(CLOCK_MONOTONIC),
			 clock_ns(CLOCK_REALTIME));
	if (rc < 0) {
		say(err_fd, "cannot write", name, -rc);
		close(fd);
		return rc;
	}
	n_modules_seen = 0;
	record_modules();
	/* The thresholds an offline replay must use to agree with us. */
	opts = getenv("COFFMAN_OPTIONS");
	if (opts)
		trace_options(opts);
	/* The module map goes out now: a trace cut short still has it. */
	trace_flush_all();
	if (!started)
		catch_fatal_signals();
	started = 1;
	return 0;
}

/* One line when a write failed (disk full...) and tracing stopped. */
static void say_failure(void)
{
	int err = trace_error();

	if (started && err && !failure_said) {
		failure_said = 1;
		say(say_fd, "stopped writing", file_name, err);
	}
}

void rt_trace_modules(void)
{
	int busy = rt_busy;

	if (__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED)) {
		rt_busy = 1;
		record_modules();
		rt_busy = busy;
	}
}

void rt_trace_final(uint32_t reason)
{
	int busy = rt_busy;

	if (__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED)) {
		rt_busy = 1;
		record_modules();
		trace_finish(reason, clock_ns(CLOCK_MONOTONIC));
		rt_busy = busy;
	}
	say_failure();
}

void rt_trace_leaving(uint32_t reason)
{
	if (!rt_own_process())
		return; /* quiet: the buffers are the parent's */
	if (rt_busy)
		rt_trace_flush();
	else
		rt_trace_final(reason);
}

void rt_trace_flush(void)
{
	if (__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED))
		trace_flush_all();
}

/* What thread t held at the fork, as acquisitions that could not block. */
static void trace_holdings(struct eng_thread *t)
{
	int i;
	uint32_t k;

	for (i = 0; i < t->depth && i < HELD_MAX; i++) {
		const struct held *h = &t->held[i];
		struct coffman_event ev = {
			.op = OP_ACQUIRED,
			.kind = h->kind,
			.mode = h->mode,
			.flags = EVF_TRY,
			.addr = h->addr,
			.pc = h->pc,
		};

		for (k = 0; k < h->count; k++)
			trace_event(t, &ev, h->stack);
	}
}

/* One of the parent's other threads: it does not exist in the child, but
 * what it held stays locked there for good. */
static void trace_gone_holder(void *ctx, struct eng_thread *u)
{
	struct coffman_event ev = {
		.op = OP_THREAD_EXIT,
		.kind = KIND_NONE,
		.flags = EVF_FORK_GONE,
	};

	if (u == ctx || u->depth <= 0)
		return;
	trace_holdings(u);
	trace_event(u, &ev, 0);
}

void rt_trace_fork_child(int err_fd)
{
	struct eng_thread *t = rt_thread;

	if (!started)
		return;
	trace_after_fork(t);
	eng_lock_reset(&module_lock);
	failure_said = 0;
	if (rt_trace_start(opt_path, true, err_fd) < 0 || !t)
		return;
	/*
	 * The child's trace starts here, but the forking thread still holds
	 * what it held: say so, as acquisitions that could not block, or an
	 * offline replay would see its later unlocks as unlock-not-owned.
	 * So do the threads the fork left behind, which hold theirs for
	 * good (a lock of theirs is a deadlock with an exited owner).
	 */
	trace_holdings(t);
	threads_for_each(trace_gone_holder, t);
}
