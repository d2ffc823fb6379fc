/* SPDX-License-Identifier: MIT */
/* trace_write.c - per-thread buffered, block-checksummed trace writer. */
#include "trace_write.h"

int trace_enabled;

int trace_start(int fd, uint32_t pid, uint32_t ppid, const char *exe,
		uint64_t start_ns, uint64_t start_realtime_ns)
{
	(void)fd;
	(void)pid;
	(void)ppid;
	(void)exe;
	(void)start_ns;
	(void)start_realtime_ns;
	return -38;
}

void trace_event(struct eng_thread *t, const struct coffman_event *ev,
		 uint32_t stack)
{
	(void)t;
	(void)ev;
	(void)stack;
}

void trace_module(const char *path, uint64_t base, uint64_t start,
		  uint64_t end, const uint8_t *build_id, uint8_t build_id_len)
{
	(void)path;
	(void)base;
	(void)start;
	(void)end;
	(void)build_id;
	(void)build_id_len;
}

void trace_flush_thread(struct eng_thread *t)
{
	(void)t;
}

void trace_flush_all(void)
{
}

void trace_stop(void)
{
}

void trace_after_fork(void)
{
}
