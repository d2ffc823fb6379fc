/* SPDX-License-Identifier: MIT */
/* trace_load.c - open a binary or text trace by its content. */
#include "trace_load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text_trace.h"

/* The whole file: mapped when it is a regular file, else read. */
static int read_all(int fd, struct loaded_trace *lt)
{
	size_t cap = 1 << 16, len = 0;
	struct stat st;
	char *buf, *p;
	ssize_t n;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= (size_t)-1) {
		void *map = mmap(NULL, (size_t)st.st_size, PROT_READ,
				 MAP_PRIVATE, fd, 0);

		if (map != MAP_FAILED) {
			lt->data = map;
			lt->data_len = (size_t)st.st_size;
			lt->data_mapped = true;
			return 0;
		}
	}
	buf = malloc(cap);
	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			p = cap < ((size_t)-1) / 2 ? realloc(buf, cap * 2)
						   : NULL;
			if (!p) {
				free(buf);
				return -ENOMEM;
			}
			buf = p;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	lt->data = buf;
	lt->data_len = len;
	return 0;
}

int trace_load(const char *path, struct loaded_trace *lt, char *err,
	       size_t errlen)
{
	int fd, rc;

	memset(lt, 0, sizeof(*lt));
	lt->path = path;
	fd = strcmp(path, "-") == 0 ? dup(0) : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "%s", strerror(-rc));
		return rc;
	}
	rc = read_all(fd, lt);
	close(fd);
	if (rc < 0) {
		snprintf(err, errlen, "%s", strerror(-rc));
		return rc;
	}
	if (trace_is_binary(lt->data, lt->data_len)) {
		rc = trace_open_mem(&lt->r, lt->data, lt->data_len, err,
				    errlen);
	} else if (lt->data_len == 0) {
		snprintf(err, errlen,
			 "offset 0: empty file, not a coffman trace");
		rc = -EINVAL;
	} else if (!text_trace_plausible(lt->data, lt->data_len)) {
		snprintf(err, errlen,
			 "offset 0: not a coffman trace (neither the binary "
			 "format nor text)");
		rc = -EINVAL;
	} else {
		lt->is_text = true;
		rc = text_trace_parse(lt->data, lt->data_len, &lt->text, err,
				      errlen);
		if (rc == 0)
			rc = trace_open_mem(&lt->r, lt->text.buf, lt->text.len,
					    err, errlen);
	}
	if (rc < 0) {
		trace_unload(lt);
		return rc;
	}
	return 0;
}

void trace_unload(struct loaded_trace *lt)
{
	trace_close(&lt->r);
	tbuild_free(&lt->text);
	if (lt->data_mapped)
		munmap(lt->data, lt->data_len);
	else
		free(lt->data);
	memset(lt, 0, sizeof(*lt));
}
