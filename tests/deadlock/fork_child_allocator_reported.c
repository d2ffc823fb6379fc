/* SPDX-License-Identifier: MIT */
/*
 * fork_child_allocator_reported.c - the classic hang of fork in a threaded
 * program: a thread holds the allocator's lock (the program's own malloc,
 * as with jemalloc or tcmalloc) when main forks, and the child's first
 * malloc waits for a lock whose owner does not exist in it. The child's
 * deadlock is reported, although its thread is inside the allocator with
 * the allocator's lock to take: the report is symbolised without
 * allocating (addresses, modules and exported names), where libdw would
 * have allocated, re-entering the allocator (this one stops the program
 * then; a real one would hang without a report). on_deadlock=exit ends
 * the child with 66; main checks that and exits 0.
 *
 * EXPECT options=on_deadlock=exit
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=deadlock severity=error
 * EXPECT stderr~=has exited without unlocking it
 * EXPECT stderr~=in malloc
 * EXPECT stderr!~=re-entered
 * EXPECT stderr!~=NOT REACHED
 */
#include <sys/wait.h>

#include "dl.h"
#include "own_allocator.h"

static volatile int holding;

static void *holder(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_mutex_lock(&heap_lock), 0);
	holding = 1;
	dl_sleep_ms(2000);
	CHECK_EQ(pthread_mutex_unlock(&heap_lock), 0);
	return NULL;
}

int main(void)
{
	pthread_t t;
	pid_t child;
	int status;

	dl_bound(5);
	CHECK_EQ(pthread_create(&t, NULL, holder, NULL), 0);
	while (!holding)
		dl_sleep_ms(1);
	child = fork();
	CHECK(child >= 0);
	if (child == 0) {
		char *volatile p;

		alarm(3);
		p = malloc(10);
		fprintf(stderr, "NOT REACHED: the child got memory at %p\n",
			(void *)p);
		_exit(1);
	}
	CHECK_EQ(waitpid(child, &status, 0), child);
	CHECK(WIFEXITED(status));
	CHECK_EQ(WEXITSTATUS(status), 66);
	CHECK_EQ(pthread_join(t, NULL), 0);
	return 0;
}
