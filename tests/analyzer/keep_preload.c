/* SPDX-License-Identifier: MIT */
/*
 * keep_preload.c - an inert library for LD_PRELOAD, to check that
 * `coffman run` keeps the user's own preloads after libcoffman.so.
 */

int analyzer_keep_preload(void);

int analyzer_keep_preload(void)
{
	return 0;
}
