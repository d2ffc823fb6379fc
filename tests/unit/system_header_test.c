/* SPDX-License-Identifier: MIT */
/*
 * unit.system_header: which source files are the system's headers, whose
 * lines a report walks past (frame_system_header), as gcc and clang name
 * them; and the lexical clean-up of "." and ".." (frame_path_plain).
 */
#include <stdio.h>
#include <string.h>

#include "engine_fixture.h"
#include "frame.h"

static void plain_is(const char *path, const char *want)
{
	char out[64];

	CHECK(frame_path_plain(path, out, sizeof(out)));
	if (strcmp(out, want) != 0) {
		fprintf(stderr, "'%s' -> '%s', want '%s'\n", path, out, want);
		CHECK(0);
	}
}

int main(void)
{
	char small[8];

	/* gcc's names */
	CHECK(frame_system_header("/usr/include/c++/12/bits/std_mutex.h"));
	CHECK(frame_system_header(
		"/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h"));
	CHECK(frame_system_header("/usr/lib/gcc/x86_64-linux-gnu/12/include/"
				  "stddef.h"));
	/* clang's, through its own directory */
	CHECK(frame_system_header("/usr/bin/../lib/gcc/x86_64-linux-gnu/12/"
				  "../../../../include/c++/12/bits/"
				  "std_mutex.h"));
	CHECK(frame_system_header("/usr/lib/llvm-14/lib/clang/14.0.6/include/"
				  "stdatomic.h"));
	/* the program's own, wherever it is */
	CHECK(!frame_system_header("/home/me/src/bank.cpp"));
	CHECK(!frame_system_header("src/bank.cpp"));
	CHECK(!frame_system_header("./nptl/pthread_create.c"));
	CHECK(!frame_system_header("/usr/src/app/../include/x.h"));
	CHECK(!frame_system_header("/usr/includes/x.h"));
	CHECK(!frame_system_header(""));

	plain_is("/a/b/../c", "/a/c");
	plain_is("/a/./b//c/", "/a/b/c");
	plain_is("/../../a", "/a");
	plain_is("/a/..", "/");
	plain_is("/", "/");
	CHECK(!frame_path_plain("/abcdefghij", small, sizeof(small)));
	printf("ok\n");
	return 0;
}
