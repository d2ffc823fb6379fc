/* SPDX-License-Identifier: MIT */
/*
 * starvation.c - a thread that never gets its turn: readers that keep a
 * reader-preferring rwlock busy between them lock out a writer for as long
 * as they like, though nothing is deadlocked and everyone else progresses.
 *
 *   starvation          three readers take turns holding the default
 *                       (reader-preferring) glibc rwlock, always at least
 *                       one at a time; the writer asks for it with a 1 s
 *                       timeout, and times out.
 *   starvation --fixed  the same with a writer-preferring rwlock: once the
 *                       writer waits, new readers queue behind it, and the
 *                       writer gets in as soon as the current readers leave.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "demo.h"

#define READERS	   3	/* enough that one always holds the lock */
#define READ_US	   3000 /* each read-side critical section */
#define WRITER_MS  1000 /* how long the writer is prepared to wait */
#define WARM_UP_MS 20	/* readers get going before the writer asks */

struct reader {
	int id;
	long reads; /* read locks taken */
	pthread_t thread;
};

static pthread_rwlock_t rwlock;
static atomic_bool stop; /* set when the writer has finished waiting */
static bool writer_first;

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	char name[16];

	snprintf(name, sizeof(name), "reader-%d", r->id);
	demo_name_self(name);
	/* Stagger the readers, so their read sections overlap. */
	demo_sleep_us((long)r->id * READ_US / READERS);
	while (!atomic_load(&stop)) {
		CHECK(pthread_rwlock_rdlock(&rwlock));
		r->reads++;
		demo_sleep_us(READ_US);
		CHECK(pthread_rwlock_unlock(&rwlock));
		/* Straight back in: the greedy part. */
	}
	return NULL;
}

/* Sets *arg to how long the writer waited for the lock, -1 if it gave up. */
static void *writer_main(void *arg)
{
	long long *waited = arg;
	struct timespec deadline;
	long long start;
	int rc;

	demo_name_self("writer");
	demo_sleep_ms(WARM_UP_MS);
	deadline = demo_deadline(WRITER_MS);
	start = demo_now_ms();
	rc = pthread_rwlock_timedwrlock(&rwlock, &deadline);
	if (rc == ETIMEDOUT) {
		*waited = -1;
		return NULL;
	}
	CHECK(rc);
	*waited = demo_now_ms() - start;
	CHECK(pthread_rwlock_unlock(&rwlock));
	return NULL;
}

int main(int argc, char **argv)
{
	struct reader readers[READERS];
	pthread_rwlockattr_t attr;
	pthread_t w;
	long long waited;
	long reads = 0;

	demo_line_buffered();
	if (argc == 2 && strcmp(argv[1], "--fixed") == 0) {
		writer_first = true;
	} else if (argc != 1) {
		fprintf(stderr, "usage: starvation [--fixed]\n");
		return 2;
	}

	CHECK(pthread_rwlockattr_init(&attr));
	if (writer_first) {
		/*
		 * glibc ignores PTHREAD_RWLOCK_PREFER_WRITER_NP (it behaves
		 * as reader-preferring); only the NONRECURSIVE kind makes
		 * waiting writers block new readers.
		 */
		CHECK(pthread_rwlockattr_setkind_np(
			&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP));
		printf("starvation --fixed: a writer-preferring rwlock. Once "
		       "the writer waits,\nnew readers wait behind it; it gets "
		       "in when the current readers leave.\n");
	} else {
		printf("starvation: %d readers keep glibc's default "
		       "rwlock busy, at least one of\nthem holding it at any "
		       "moment. The default prefers readers, so a new\nreader "
		       "gets in even while a writer waits - and the writer "
		       "never does.\nThe writer gives up after %d ms.\n",
		       READERS, WRITER_MS);
	}
	CHECK(pthread_rwlock_init(&rwlock, &attr));
	CHECK(pthread_rwlockattr_destroy(&attr));

	for (int i = 0; i < READERS; i++) {
		readers[i] = (struct reader){ .id = i };
		CHECK(pthread_create(&readers[i].thread, NULL, reader_main,
				     &readers[i]));
	}
	CHECK(pthread_create(&w, NULL, writer_main, &waited));
	CHECK(pthread_join(w, NULL));
	atomic_store(&stop, true);
	for (int i = 0; i < READERS; i++) {
		CHECK(pthread_join(readers[i].thread, NULL));
		reads += readers[i].reads;
	}
	CHECK(pthread_rwlock_destroy(&rwlock));

	if (waited < 0)
		printf("  writer starved: no write lock in %d ms, while the "
		       "readers took %ld\n  read locks. Nothing was "
		       "deadlocked; the writer just never got a turn.\n",
		       WRITER_MS, reads);
	else
		printf("  writer got the lock after %lld ms; the readers took "
		       "%ld read locks\n  in all. Fairness to writers costs "
		       "readers a short wait.\n",
		       waited, reads);
	return 0;
}
