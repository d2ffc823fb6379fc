/* SPDX-License-Identifier: MIT */
/*
 * conditions.c - the four Coffman conditions, one subcommand each: what the
 * condition looks like in pthread code, and what removing it looks like.
 *
 * A deadlock needs all four at once (Coffman, Elphick and Shoshani, 1971):
 *   mutual exclusion  a resource is held by one thread at a time;
 *   hold and wait     a thread holds one resource while waiting for another;
 *   no preemption     a resource cannot be taken back, only given up;
 *   circular wait     a cycle of threads, each waiting for the next one's.
 * Break any one of them and that deadlock cannot happen.
 *
 * Run without arguments for the list of subcommands. None of them hangs.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "demo.h"

#define ME_THREADS    3	    /* mutual-exclusion: threads wanting the lock */
#define ME_HOLD_MS    50    /* ... each holding it this long */
#define HW_HOLD_MS    300   /* hold-and-wait: how long "holder" keeps B */
#define HW_LATE_MS    20    /* ... "bystander" arrives this much later */
#define HW_BACKOFF_MS 5	    /* ... the fix's pause after a busy trylock */
#define HW_TRY_MAX    1000  /* ... and its bound on attempts */
#define NP_TIMEOUT_MS 200   /* no-preemption: how long "right" waits for A */
#define NP_ATTEMPTS   5	    /* ... before it gives up entirely */
#define CW_TRANSFERS  20000 /* circular-wait: transfers per thread */

/* ---- mutual exclusion --------------------------------------------------- */

static pthread_mutex_t me_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t me_rwlock = PTHREAD_RWLOCK_INITIALIZER;
static atomic_int me_inside;	  /* threads inside the critical section */
static atomic_int me_most_inside; /* the largest me_inside seen */

/* Two read-write locks taken in opposite orders, in read (shared) mode. */
static pthread_rwlock_t me_ra = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t me_rb = PTHREAD_RWLOCK_INITIALIZER;
static pthread_barrier_t me_both_hold_one;

/* Count ourselves in, stay a while, count ourselves out; keep the peak. */
static void me_critical_section(void)
{
	int now = atomic_fetch_add(&me_inside, 1) + 1;
	int most = atomic_load(&me_most_inside);

	while (now > most &&
	       !atomic_compare_exchange_weak(&me_most_inside, &most, now))
		;
	demo_sleep_ms(ME_HOLD_MS);
	atomic_fetch_sub(&me_inside, 1);
}

static void *me_mutex_holder(void *arg)
{
	(void)arg;
	CHECK(pthread_mutex_lock(&me_mutex));
	me_critical_section();
	CHECK(pthread_mutex_unlock(&me_mutex));
	return NULL;
}

static void *me_reader(void *arg)
{
	(void)arg;
	CHECK(pthread_rwlock_rdlock(&me_rwlock));
	me_critical_section();
	CHECK(pthread_rwlock_unlock(&me_rwlock));
	return NULL;
}

static void me_measure(const char *what, void *(*fn)(void *))
{
	pthread_t t[ME_THREADS];
	long long start = demo_now_ms();

	atomic_store(&me_inside, 0);
	atomic_store(&me_most_inside, 0);
	for (int i = 0; i < ME_THREADS; i++)
		CHECK(pthread_create(&t[i], NULL, fn, NULL));
	for (int i = 0; i < ME_THREADS; i++)
		CHECK(pthread_join(t[i], NULL));
	printf("  %-22s at most %d of %d inside at once, %lld ms in all\n",
	       what, atomic_load(&me_most_inside), ME_THREADS,
	       demo_now_ms() - start);
}

struct me_abba {
	const char *name;	  /* "left" or "right" */
	pthread_rwlock_t *first;  /* read-locked first ... */
	pthread_rwlock_t *second; /* ... and this one while holding it */
};

/* abba.c's deadly interleaving, but every acquisition is shared. */
static void *me_abba_reader(void *arg)
{
	const struct me_abba *w = arg;

	demo_name_self(w->name);
	CHECK(pthread_rwlock_rdlock(w->first));
	demo_barrier_wait(&me_both_hold_one);
	/* The other thread holds 'second', but only for reading. */
	CHECK(pthread_rwlock_rdlock(w->second));
	CHECK(pthread_rwlock_unlock(w->second));
	CHECK(pthread_rwlock_unlock(w->first));
	return NULL;
}

