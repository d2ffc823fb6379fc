/* SPDX-License-Identifier: MIT */
/*
 * barrier_reinit_waited_reported.c - "early" waits at a barrier of two
 * parties, and main initialises the barrier again instead of arriving:
 * early waits for a round that is gone. Reported at the second init,
 * with both lines; main then ends the process.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=destroy-waited severity=error lines=@again,@arrive threads=main,early objects=gate
 * EXPECT stderr~=barrier initialised again while 1 thread waits at it
 */
#include <sys/syscall.h>
#include <time.h>

#include "check.h"

static pthread_barrier_t gate;
static pid_t tid;

/* True once thread tid sleeps in a futex wait on a word of *obj (size
 * bytes): inside the real wait, after the runtime saw it begin. */
static int asleep_on(pid_t tid, const void *obj, size_t size)
{
	char path[64], buf[256];
	unsigned long nr, arg;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	ok = fgets(buf, sizeof(buf), f) &&
	     sscanf(buf, "%lu %lx", &nr, &arg) == 2 && nr == SYS_futex &&
	     arg >= (unsigned long)obj && arg < (unsigned long)obj + size;
	fclose(f);
	return ok;
}

static void *early(void *arg)
{
	(void)arg;
	pthread_setname_np(pthread_self(), "early");
	__atomic_store_n(&tid, gettid(), __ATOMIC_RELEASE);
	pthread_barrier_wait(&gate); /* @arrive */
	return NULL;
}

int main(void)
{
	struct timespec ms = { 0, 1000000L };
	pthread_t e;
	int i;

	pthread_setname_np(pthread_self(), "main");
	CHECK_EQ(pthread_barrier_init(&gate, NULL, 2), 0);
	CHECK_EQ(pthread_create(&e, NULL, early, NULL), 0);
	/* early asleep inside the barrier's wait */
	for (i = 0; i < 5000; i++) {
		pid_t e1 = __atomic_load_n(&tid, __ATOMIC_ACQUIRE);

		if (e1 && asleep_on(e1, &gate, sizeof(gate)))
			break;
		nanosleep(&ms, NULL);
	}
	CHECK(i < 5000);
	CHECK_EQ(pthread_barrier_init(&gate, NULL, 2), 0); /* @again */
	CHECK_EQ(preload_reports(), 1);
	CHECK_EQ(coffman_error_count(), 1);
	return 0; /* early still waits */
}
