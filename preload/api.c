/* SPDX-License-Identifier: MIT */
/* api.c - the coffman_ functions a program may call (include/coffman.h). */
#include "coffman.h"

#include <errno.h>

#include "runtime.h"

COFFMAN_EXPORT int coffman_report_count(void)
{
	return rt_active ? engine_report_count() : 0;
}

COFFMAN_EXPORT int coffman_error_count(void)
{
	return rt_active ? engine_error_count() : 0;
}

COFFMAN_EXPORT long coffman_thread_event_count(void)
{
	struct eng_thread *t = rt_thread;

	return t ? (long)t->n_events : 0;
}

COFFMAN_EXPORT int coffman_name(const void *object, const char *name)
{
	struct eng_thread *t;
	struct coffman_event ev = { .op = OP_NAME };

	if (!object || !name)
		return -EINVAL;
	t = rt_enter();
	if (!t)
		return rt_active ? -EAGAIN : -ENOSYS;
	ev.addr = (uint64_t)(uintptr_t)object;
	ev.kind = KIND_NONE;
	ev.str = name;
	ev.pc = (uint64_t)(uintptr_t)__builtin_return_address(0);
	engine_event(t, &ev);
	rt_leave();
	return 0;
}

COFFMAN_EXPORT int coffman_claim(const void *object, unsigned max_units)
{
	struct eng_thread *t;
	struct coffman_event ev = { .op = OP_CLAIM };
	int rc;

	if (!object)
		return -EINVAL;
	t = rt_enter();
	if (!t)
		return rt_active ? -EAGAIN : -ENOSYS;
	ev.addr = (uint64_t)(uintptr_t)object;
	ev.kind = KIND_NONE;
	ev.arg = max_units;
	ev.pc = (uint64_t)(uintptr_t)__builtin_return_address(0);
	rc = engine_event(t, &ev);
	rt_leave();
	return rc;
}

COFFMAN_EXPORT int coffman_claims_done(void)
{
	struct eng_thread *t;
	struct coffman_event ev = { .op = OP_CLAIM, .flags = EVF_CLAIMS_DONE };

	t = rt_enter();
	if (!t)
		return rt_active ? -EAGAIN : -ENOSYS;
	ev.kind = KIND_NONE;
	ev.pc = (uint64_t)(uintptr_t)__builtin_return_address(0);
	engine_event(t, &ev);
	rt_leave();
	return 0;
}