static void mutual_exclusion(void)
{
	struct me_abba left = { "left", &me_ra, &me_rb };
	struct me_abba right = { "right", &me_rb, &me_ra };
	pthread_t l, r;

	printf("mutual-exclusion: a mutex admits one holder at a time; a "
	       "read-write lock\ntaken for reading admits any number. %d "
	       "threads each hold the lock %d ms:\n",
	       ME_THREADS, ME_HOLD_MS);
	me_measure("mutex:", me_mutex_holder);
	me_measure("rwlock, read mode:", me_reader);

	printf("A resource nobody has to wait for cannot be part of a "
	       "deadlock. Now the\nabba interleaving (\"left\" holds RA and "
	       "wants RB, \"right\" holds RB and\nwants RA, both at once) "
	       "with read locks:\n");
	CHECK(pthread_barrier_init(&me_both_hold_one, NULL, 2));
	CHECK(pthread_create(&l, NULL, me_abba_reader, &left));
	CHECK(pthread_create(&r, NULL, me_abba_reader, &right));
	CHECK(pthread_join(l, NULL));
	CHECK(pthread_join(r, NULL));
	CHECK(pthread_barrier_destroy(&me_both_hold_one));
	printf("  both finished: shared holds do not exclude, so there is "
	       "nothing to wait for.\n  (With a waiting writer, or write "
	       "locks, the exclusion and the danger return.)\n");
}

/* ---- hold and wait ------------------------------------------------------ */

static pthread_mutex_t hw_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t hw_b = PTHREAD_MUTEX_INITIALIZER;
static sem_t hw_b_taken; /* "holder" holds B */
static sem_t hw_started; /* "greedy" has started on A and B */
static bool hw_all_at_once;
static int hw_retries;		  /* the fix: busy trylocks of B */
static long long hw_bystander_ms; /* how long "bystander" waited for A */

static void *hw_holder(void *arg)
{
	(void)arg;
	demo_name_self("holder");
	CHECK(pthread_mutex_lock(&hw_b));
	CHECK_SYS(sem_post(&hw_b_taken));
	demo_sleep_ms(HW_HOLD_MS);
	CHECK(pthread_mutex_unlock(&hw_b));
	return NULL;
}

/*
 * Take both locks or neither: block only for the first, and only while
 * holding nothing; if the second is busy, give the first back and retry.
 */
static void lock_both_or_neither(pthread_mutex_t *first,
				 pthread_mutex_t *second)
{
	for (int attempt = 0; attempt < HW_TRY_MAX; attempt++) {
		int rc;

		CHECK(pthread_mutex_lock(first));
		rc = pthread_mutex_trylock(second);
		if (rc == 0)
			return;
		if (rc != EBUSY)
			CHECK(rc);
		CHECK(pthread_mutex_unlock(first));
		hw_retries++;
		demo_sleep_ms(HW_BACKOFF_MS);
	}
	CHECK(EAGAIN); /* the holder never let go: a bug, not a lesson */
}

static void *hw_greedy(void *arg)
{
	(void)arg;
	demo_name_self("greedy");
	CHECK_SYS(sem_wait(&hw_b_taken));
	if (hw_all_at_once) {
		CHECK_SYS(sem_post(&hw_started));
		lock_both_or_neither(&hw_a, &hw_b);
	} else {
		CHECK(pthread_mutex_lock(&hw_a));
		CHECK_SYS(sem_post(&hw_started));
		/* Holds A, waits for B: hold and wait. */
		CHECK(pthread_mutex_lock(&hw_b));
	}
	CHECK(pthread_mutex_unlock(&hw_b));
	CHECK(pthread_mutex_unlock(&hw_a));
	return NULL;
}

static void *hw_bystander(void *arg)
{
	long long start;

	(void)arg;
	demo_name_self("bystander");
	CHECK_SYS(sem_wait(&hw_started));
	demo_sleep_ms(HW_LATE_MS);
	start = demo_now_ms();
	CHECK(pthread_mutex_lock(&hw_a));
	hw_bystander_ms = demo_now_ms() - start;
	CHECK(pthread_mutex_unlock(&hw_a));
	return NULL;
}

static void hw_run(bool all_at_once)
{
	pthread_t h, g, b;

	hw_all_at_once = all_at_once;
	hw_retries = 0;
	CHECK_SYS(sem_init(&hw_b_taken, 0, 0));
	CHECK_SYS(sem_init(&hw_started, 0, 0));
	CHECK(pthread_create(&h, NULL, hw_holder, NULL));
	CHECK(pthread_create(&g, NULL, hw_greedy, NULL));
	CHECK(pthread_create(&b, NULL, hw_bystander, NULL));
	CHECK(pthread_join(h, NULL));
	CHECK(pthread_join(g, NULL));
	CHECK(pthread_join(b, NULL));
	CHECK_SYS(sem_destroy(&hw_b_taken));
	CHECK_SYS(sem_destroy(&hw_started));
}

