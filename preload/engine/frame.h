/* SPDX-License-Identifier: MIT */
/*
 * frame.h - one symbolised stack frame, as reports print it.
 */
#ifndef COFFMAN_FRAME_H
#define COFFMAN_FRAME_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct coffman_frame {
	uint64_t pc;	    /* absolute address (return address) */
	uint64_t offset;    /* pc - module load base */
	int line;	    /* source line, 0 if unknown */
	char function[128]; /* "" if unknown */
	char file[256];	    /* source file, "" if unknown */
	char module[256];   /* object file path, "" if unknown */
};

/*
 * A source file of the system's headers (the C++ library, glibc's)? A
 * frame's line goes out through the inlined calls until it is not in
 * one: std::lock_guard inlined into the program's function names the
 * program's line, not gthr-default.h's. Live and offline use this rule.
 */
static inline bool frame_system_header(const char *path)
{
	static const char *const dirs[] = { "/usr/include/", "/usr/lib/gcc/",
					    "/usr/local/include/",
					    "/usr/lib/llvm" };
	size_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strncmp(path, dirs[i], strlen(dirs[i])) == 0)
			return true;
	return false;
}

#endif /* COFFMAN_FRAME_H */
