/* SPDX-License-Identifier: MIT */
/*
 * interpose_prctl.c - prctl(PR_SET_NAME), the other way to name the
 * calling thread.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/prctl.h>

#include "real.h"
#include "runtime.h"

/* The calling thread named itself: as pthread_setname_np does. The
 * kernel keeps 15 bytes, read from a string that may not end sooner. */
static void name_self(const char *name)
{
	int saved = errno;
	struct eng_thread *t = rt_enter();
	char kept[16];
	size_t n = strnlen(name, sizeof(kept) - 1);

	memcpy(kept, name, n);
	kept[n] = 0;
	if (t) {
		rt_event_name(t, t->num, kept);
		rt_leave();
	}
	errno = saved;
}

COFFMAN_EXPORT int prctl(int option, ...)
{
	unsigned long a[4];
	va_list ap;
	int i, rc;

	va_start(ap, option);
	for (i = 0; i < 4; i++)
		a[i] = va_arg(ap, unsigned long);
	va_end(ap);
	rc = R(prctl)(option, a[0], a[1], a[2], a[3]);
	if (option == PR_SET_NAME && rc == 0 && a[0])
		name_self((const char *)a[0]);
	return rc;
}
