/* SPDX-License-Identifier: MIT */
/*
 * dlclose_plugin.c - a library the dlclose tests load and unload: two
 * static mutexes, taken in one order.
 */
#include <pthread.h>

#define EXPORT __attribute__((visibility("default")))

EXPORT pthread_mutex_t plugin_a = PTHREAD_MUTEX_INITIALIZER;
EXPORT pthread_mutex_t plugin_b = PTHREAD_MUTEX_INITIALIZER;

EXPORT void plugin_take_ab(void)
{
	pthread_mutex_lock(&plugin_a);
	pthread_mutex_lock(&plugin_b);
	pthread_mutex_unlock(&plugin_b);
	pthread_mutex_unlock(&plugin_a);
}
