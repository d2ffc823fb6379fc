/* SPDX-License-Identifier: MIT */
/*
 * philosophers.c - Dijkstra's dining philosophers: N threads round a table,
 * one fork (a mutex) between each pair, and each needs both neighbouring
 * forks to eat; the naive way deadlocks, and three cures are shown.
 *
 *   philosophers [-n N]            naive: left fork, then right fork. The
 *                                  philosophers eat in turn, so the run ends,
 *                                  but fork 0 -> 1 -> ... -> N-1 -> 0 is a
 *                                  cycle in the lock-order graph.
 *   philosophers --hang            naive, all at once, with a barrier once
 *                                  everyone holds a left fork: everyone waits
 *                                  for a right fork for ever.
 *   philosophers --ordered         take the lower-numbered fork first. The
 *                                  last philosopher now reaches the other
 *                                  way: no circular wait.
 *   philosophers --waiter          a butler (counting semaphore) seats at
 *                                  most N-1 at a time, so one of them always
 *                                  gets both forks: the cycle never closes.
 *   philosophers --trylock         take the left fork, only *try* the right;
 *                                  if it is taken, put the left one down and
 *                                  retry later: no holding while waiting.
 *   philosophers --claims          naive and all at once, as --hang, but each
 *                                  declares its two forks (coffman_claim) and
 *                                  nobody reaches for a right fork until
 *                                  everyone has reached for a left one. Hangs
 *                                  on its own; under coffman with
 *                                  banker=avoid the Banker's algorithm holds
 *                                  back the left fork that would close the
 *                                  circle, and everyone eats.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coffman.h"
#include "demo.h"

#define N_MAX	       16   /* most philosophers -n accepts */
#define N_DEFAULT      5    /* as in Dijkstra's telling */
#define ROUNDS	       3    /* meals per philosopher */
#define EAT_US	       1000 /* time spent eating, holding both forks */
#define THINK_US       1000 /* time spent thinking, holding nothing */
#define TRY_MAX	       1000 /* --trylock: attempts per meal before giving up */
#define TRY_BACKOFF_US 500  /* --trylock: longest random pause after a miss */
#define REACH_WAIT_MS  500  /* --claims: longest wait for the others to
			       reach for their left forks */
#define REACH_PAUSE_US 20000 /* --claims: then a pause, so that the last
				one really holds (or waits for) its fork */

enum mode { NAIVE, HANG, ORDERED, WAITER, TRYLOCK, CLAIMS };

struct philosopher {
	int id;	       /* 0..n-1; the thread is named "philo-<id>" */
	int left;      /* fork index: id */
	int right;     /* fork index: (id + 1) % n */
	int meals;     /* meals eaten */
	long retries;  /* --trylock: times the right fork was busy */
	unsigned seed; /* --trylock: rand_r() state for the back-off */
	pthread_t thread;
};

/* Fork k lies between philosopher k (its left) and k-1 (its right). */
pthread_mutex_t forks[N_MAX];

static enum mode mode = NAIVE;
static int n_philo = N_DEFAULT;

/* NAIVE: whose turn it is to eat, so the naive order never really hangs. */
static pthread_mutex_t table = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn; /* ticket of the philosopher allowed to eat next */

/* HANG: released once every philosopher holds a left fork. */
static pthread_barrier_t all_hold_left;

/* WAITER: seats at the table; n-1 of them. */
static sem_t butler;

/* CLAIMS: how many reached for their left fork in the first round (under
 * 'table'). */
static int reached;

static void take(int fork)
{
	CHECK(pthread_mutex_lock(&forks[fork]));
}

static void put_down(int fork)
{
	CHECK(pthread_mutex_unlock(&forks[fork]));
}

static void eat(struct philosopher *p, int round)
{
	printf("  philo-%d eats (forks %d and %d, meal %d)\n", p->id, p->left,
	       p->right, round + 1);
	demo_sleep_us(EAT_US);
	p->meals++;
}

/*
 * The turn is passed under 'table', but the forks are taken with 'table'
 * released: a lock held around every fork acquisition would be a gate that
 * makes the cycle harmless, and the point here is the cycle itself.
 */
static void wait_for_turn(int ticket)
{
	CHECK(pthread_mutex_lock(&table));
	while (turn != ticket)
		CHECK(pthread_cond_wait(&turn_changed, &table));
	CHECK(pthread_mutex_unlock(&table));
}

static void pass_turn(void)
{
	CHECK(pthread_mutex_lock(&table));
	turn++;
	CHECK(pthread_cond_broadcast(&turn_changed));
	CHECK(pthread_mutex_unlock(&table));
}