static void hold_and_wait(void)
{
	printf("hold-and-wait: \"holder\" keeps lock B for %d ms. \"greedy\" "
	       "needs A and B;\n\"bystander\" needs only A.\n",
	       HW_HOLD_MS);

	hw_run(false);
	printf("  greedy locks A, then waits for B while holding A.\n"
	       "  bystander waited %lld ms for A, which greedy was not even "
	       "using.\n",
	       hw_bystander_ms);

	hw_run(true);
	printf("  Fix: all at once. greedy locks A and only *tries* B; if B "
	       "is busy it\n  releases A and retries after %d ms.\n"
	       "  bystander waited %lld ms for A; greedy found B busy %d "
	       "times, then got both.\n",
	       HW_BACKOFF_MS, hw_bystander_ms, hw_retries);
	printf("Holding nothing while waiting means a waiting thread blocks "
	       "nobody else,\nso no chain of waits - and no cycle - can form "
	       "through it.\n");
}

/* ---- no preemption ------------------------------------------------------ */

static pthread_mutex_t np_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t np_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t np_both_hold_one;

static void *np_left(void *arg)
{
	(void)arg;
	demo_name_self("left");
	CHECK(pthread_mutex_lock(&np_a));
	demo_barrier_wait(&np_both_hold_one);
	/* Waits with no time limit: B must be given up by "right". */
	CHECK(pthread_mutex_lock(&np_b));
	printf("  left  got B and finishes\n");
	CHECK(pthread_mutex_unlock(&np_b));
	CHECK(pthread_mutex_unlock(&np_a));
	return NULL;
}

static void *np_right(void *arg)
{
	(void)arg;
	demo_name_self("right");
	for (int attempt = 1; attempt <= NP_ATTEMPTS; attempt++) {
		struct timespec deadline;
		int rc;

		CHECK(pthread_mutex_lock(&np_b));
		if (attempt == 1)
			demo_barrier_wait(&np_both_hold_one);
		deadline = demo_deadline(NP_TIMEOUT_MS);
		rc = pthread_mutex_timedlock(&np_a, &deadline);
		if (rc == 0) {
			printf("  right got A on attempt %d and finishes\n",
			       attempt);
			CHECK(pthread_mutex_unlock(&np_a));
			CHECK(pthread_mutex_unlock(&np_b));
			return NULL;
		}
		if (rc != ETIMEDOUT)
			CHECK(rc);
		printf("  right timed out after %d ms waiting for A: gives B "
		       "back\n",
		       NP_TIMEOUT_MS);
		CHECK(pthread_mutex_unlock(&np_b));
		demo_sleep_ms(10);
	}
	printf("  right gave up after %d attempts\n", NP_ATTEMPTS);
	return NULL;
}

static void no_preemption(void)
{
	pthread_t l, r;

	printf("no-preemption: nobody can take a mutex away from its holder. "
	       "\"left\" holds A\nand waits for B; \"right\" holds B and "
	       "waits for A - abba's deadlock. But\nright waits with "
	       "pthread_mutex_timedlock: when the time is up it gives B\n"
	       "back itself, preempted by its own timeout.\n");
	CHECK(pthread_barrier_init(&np_both_hold_one, NULL, 2));
	CHECK(pthread_create(&l, NULL, np_left, NULL));
	CHECK(pthread_create(&r, NULL, np_right, NULL));
	CHECK(pthread_join(l, NULL));
	CHECK(pthread_join(r, NULL));
	CHECK(pthread_barrier_destroy(&np_both_hold_one));
	printf("The cycle formed and was broken: a timeout turns a deadlock "
	       "into a delay.\nThe lock order is still inconsistent; "
	       "recovery is not prevention.\n");
}

/* ---- circular wait ------------------------------------------------------ */

struct account {
	pthread_mutex_t lock; /* protects balance */
	long balance;	      /* in cents */
	const char *name;
};

/* Two pairs, so the fixed run's locks are not the ones the naive run used. */
static struct account naive[2] = {
	{ PTHREAD_MUTEX_INITIALIZER, 10000, "alice" },
	{ PTHREAD_MUTEX_INITIALIZER, 10000, "bob" },
};
static struct account ordered[2] = {
	{ PTHREAD_MUTEX_INITIALIZER, 10000, "alice" },
	{ PTHREAD_MUTEX_INITIALIZER, 10000, "bob" },
};

struct transfer_job {
	struct account *from;
	struct account *to;
	int count; /* transfers of one cent */
	bool by_address;
};

static void move_cent(struct account *from, struct account *to)
{
	from->balance--;
	to->balance++;
}

/* Lock the payer, then the payee: the order depends on the direction. */
static void transfer_naive(struct account *from, struct account *to)
{
	CHECK(pthread_mutex_lock(&from->lock));
	CHECK(pthread_mutex_lock(&to->lock));
	move_cent(from, to);
	CHECK(pthread_mutex_unlock(&to->lock));
	CHECK(pthread_mutex_unlock(&from->lock));
}

