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
 * path with "." and ".." taken out, into out[size] (clang names its
 * headers "/usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/
 * c++/12/..."). path is absolute. False if it does not fit.
 */
static inline bool frame_path_plain(const char *path, char *out, size_t size)
{
	size_t n = 0;

	while (*path) {
		size_t len = strcspn(path, "/");

		if (len == 0 || (len == 1 && path[0] == '.')) {
			/* "//" or "/./": nothing */
		} else if (len == 2 && path[0] == '.' && path[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--; /* the '/' before the dropped name */
		} else {
			if (n + len + 2 > size)
				return false;
			out[n++] = '/';
			memcpy(out + n, path, len);
			n += len;
		}
		path += len;
		if (*path == '/')
			path++;
	}
	if (n + 2 > size)
		return false;
	if (n == 0)
		out[n++] = '/';
	out[n] = 0;
	return true;
}

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
	char plain[512];
	size_t i;

	if (path[0] != '/')
		return false;
	if ((strstr(path, "/./") || strstr(path, "/../")) &&
	    frame_path_plain(path, plain, sizeof(plain)))
		path = plain;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strncmp(path, dirs[i], strlen(dirs[i])) == 0)
			return true;
	return false;
}

#endif /* COFFMAN_FRAME_H */
