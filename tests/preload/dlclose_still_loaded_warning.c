/* SPDX-License-Identifier: MIT */
/*
 * dlclose_still_loaded_warning.c - the twin of dlclose_retires_silent: the
 * library is opened twice and closed once, so it stays loaded, and its
 * mutexes with it. Taking them B then A after the library took them A
 * then B is an inversion (a warning: one thread took both orders).
 *
 * EXPECT exit=0
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=warning lines=@b,@a objects=plugin_a,plugin_b
 */
#include "dlclose_plugin.h"

int main(void)
{
	struct plugin p, again;

	plugin_open(&p);
	plugin_open(&again);
	p.take_ab();
	CHECK_EQ(dlclose(p.h), 0);
	CHECK(plugin_loaded());
	CHECK_EQ(pthread_mutex_lock(again.b), 0); /* @b */
	CHECK_EQ(pthread_mutex_lock(again.a), 0); /* @a */
	CHECK_EQ(pthread_mutex_unlock(again.a), 0);
	CHECK_EQ(pthread_mutex_unlock(again.b), 0);
	CHECK_EQ(dlclose(again.h), 0);
	return 0;
}
