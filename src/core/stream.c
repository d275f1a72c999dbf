/* A file read front to back through a window (plain, or gzip through zlib),
 * so that a reader holds a few megabytes of it at a time, never the whole. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/core.h"

/* A large plain file is mapped rather than copied through the window: the
 * whole of it is the window from the start (the pages come in as they are
 * read, on whichever core reads them). A zero page after it keeps buf[end] a
 * NUL. The mapping is guarded: a truncation underneath becomes an error. */
static int map_whole(vs_stream *s)
{
	long page = sysconf(_SC_PAGESIZE);
	off_t at = lseek(s->fd, 0, SEEK_CUR);
	if (page <= 0 || at < 0 || (uint64_t)at > s->size || s->size > SIZE_MAX - 2 * (uint64_t)page)
		return -1;
	size_t len = ((size_t)s->size + (size_t)page) / (size_t)page * (size_t)page;
	char *area = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return -1;
	if (mmap(area, (size_t)s->size, PROT_READ, MAP_PRIVATE | MAP_FIXED, s->fd, 0) == MAP_FAILED) {
		munmap(area, len);
		return -1;
	}
	vs_map_register(area, (size_t)s->size, s->path);
	s->map_len = len;
	s->buf = area;
	s->cap = (size_t)s->size;
	s->pos = (size_t)at;
	s->end = (size_t)s->size;
	s->eof = 1;
	return 0;
}

/* The pages of a mapped file that have been read are let go (8 MB at a
 * time): they stay in the page cache, but not in the process. */
static void release_read(vs_stream *s)
{
	enum { STEP = 8u << 20 };
	size_t upto = s->pos / STEP * STEP;
	if (upto > s->released) {
		madvise(s->buf + s->released, upto - s->released, MADV_DONTNEED);
		s->released = upto;
	}
}

int vs_stream_open(vs_stream *s, const char *path, int fd, int gzip, size_t window, vs_error *err)
{
	memset(s, 0, sizeof *s);
	s->path = path;
	s->fd = fd;
	struct stat st;
	s->size = fstat(fd, &st) == 0 && st.st_size > 0 ? (uint64_t)st.st_size : 0;
	if (gzip) {
		int dfd = dup(fd);
		s->gz = dfd >= 0 ? gzdopen(dfd, "rb") : NULL;
		if (!s->gz) {
			if (dfd >= 0)
				close(dfd);
			return vs_fail(err, "%s: cannot open the gzip stream", path);
		}
		gzbuffer(s->gz, 1 << 18);
	}
	/* tests: windows of a few KiB cross many boundaries; "map" maps any plain file */
	const char *small = getenv("VECSH_STREAM_WINDOW");
	int map = small && strcmp(small, "map") == 0;
	if (small && atol(small) >= 4096 && (size_t)atol(small) < window)
		window = (size_t)atol(small);
	else if (!gzip && S_ISREG(st.st_mode) && (s->size > window || (map && s->size)) && map_whole(s) == 0) {
		if (map) /* tests: readers that go a window at a time take small steps through the map */
			s->cap = 8192;
		return 0;
	}
	if (!gzip && s->size < window) /* a small file: a window of its size */
		window = s->size > 4096 ? (size_t)s->size : 4096;
	if (gzip && s->size < window / 64) /* a small gzip file: ample for what it can hold in lines */
		window = s->size * 64 > (1u << 20) ? (size_t)s->size * 64 : 1u << 20;
	s->cap = window;
	s->buf = malloc(window + 1);
	if (!s->buf) {
		vs_stream_close(s);
		return vs_oom(err);
	}
	return 0;
}

void vs_stream_close(vs_stream *s)
{
	if (s->gz)
		gzclose(s->gz);
	s->gz = NULL;
	if (s->map_len) {
		vs_map_unregister(s->buf);
		munmap(s->buf, s->map_len);
	} else {
		free(s->buf);
	}
	s->buf = NULL;
}

/* One read into buf + at, at most n bytes: > 0 bytes, 0 at the end, -1. */
static long read_some(vs_stream *s, char *at, size_t n, vs_error *err)
{
	if (n > (1u << 30))
		n = 1u << 30;
	for (;;) {
		long r;
		if (s->gz) {
			r = gzread(s->gz, at, (unsigned)n);
			if (r < 0 || (r == 0 && !gzeof(s->gz))) {
				int e;
				const char *m = gzerror(s->gz, &e);
				if (m && m[0] == '<' && strstr(m, ">: ")) /* zlib names the stream "<fd:N>: " */
					m = strstr(m, ">: ") + 3;
				return vs_fail(err, "%s: corrupt gzip data near uncompressed byte offset %llu: %s", s->path,
				               (unsigned long long)(s->base + s->end), m);
			}
			if (r == 0) { /* the end: of a whole stream, or of a truncated one */
				int e;
				gzerror(s->gz, &e);
				if (e != Z_OK)
					return vs_fail(err, "%s: truncated gzip data at uncompressed byte offset %llu", s->path,
					               (unsigned long long)(s->base + s->end));
			}
		} else {
			r = read(s->fd, at, n);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				return vs_fail(err, "%s: %s", s->path, strerror(errno));
		}
		return r;
	}
}

long vs_stream_fill(vs_stream *s, size_t want, vs_error *err)
{
	if (want > s->cap)
		want = s->cap;
	if (vs_stream_intact(s, err) < 0)
		return -1;
	if (s->map_len)
		release_read(s);
	if (s->end - s->pos >= want || s->eof)
		return (long)(s->end - s->pos);
	/* keep what is left at the front, then read behind it */
	memmove(s->buf, s->buf + s->pos, s->end - s->pos);
	s->base += s->pos;
	s->end -= s->pos;
	s->pos = 0;
	while (s->end < want && !s->eof) {
		long r = read_some(s, s->buf + s->end, s->cap - s->end, err);
		if (r < 0)
			return -1;
		if (r == 0)
			s->eof = 1;
		s->end += (size_t)r;
		if (vs_interrupted)
			return vs_fail(err, "%s: interrupted", s->path);
	}
	s->buf[s->end] = '\0';
	return (long)(s->end - s->pos);
}

long vs_stream_read(vs_stream *s, void *out, size_t n, vs_error *err)
{
	size_t got = 0, have = s->end - s->pos;
	if (have) {
		size_t take = have < n ? have : n;
		memcpy(out, s->buf + s->pos, take);
		s->pos += take;
		got = take;
		if (vs_stream_intact(s, err) < 0)
			return -1;
	}
	while (got < n && !s->eof) { /* straight into the caller's memory: no second copy */
		long r = read_some(s, (char *)out + got, n - got, err);
		if (r < 0)
			return -1;
		if (r == 0)
			s->eof = 1;
		got += (size_t)r;
		s->base += (size_t)r;
	}
	return (long)got;
}

int vs_stream_intact(const vs_stream *s, vs_error *err)
{
	if (s->map_len && vs_map_is_damaged(s->buf))
		return vs_fail(err, "%s: the file changed on disk while it was read", s->path);
	return 0;
}

uint64_t vs_stream_offset(const vs_stream *s)
{
	return s->base + s->pos;
}

double vs_stream_progress(const vs_stream *s)
{
	if (!s->size)
		return 0;
	uint64_t at = s->gz ? (uint64_t)gzoffset(s->gz) : s->map_len ? s->pos : s->base + s->end;
	return (double)at / (double)s->size;
}
