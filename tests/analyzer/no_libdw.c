/* SPDX-License-Identifier: MIT */
/*
 * no_libdw.c - built as libdw.so.1 without any of libdw's functions:
 * first in LD_LIBRARY_PATH, it makes `coffman analyze` find libdw
 * unusable, as on a machine without it (symbolize_check.sh).
 */
int no_libdw_here;
