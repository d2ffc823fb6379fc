/* SPDX-License-Identifier: MIT */
/*
 * sem_condition_waiter_silent.c - CPython's threading.Condition, in C:
 * the lock L is a binary semaphore (threading.Lock), and each wait
 * allocates a fresh "waiter lock" W, also a binary semaphore at 1:
 *
 *   wait():   (holding L) sem_trywait(W) succeeds     L -> W
 *             sem_post(L)                              release L
 *             sem_wait(W)   blocks until notify() posts W
 *             sem_wait(L)   re-acquire, "holding" W   W -> L
 *   notify(): (holding L) sem_post(W) of a waiter
 *
 * Were W a lock this is the cycle L -> W -> L. It is not: W is posted by a
 * thread that never took a unit of it, which makes it a signal. And a
 * wait that times out (Event.wait(timeout)) or only tries
 * (Event.wait(0)) re-acquires L still holding W, which nobody else ever
 * touches: W -> L in one thread, no deadlock either. The waiting thread
 * itself shows W is no lock: it waits (or tries) for a unit it holds,
 * which only another thread's post could give it.
 *
 * A thread times out twenty times; then two threads ping-pong through
 * two conditions on one lock. Nothing is reported. Acquisitions are
 * trywait-first, as CPython's Lock.acquire().
 *
 * EXPECT exit=0
 * EXPECT reports=0
 * EXPECT stderr!~=coffman:
 */
#include <errno.h>
#include <semaphore.h>
#include <stdlib.h>

#include "prim.h"

#define ROUNDS 300

struct waiter {
	sem_t sem;
	struct waiter *next;
};

struct condition {
	struct waiter *head, *tail; /* under lock_l */
};

static sem_t lock_l;
static struct condition c_ping, c_pong;
static int turn; /* under lock_l: 0 ping's, 1 pong's */

/* threading.Lock.acquire(): try, then block. */
static void lock_acquire(sem_t *s)
{
	if (sem_trywait(s) == 0)
		return;
	CHECK_EQ(errno, EAGAIN);
	CHECK_EQ(sem_wait(s), 0);
}

static void lock_release(sem_t *s)
{
	CHECK_EQ(sem_post(s), 0);
}

static void cond_remove(struct condition *c, struct waiter *w)
{
	struct waiter **p, *prev = NULL;

	for (p = &c->head; *p; prev = *p, p = &(*p)->next) {
		if (*p == w) {
			*p = w->next;
			if (c->tail == w)
				c->tail = prev;
			return;
		}
	}
}

/*
 * Condition.wait(timeout), called holding lock_l: timeout_ms < 0 waits
 * until notified, 0 only tries (waiter.acquire(False)), > 0 gives up
 * after that long (waiter.acquire(True, timeout): try, then
 * sem_clockwait). Returns whether it was notified.
 */
static int cond_wait(struct condition *c, long timeout_ms)
{
	struct waiter *w = calloc(1, sizeof(*w));
	struct timespec ts;
	int gotit;

	CHECK(w != NULL);
	CHECK_EQ(sem_init(&w->sem, 0, 1), 0);
	CHECK_EQ(sem_trywait(&w->sem), 0); /* waiter.acquire() */
	if (c->tail)
		c->tail->next = w;
	else
		c->head = w;
	c->tail = w;
	lock_release(&lock_l); /* _release_save() */
	if (timeout_ms < 0) {
		lock_acquire(&w->sem); /* until notified */
		gotit = 1;
	} else {
		gotit = sem_trywait(&w->sem) == 0;
		if (!gotit && timeout_ms > 0) {
			CHECK_EQ(errno, EAGAIN);
			ts = deadline_on(CLOCK_MONOTONIC, timeout_ms);
			gotit = sem_clockwait(&w->sem, CLOCK_MONOTONIC,
					      &ts) == 0;
			CHECK(gotit || errno == ETIMEDOUT);
		}
	}
	lock_acquire(&lock_l); /* _acquire_restore(), holding w */
	if (!gotit) {
		cond_remove(c, w);
		/* The lock object's dealloc: release, then free. */
		CHECK_EQ(sem_post(&w->sem), 0);
	}
	/* A notifier posted w before it released lock_l: gone now. */
	CHECK_EQ(sem_destroy(&w->sem), 0);
	free(w);
	return gotit;
}

/* Condition.notify(), called holding lock_l. */
static void cond_notify(struct condition *c)
{
	struct waiter *w = c->head;

	if (!w)
		return;
	c->head = w->next;
	if (!c->head)
		c->tail = NULL;
	CHECK_EQ(sem_post(&w->sem), 0); /* waiter.release() */
}

static void player(int me, struct condition *mine, struct condition *other)
{
	int i;

	for (i = 0; i < ROUNDS; i++) {
		lock_acquire(&lock_l);
		while (turn != me)
			cond_wait(mine, -1);
		turn = !me;
		cond_notify(other);
		lock_release(&lock_l);
	}
}

static void ping(void)
{
	player(0, &c_ping, &c_pong);
}

static void *pong(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "pong"), 0);
	player(1, &c_pong, &c_ping);
	return NULL;
}

static void *ping_thread(void *arg)
{
	(void)arg;
	CHECK_EQ(pthread_setname_np(pthread_self(), "ping"), 0);
	ping();
	return NULL;
}

/* Event.wait(timeout) / Event.wait(0) with nobody to notify. */
static void timeouts(void)
{
	static struct condition idle;
	int i;

	for (i = 0; i < 20; i++) {
		lock_acquire(&lock_l);
		CHECK(!cond_wait(&idle, 2));
		CHECK(!cond_wait(&idle, 0));
		lock_release(&lock_l);
	}
	CHECK(idle.head == NULL);
}

int main(void)
{
	pthread_t a, b;

	CHECK_EQ(sem_init(&lock_l, 0, 1), 0);
	run_named("timeouts", timeouts);
	CHECK_EQ(preload_reports(), 0);
	CHECK_EQ(pthread_create(&b, NULL, pong, NULL), 0);
	CHECK_EQ(pthread_create(&a, NULL, ping_thread, NULL), 0);
	CHECK_EQ(pthread_join(a, NULL), 0);
	CHECK_EQ(pthread_join(b, NULL), 0);
	CHECK(c_ping.head == NULL && c_pong.head == NULL);
	CHECK_EQ(sem_destroy(&lock_l), 0);
	CHECK_EQ(preload_reports(), 0);
	return 0;
}
