/* SPDX-License-Identifier: MIT */
/* fd_count.c - prints how many descriptors above 2 the process has open
 * (its own directory stream not counted): `coffman run` without options
 * must add none to what the program has without it, or the program's
 * own checks of its descriptors (and its children's) see them. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return 1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) > 2 &&
		    atoi(e->d_name) != dirfd(d))
			n++;
	closedir(d);
	printf("fds: %d\n", n);
	return 0;
}
