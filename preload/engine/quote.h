/* SPDX-License-Identifier: MIT */
/*
 * quote.h - bytes from a file or the environment quoted for a one-line
 * message (a bad line of a suppressions or claims file, a rejected
 * option): in single quotes, bytes other than printable ASCII as \xNN (a
 * newline or an escape sequence must not reach a terminal or a log as
 * such), cut with "..." after QUOTE_SHOW_MAX characters. Only s[0..n) is
 * read: a file's buffer need not end in a NUL.
 */
#ifndef COFFMAN_QUOTE_H
#define COFFMAN_QUOTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define QUOTE_SHOW_MAX 64
#define QUOTE_BUF (QUOTE_SHOW_MAX + 8) /* quotes, "...", NUL */

static inline const char *quote_bytes(const char *s, size_t n,
				      char buf[QUOTE_BUF])
{
	size_t i, o = 0;

	buf[o++] = '\'';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = c >= 0x20 && c < 0x7f;

		if (o - 1 + (plain ? 1 : 4) > QUOTE_SHOW_MAX)
			break;
		if (plain)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, QUOTE_BUF - o,
					      "\\x%02x", c);
	}
	snprintf(buf + o, QUOTE_BUF - o, "%s'", i < n ? "..." : "");
	return buf;
}

#endif /* COFFMAN_QUOTE_H */
