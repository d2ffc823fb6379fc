/* SPDX-License-Identifier: MIT */
/*
 * frame.h - one symbolised stack frame, as reports print it.
 */
#ifndef COFFMAN_FRAME_H
#define COFFMAN_FRAME_H

#include <stdint.h>

struct coffman_frame {
	uint64_t pc;	    /* absolute address (return address) */
	uint64_t offset;    /* pc - module load base */
	int line;	    /* source line, 0 if unknown */
	char function[128]; /* "" if unknown */
	char file[256];	    /* source file, "" if unknown */
	char module[256];   /* object file path, "" if unknown */
};

#endif /* COFFMAN_FRAME_H */
