/* SPDX-License-Identifier: MIT */
/*
 * underscore_exit_reported.c - a program that makes an inversion and ends
 * with _exit(0) (or _Exit(0) with the argument "Exit") skips atexit and
 * destructors, yet its exit status still becomes 66 and the report is in
 * the JSON file.
 *
 * EXPECT exit=66
 * EXPECT reports=1
 * EXPECT report kind=lock-order-inversion severity=error lines=@a1,@b1,@b2,@a2 threads=first,second objects=lock_a,lock_b
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "abba_body.h"

int main(int argc, char **argv)
{
	abba_inversion();
	CHECK_EQ(preload_reports(), 1);
	if (argc > 1 && strcmp(argv[1], "Exit") == 0)
		_Exit(0);
	_exit(0);
}
