/* SPDX-License-Identifier: MIT */
/*
 * dlclose_plugin.h - load libpt_dlclose_plugin.so (built next to the test
 * program) and find its mutexes and its A-then-B function.
 */
#ifndef COFFMAN_TEST_DLCLOSE_PLUGIN_H
#define COFFMAN_TEST_DLCLOSE_PLUGIN_H

#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

struct plugin {
	void *h;
	pthread_mutex_t *a, *b;
	void (*take_ab)(void);
};

/* The library's path: beside /proc/self/exe. */
static inline void plugin_path(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);
	char *slash;

	CHECK(n > 0);
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	CHECK(slash != NULL);
	CHECK((size_t)(slash - buf) + 32 < len);
	strcpy(slash + 1, "libpt_dlclose_plugin.so");
}

static inline void plugin_open(struct plugin *p)
{
	char path[PATH_MAX];

	plugin_path(path, sizeof(path));
	p->h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!p->h) {
		fprintf(stderr, "dlopen: %s\n", dlerror());
		exit(1);
	}
	p->a = dlsym(p->h, "plugin_a");
	p->b = dlsym(p->h, "plugin_b");
	*(void **)&p->take_ab = dlsym(p->h, "plugin_take_ab");
	CHECK(p->a && p->b && p->take_ab);
}

/* Is the library still loaded? */
static inline int plugin_loaded(void)
{
	char path[PATH_MAX];
	void *h;

	plugin_path(path, sizeof(path));
	h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (!h)
		return 0;
	CHECK_EQ(dlclose(h), 0);
	return 1;
}

#endif /* COFFMAN_TEST_DLCLOSE_PLUGIN_H */
