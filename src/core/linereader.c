#include "core/core.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

/* A text line longer than this is not a line of a benchmark or corpus file. */
#define MAX_LINE (16u << 20)
#define BLOCK (1u << 16)

struct vs_linereader {
	gzFile gz;
	char *path;
	char *buf;          /* bytes read, from start to end; a line is cut from there */
	size_t start, end, cap;
	size_t line_no;
	int eof, failed;
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
		vs_oom(err);
		return NULL;
	}
	errno = 0;
	r->gz = gzopen(path, "rb"); /* reads plain files as they are */
	r->path = strdup(path);
	r->cap = 2 * BLOCK;
	r->buf = malloc(r->cap);
	if (!r->gz || !r->path || !r->buf) {
		vs_fail(err, "%s: %s", path, errno ? strerror(errno) : "cannot open");
		vs_linereader_close(r);
		return NULL;
	}
	return r;
}

static char *fail(vs_linereader *r, vs_error *err, const char *what)
{
	r->failed = 1;
	if (vs_interrupted)
		vs_fail(err, "%s: interrupted", r->path);
	else
		vs_fail(err, "%s: line %zu: %s", r->path, r->line_no + 1, what);
	return NULL;
}

char *vs_linereader_next(vs_linereader *r, size_t *len, vs_error *err)
{
	if (r->failed)
		return NULL;
	size_t scanned = r->start;
	for (;;) {
		char *nl = memchr(r->buf + scanned, '\n', r->end - scanned);
		if (nl || (r->eof && r->end > r->start)) {
			size_t s = r->start, e = nl ? (size_t)(nl - r->buf) : r->end;
			r->start = nl ? e + 1 : r->end;
			if (memchr(r->buf + s, '\0', e - s))
				return fail(r, err, "contains a NUL byte; is this a text file?");
			r->line_no++;
			if (e > s && r->buf[e - 1] == '\r')
				e--;
			r->buf[e] = '\0';
			*len = e - s;
			return r->buf + s;
		}
		if (r->eof)
			return NULL;
		if (vs_interrupted)
			return fail(r, err, "interrupted");
		if (r->end - r->start >= MAX_LINE)
			return fail(r, err, "longer than 16 MiB; is this a text file?");
		/* make room: move the partial line to the front, grow if needed */
		scanned = r->end;
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			scanned -= r->start;
			r->start = 0;
		}
		if (r->cap - r->end < BLOCK + 1) {
			char *nb = realloc(r->buf, r->cap * 2);
			if (!nb)
				return fail(r, err, "out of memory");
			r->buf = nb;
			r->cap *= 2;
		}
		int got = gzread(r->gz, r->buf + r->end, BLOCK);
		if (got < 0) {
			int e;
			const char *m = gzerror(r->gz, &e);
			if (e == Z_ERRNO)
				m = strerror(errno);
			else if (m && m[0] == '<' && strstr(m, ">: "))
				m = strstr(m, ">: ") + 3;
			return fail(r, err, m);
		}
		if (got == 0) {
			int e;
			const char *m = gzerror(r->gz, &e);
			if (e != Z_OK && e != Z_BUF_ERROR)
				return fail(r, err, m);
			if (e == Z_BUF_ERROR)
				return fail(r, err, "truncated gzip data");
			r->eof = 1;
		}
		r->end += (size_t)got;
	}
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