/* Lock the account at the lower address first, whichever way money goes. */
static void transfer_ordered(struct account *from, struct account *to)
{
	bool from_first = (uintptr_t)from < (uintptr_t)to;
	struct account *first = from_first ? from : to;
	struct account *second = from_first ? to : from;

	CHECK(pthread_mutex_lock(&first->lock));
	CHECK(pthread_mutex_lock(&second->lock));
	move_cent(from, to);
	CHECK(pthread_mutex_unlock(&second->lock));
	CHECK(pthread_mutex_unlock(&first->lock));
}

static void *transfer_main(void *arg)
{
	struct transfer_job *job = arg;
	char name[16];

	snprintf(name, sizeof(name), "to-%s", job->to->name);
	demo_name_self(name);
	for (int i = 0; i < job->count; i++) {
		if (job->by_address)
			transfer_ordered(job->from, job->to);
		else
			transfer_naive(job->from, job->to);
	}
	return NULL;
}

static void circular_wait(void)
{
	struct transfer_job pay_bob = { &naive[0], &naive[1], 1, false };
	struct transfer_job pay_alice = { &naive[1], &naive[0], 1, false };
	pthread_t t1, t2;

	printf("circular-wait: a transfer locks both accounts. Locking payer "
	       "then payee\nmeans alice->bob takes alice's lock first and "
	       "bob->alice takes bob's:\n");
	/* One after the other: the cycle is in the order, not in this run. */
	CHECK(pthread_create(&t1, NULL, transfer_main, &pay_bob));
	CHECK(pthread_join(t1, NULL));
	CHECK(pthread_create(&t2, NULL, transfer_main, &pay_alice));
	CHECK(pthread_join(t2, NULL));
	printf("  naive: lock order alice->bob and bob->alice, a cycle. It "
	       "ran one transfer\n  at a time, so it finished; two at once "
	       "can each hold one lock and wait.\n");

	pay_bob = (struct transfer_job){ &ordered[0], &ordered[1], CW_TRANSFERS,
					 true };
	pay_alice = (struct transfer_job){ &ordered[1], &ordered[0],
					   CW_TRANSFERS, true };
	CHECK(pthread_create(&t1, NULL, transfer_main, &pay_bob));
	CHECK(pthread_create(&t2, NULL, transfer_main, &pay_alice));
	CHECK(pthread_join(t1, NULL));
	CHECK(pthread_join(t2, NULL));
	printf("  Fix: lock the account at the lower address first. %d "
	       "transfers each\n  way, at the same time: alice %ld, bob %ld, "
	       "total %ld.\n",
	       CW_TRANSFERS, ordered[0].balance, ordered[1].balance,
	       ordered[0].balance + ordered[1].balance);
	printf("With one global order every wait points \"upwards\", and a "
	       "chain that only\ngoes up can never come back round to "
	       "close a cycle.\n");
}

/* ---- driver ------------------------------------------------------------- */

static const struct subcommand {
	const char *name;
	void (*run)(void);
	const char *summary;
} subcommands[] = {
	{ "mutual-exclusion", mutual_exclusion,
	  "a mutex excludes; a read-shared rwlock does not" },
	{ "hold-and-wait", hold_and_wait,
	  "holding A while waiting for B; fix: take all or none" },
	{ "no-preemption", no_preemption,
	  "pthread_mutex_timedlock as preemption by timeout" },
	{ "circular-wait", circular_wait,
	  "opposite lock orders; fix: order locks by address" },
};

#define N_SUBCOMMANDS (sizeof(subcommands) / sizeof(subcommands[0]))

static void list(FILE *to)
{
	fprintf(to, "usage: conditions SUBCOMMAND\n"
		    "Each shows one Coffman condition and what breaks it:\n");
	for (size_t i = 0; i < N_SUBCOMMANDS; i++)
		fprintf(to, "  %-17s %s\n", subcommands[i].name,
			subcommands[i].summary);
	fprintf(to, "  %-17s %s\n", "all", "each of the above in turn");
}

int main(int argc, char **argv)
{
	demo_line_buffered();
	if (argc == 1) {
		list(stdout);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "all") == 0) {
		for (size_t i = 0; i < N_SUBCOMMANDS; i++) {
			if (i > 0)
				printf("\n");
			subcommands[i].run();
		}
		return 0;
	}
	for (size_t i = 0; argc == 2 && i < N_SUBCOMMANDS; i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0) {
			subcommands[i].run();
			return 0;
		}
	}
	list(stderr);
	return 2;
}