static void dine_naive(struct philosopher *p, int round)
{
	wait_for_turn(round * n_philo + p->id);
	take(p->left);
	take(p->right);
	eat(p, round);
	put_down(p->right);
	put_down(p->left);
	pass_turn();
}

static void dine_hang(struct philosopher *p, int round)
{
	take(p->left);
	printf("  philo-%d holds fork %d, reaches for fork %d\n", p->id,
	       p->left, p->right);
	demo_barrier_wait(&all_hold_left);
	take(p->right); /* held by the right-hand neighbour: never returns */
	eat(p, round);
	put_down(p->right);
	put_down(p->left);
}

static void dine_ordered(struct philosopher *p, int round)
{
	int low = p->left < p->right ? p->left : p->right;
	int high = p->left < p->right ? p->right : p->left;

	take(low);
	take(high);
	eat(p, round);
	put_down(high);
	put_down(low);
}

static void dine_waiter(struct philosopher *p, int round)
{
	CHECK_SYS(sem_wait(&butler));
	take(p->left);
	take(p->right);
	eat(p, round);
	put_down(p->right);
	put_down(p->left);
	CHECK_SYS(sem_post(&butler));
}

static void dine_trylock(struct philosopher *p, int round)
{
	for (int attempt = 0; attempt < TRY_MAX; attempt++) {
		int rc;

		take(p->left);
		rc = pthread_mutex_trylock(&forks[p->right]);
		if (rc == 0) {
			eat(p, round);
			put_down(p->right);
			put_down(p->left);
			return;
		}
		if (rc != EBUSY)
			CHECK(rc);
		/* Never wait while holding: put the left fork back first. */
		put_down(p->left);
		p->retries++;
		/* A random pause, so neighbours do not retry in lock step. */
		demo_sleep_us(rand_r(&p->seed) % TRY_BACKOFF_US);
	}
	printf("  philo-%d gave up on meal %d after %d tries\n", p->id,
	       round + 1, TRY_MAX);
}

/*
 * CLAIMS, first round: say so, then wait (a bounded time) until everyone
 * has. Only the first: later, one that ate already would wait here holding
 * the fork a slower neighbour still needs for its first meal.
 */
static void reach_left(void)
{
	CHECK(pthread_mutex_lock(&table));
	reached++;
	CHECK(pthread_cond_broadcast(&turn_changed));
	CHECK(pthread_mutex_unlock(&table));
}

static void wait_all_reached(void)
{
	struct timespec until;

	CHECK_SYS(clock_gettime(CLOCK_REALTIME, &until));
	until.tv_nsec += REACH_WAIT_MS * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	CHECK(pthread_mutex_lock(&table));
	while (reached < n_philo)
		if (pthread_cond_timedwait(&turn_changed, &table, &until) ==
		    ETIMEDOUT)
			break;
	CHECK(pthread_mutex_unlock(&table));
	demo_sleep_us(REACH_PAUSE_US);
}

static void dine_claims(struct philosopher *p, int round)
{
	if (round == 0)
		reach_left();
	take(p->left);
	if (round == 0)
		wait_all_reached();
	take(p->right); /* without the banker: held by the neighbour */
	eat(p, round);
	put_down(p->right);
	put_down(p->left);
}

static void *philosopher_main(void *arg)
{
	struct philosopher *p = arg;
	char name[16];

	snprintf(name, sizeof(name), "philo-%d", p->id);
	demo_name_self(name);
	if (mode == CLAIMS) {
		/* Without the runtime these return -ENOSYS: no harm done. */
		coffman_claim(&forks[p->left], 1);
		coffman_claim(&forks[p->right], 1);
	}
	for (int round = 0; round < ROUNDS; round++) {
		switch (mode) {
		case NAIVE:
			dine_naive(p, round);
			break;
		case HANG:
			dine_hang(p, round);
			break;
		case ORDERED:
			dine_ordered(p, round);
			break;
		case WAITER:
			dine_waiter(p, round);
			break;
		case TRYLOCK:
			dine_trylock(p, round);
			break;
		case CLAIMS:
			dine_claims(p, round);
			break;
		}
		demo_sleep_us(THINK_US);
	}
	return NULL;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: philosophers [-n N] "
		"[--hang | --ordered | --waiter | --trylock | --claims]\n"
		"       N is 2..%d, default %d\n",
		N_MAX, N_DEFAULT);
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	static const struct {
		const char *flag;
		enum mode mode;
	} flags[] = {
		{ "--hang", HANG },
		{ "--ordered", ORDERED },
		{ "--waiter", WAITER },
		{ "--trylock", TRYLOCK },
		{ "--claims", CLAIMS },
	};
	int seen = 0;

	for (int i = 1; i < argc; i++) {
		size_t f;

		if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) {
			char *end;
			long v = strtol(argv[++i], &end, 10);

			if (*end != '\0' || v < 2 || v > N_MAX)
				usage();
			n_philo = (int)v;
			continue;
		}
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			if (strcmp(argv[i], flags[f].flag) == 0)
				break;
		if (f == sizeof(flags) / sizeof(flags[0]) || seen++)
			usage();
		mode = flags[f].mode;
	}
}

