/* SPDX-License-Identifier: MIT */
/*
 * scale_edges.c - N distinct lock-order edges A_i -> B_j, always A before
 * B (no cycle), from A locks x 250 B locks. The pairs are walked twice:
 * ns/op is per pair on the first pass (every edge new), known_ns/op on
 * the second (every edge already seen).
 * usage: scale_edges [EDGES]
 */
#include <pthread.h>

#include "bench.h"

#define NB_MAX 250

static double walk(pthread_mutex_t *a, long na, pthread_mutex_t *b, long nb,
		   long n)
{
	double t0 = bench_now_ns();
	long i, j, done = 0;

	for (i = 0; i < na; i++) {
		for (j = 0; j < nb && done < n; j++, done++) {
			pthread_mutex_lock(&a[i]);
			pthread_mutex_lock(&b[j]);
			pthread_mutex_unlock(&b[j]);
			pthread_mutex_unlock(&a[i]);
		}
	}
	return bench_now_ns() - t0;
}

int main(int argc, char **argv)
{
	long n = bench_arg(argc, argv, 1, 100000L), k;
	long nb = n < NB_MAX ? n : NB_MAX, na = (n + nb - 1) / nb;
	pthread_mutex_t *a = malloc((size_t)na * sizeof(*a));
	pthread_mutex_t *b = malloc((size_t)nb * sizeof(*b));
	double first, second;

	if (!a || !b)
		bench_die("malloc", -1);
	for (k = 0; k < na; k++)
		pthread_mutex_init(&a[k], NULL);
	for (k = 0; k < nb; k++)
		pthread_mutex_init(&b[k], NULL);
	first = walk(a, na, b, nb, n);
	second = walk(a, na, b, nb, n);
	for (k = 0; k < na; k++)
		pthread_mutex_destroy(&a[k]);
	for (k = 0; k < nb; k++)
		pthread_mutex_destroy(&b[k]);
	free(a);
	free(b);
	printf("scale_edges ops=%ld ns/op=%.2f known_ns/op=%.2f\n", n,
	       first / (double)n, second / (double)n);
	return 0;
}
