/* SPDX-License-Identifier: MIT */
/*
 * fd2_closed_still_reported.c - a program that closes stderr and reuses
 * descriptor 2 for a file of its own still gets its report (in the JSON
 * file), the exit status still becomes 66, and the runtime writes nothing
 * into the program's file.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=lock_a,lock_b
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abba_body.h"

int main(void)
{
	char path[] = "/tmp/coffman-fd2-XXXXXX";
	char buf[256];
	ssize_t n;
	int fd;

	CHECK_EQ(close(2), 0);
	fd = mkstemp(path); /* the lowest free descriptor: 2 */
	if (fd != 2) {
		printf("mkstemp gave fd %d, not 2\n", fd);
		return 1;
	}
	unlink(path);
	abba_inversion();
	if (preload_reports() != 1) {
		printf("expected 1 report, have %d\n", preload_reports());
		return 1;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n != 0) {
		buf[n > 0 ? n : 0] = 0;
		printf("the program's fd 2 got %zd byte(s): %s\n", n, buf);
		return 1;
	}
	return 0;
}