static void explain(void)
{
	printf("Dining philosophers: %d philosophers, %d forks, %d meals "
	       "each.\n",
	       n_philo, n_philo, ROUNDS);
	switch (mode) {
	case NAIVE:
		printf("Naive: every philosopher takes the left fork, then the "
		       "right one.\nThey take turns here, so this run ends; but "
		       "the forks were taken in\nthe order 0->1->...->%d->0, a "
		       "cycle of %d. Let them eat at once and\neach may hold a "
		       "left fork while waiting for a right one (--hang).\n",
		       n_philo - 1, n_philo);
		break;
	case HANG:
		printf("--hang: naive, and all at once; a barrier waits until "
		       "everyone holds\na left fork. All four Coffman "
		       "conditions now hold: this process is\ndeadlocked "
		       "(Ctrl-C to stop it).\n");
		break;
	case ORDERED:
		printf("--ordered: resource ordering. Each takes the "
		       "lower-numbered fork first,\nso philosopher %d takes "
		       "fork 0 before fork %d: no circular wait.\n",
		       n_philo - 1, n_philo - 1);
		break;
	case WAITER:
		printf("--waiter: a butler (a counting semaphore of %d) lets "
		       "at most %d sit\ndown at once. With a seat empty, some "
		       "philosopher always gets both\nforks, so the wait can "
		       "never go all the way round the table.\n",
		       n_philo - 1, n_philo - 1);
		break;
	case TRYLOCK:
		printf("--trylock: take the left fork, *try* the right one; if "
		       "it is busy, put\nthe left fork down and retry after a "
		       "random pause. Nobody waits while\nholding a fork: no "
		       "hold-and-wait.\n");
		break;
	case CLAIMS:
		printf("--claims: naive and all at once, but each philosopher "
		       "declares its two\nforks (coffman_claim). On its own this "
		       "hangs like --hang. Under coffman\nwith banker=avoid, the "
		       "Banker's algorithm sees that the last left fork\nwould "
		       "leave no philosopher able to finish, and holds it back "
		       "until a\nneighbour has eaten: no deadlock. With "
		       "banker=warn it reports that grant\n(unsafe-state) just "
		       "before the deadlock.\n");
		break;
	}
}

int main(int argc, char **argv)
{
	struct philosopher diners[N_MAX];
	long retries = 0;
	int meals = 0;

	demo_line_buffered();
	parse_args(argc, argv);
	explain();

	for (int k = 0; k < n_philo; k++)
		CHECK(pthread_mutex_init(&forks[k], NULL));
	if (mode == HANG)
		CHECK(pthread_barrier_init(&all_hold_left, NULL,
					   (unsigned)n_philo));
	if (mode == WAITER)
		CHECK_SYS(sem_init(&butler, 0, (unsigned)(n_philo - 1)));

	for (int k = 0; k < n_philo; k++) {
		struct philosopher *p = &diners[k];

		*p = (struct philosopher){
			.id = k,
			.left = k,
			.right = (k + 1) % n_philo,
			.seed = (unsigned)k * 2654435761u + 1,
		};
		CHECK(pthread_create(&p->thread, NULL, philosopher_main, p));
	}
	for (int k = 0; k < n_philo; k++) {
		CHECK(pthread_join(diners[k].thread, NULL));
		meals += diners[k].meals;
		retries += diners[k].retries;
	}

	for (int k = 0; k < n_philo; k++)
		CHECK(pthread_mutex_destroy(&forks[k]));
	if (mode == WAITER)
		CHECK_SYS(sem_destroy(&butler));

	printf("All done: %d of %d meals eaten", meals, n_philo * ROUNDS);
	if (mode == TRYLOCK)
		printf(", %ld times a right fork was busy", retries);
	printf(".\n");
	return 0;
}
