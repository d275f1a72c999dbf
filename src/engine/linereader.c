#include "vecsh/linereader.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

struct vs_linereader {
	gzFile gz;
	char *path;
	char *buf;
	size_t cap;
	size_t line_no;
	int failed;
};

vs_linereader *vs_linereader_open(const char *path, vs_error *err)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		vs_fail(err, "%s: is a directory", path);
		return NULL;
	}
	vs_linereader *r = calloc(1, sizeof *r);
	if (!r) {
		vs_fail(err, "out of memory");
		return NULL;
	}
	errno = 0;
	r->gz = gzopen(path, "rb"); /* reads plain files as they are */
	r->path = strdup(path);
	r->cap = 4096;
	r->buf = malloc(r->cap);
	if (!r->gz || !r->path || !r->buf) {
		vs_fail(err, "%s: %s", path, errno ? strerror(errno) : "cannot open");
		vs_linereader_close(r);
		return NULL;
	}
	return r;
}

char *vs_linereader_next(vs_linereader *r, size_t *len, vs_error *err)
{
	size_t n = 0;
	for (;;) {
		if (r->cap - n < 2) {
			char *nb = realloc(r->buf, r->cap * 2);
			if (!nb) {
				r->failed = 1;
				vs_fail(err, "%s: line %zu: out of memory", r->path, r->line_no + 1);
				return NULL;
			}
			r->buf = nb;
			r->cap *= 2;
		}
		if (!gzgets(r->gz, r->buf + n, (int)(r->cap - n > (1u << 30) ? (1u << 30) : r->cap - n))) {
			int e;
			const char *m = gzerror(r->gz, &e);
			if (e != Z_OK) {
				r->failed = 1;
				vs_fail(err, "%s: line %zu: read error: %s", r->path, r->line_no + 1,
				        e == Z_ERRNO ? strerror(errno) : m);
				return NULL;
			}
			if (n == 0)
				return NULL;
			break;
		}
		n += strlen(r->buf + n);
		if (n > 0 && r->buf[n - 1] == '\n')
			break;
	}
	r->line_no++;
	if (n > 0 && r->buf[n - 1] == '\n')
		r->buf[--n] = '\0';
	if (n > 0 && r->buf[n - 1] == '\r')
		r->buf[--n] = '\0';
	*len = n;
	return r->buf;
}

int vs_linereader_failed(const vs_linereader *r) { return r->failed; }
size_t vs_linereader_line_no(const vs_linereader *r) { return r->line_no; }

void vs_linereader_close(vs_linereader *r)
{
	if (!r)
		return;
	if (r->gz)
		gzclose(r->gz);
	free(r->path);
	free(r->buf);
	free(r);
}
