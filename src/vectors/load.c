/* Loading: reading the file (plain, gzip or mapped .vecs), detecting the
 * format from the content, and building the set. Saving: the export formats. */
#include "vectors/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/core.h"

static const struct {
	const char *name;
	vs_format fmt;
} format_names[] = {
	{"auto", VS_FMT_AUTO},         {"word2vec", VS_FMT_WORD2VEC}, {"word2vec-bin", VS_FMT_WORD2VEC_BIN},
	{"glove", VS_FMT_GLOVE},       {"fasttext", VS_FMT_FASTTEXT}, {"vecs", VS_FMT_VECS},
};

int vs_format_parse(const char *name, vs_format *out)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcmp(name, format_names[i].name) == 0) {
			*out = format_names[i].fmt;
			return 0;
		}
	return -1;
}

/* "glove, gzip": the name of a format read through gzip (a static string). */
static const char *gzip_format_name(const char *name)
{
	static const char *const gz[][2] = {
		{"word2vec", "word2vec, gzip"}, {"word2vec-bin", "word2vec-bin, gzip"}, {"glove", "glove, gzip"},
		{"fasttext", "fasttext, gzip"},
	};
	for (size_t i = 0; i < sizeof gz / sizeof gz[0]; i++)
		if (strcmp(gz[i][0], name) == 0)
			return gz[i][1];
	return name;
}

const char *vs_format_name(vs_format f)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (format_names[i].fmt == f)
			return format_names[i].name;
	return "?";
}

/* Decide the format of a text or binary buffer from its content. */
static vs_format detect(const char *buf, size_t len)
{
	size_t count, dims, hl;
	if (vs_parse_header(buf, len, &count, &dims, &hl)) {
		/* word2vec binary puts raw floats after the first word: control bytes */
		const char *p = buf + hl, *end = buf + len;
		while (p < end && *p == '\n')
			p++;
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		if (sp) {
			size_t look = dims * 4;
			if (look > (size_t)(end - sp - 1))
				look = (size_t)(end - sp - 1);
			for (size_t i = 0; i < look; i++) {
				unsigned char c = (unsigned char)sp[1 + i];
				if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f)
					return VS_FMT_WORD2VEC_BIN;
			}
		}
		return VS_FMT_WORD2VEC;
	}
	return VS_FMT_GLOVE;
}

/* An open descriptor of a regular file, or -1 with a message. */
static int open_regular(const char *path, struct stat *st, vs_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return vs_fail(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
		vs_fail(err, "%s: %s", path, S_ISDIR(st->st_mode) ? "is a directory" : "not a regular file");
		close(fd);
		return -1;
	}
	return fd;
}

static vs_vecset *load_vecs(const char *path, const vs_load_options *opt, vs_load_report *rep, vs_error *err)
{
	if (opt->format != VS_FMT_AUTO && opt->format != VS_FMT_VECS) {
		vs_fail(err, "%s: this is a .vecs file, not %s", path, vs_format_name(opt->format));
		return NULL;
	}
	vs_vecs_check check;
	if (opt->verify && vs_vecs_verify(path, &check, err) < 0)
		return NULL;
	vs_vecset *set = vs_vecs_open(path, err);
	if (set && opt->limit && opt->limit < set->count) {
		/* keep a prefix: words, vectors and norms are prefixes too; the index is rebuilt */
		set->count = opt->limit;
		set->slots = NULL;
		set->nslots = 0;
		set->sorted = NULL; /* the file's order of all its words: made again for the prefix */
		if (vs_vecset_finish(set, err) < 0) {
			vs_vecset_free(set);
			return NULL;
		}
	}
	if (set)
		rep->format = set->format; /* "vecs" (with its rows' type), or version 1's, unverified */
	if (set && strstr(set->format, "unverified"))
		rep->unverified = 1;
	return set;
}

static vs_vecset *load_npy(const char *path, const vs_load_options *opt, vs_load_report *rep, vs_error *err)
{
	if (!opt->labels) {
		vs_fail(err, "%s: a numpy .npy file: give its labels with --labels FILE (one per row)", path);
		return NULL;
	}
	vs_vecset *set = vs_npy_load(path, opt->labels, err);
	if (set)
		rep->format = set->format = "npy";
	return set;
}

/* Not a vector file at all: NUL or other control bytes in the first line of a
 * file that has no word2vec header (word2vec binary has one). */
static int looks_binary(const char *buf, size_t len)
{
	for (size_t i = 0; i < len && i < 4096 && buf[i] != '\n'; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f)
			return 1;
	}
	return 0;
}

/* A set read: named after its file and format. */
static vs_vecset *finish_load(vs_vecset *set, const char *path, vs_load_report *rep, vs_error *err)
{
	if (set) {
		set->source = strdup(path);
		set->format = rep->compressed ? gzip_format_name(rep->format) : rep->format;
		if (!set->source) {
			vs_vecset_free(set);
			vs_oom(err);
			return NULL;
		}
	}
	return set;
}

/* A text or word2vec binary file (or its .gz), read front to back through
 * a window: the format told from its first bytes. */
static vs_vecset *read_streamed(const char *path, int fd, const vs_load_options *opt, vs_load_report *rep,
                                vs_error *err)
{
	vs_stream st;
	if (vs_stream_open(&st, path, fd, rep->compressed, 32u << 20, err) < 0)
		return NULL;
	vs_vecset *set = NULL;
	long have = vs_stream_fill(&st, 1 << 16, err); /* enough to tell the format */
	if (have == 0)
		vs_fail(err, "%s: the file is empty", path);
	if (have <= 0)
		goto done;
	vs_format fmt = opt->format == VS_FMT_AUTO ? detect(st.buf, (size_t)have) : opt->format;
	if (opt->format == VS_FMT_AUTO && fmt == VS_FMT_GLOVE && looks_binary(st.buf, (size_t)have)) {
		vs_fail(err, "%s: not a vector file (binary data without a word2vec header; formats: word2vec text or "
		        "binary, GloVe, fastText .vec, .vecs, .npy)", path);
		goto done;
	}
	rep->format = vs_format_name(fmt);
	set = fmt == VS_FMT_WORD2VEC_BIN ? vs_read_binary_stream(&st, opt, rep, err)
	                                 : vs_read_text_stream(&st, fmt != VS_FMT_GLOVE, opt, rep, err);
done:
	vs_stream_close(&st);
	return set;
}

vs_vecset *vs_load(const char *path, const vs_load_options *opt, vs_load_report *rep, vs_error *err)
{
	vs_load_report dummy;
	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof *rep);
	struct stat st;
	int fd = open_regular(path, &st, err);
	if (fd < 0)
		return NULL;
	unsigned char magic[8] = {0};
	ssize_t got = pread(fd, magic, sizeof magic, 0);
	int vecs = got == (ssize_t)sizeof magic && memcmp(magic, VS_VECS_MAGIC, 8) == 0;
	int npy = got >= 6 && memcmp(magic, "\x93NUMPY", 6) == 0;
	if (opt->labels && !npy) {
		close(fd);
		vs_fail(err, "%s: labels name the rows of a .npy matrix; this file has its words in it", path);
		return NULL;
	}
	if (vs_is_fasttext_model(magic, got > 0 ? (size_t)got : 0) && opt->format == VS_FMT_AUTO) {
		close(fd);
		return vs_fasttext_load(path, opt, rep, err);
	}
	if (vecs || npy || opt->format == VS_FMT_VECS) {
		close(fd);
		if (vecs)
			return load_vecs(path, opt, rep, err);
		if (npy)
			return load_npy(path, opt, rep, err);
		vs_fail(err, "%s: not a .vecs file (bad magic bytes)", path);
		return NULL;
	}
	rep->compressed = got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b;
	vs_vecset *set = read_streamed(path, fd, opt, rep, err);
	close(fd);
	return finish_load(set, path, rep, err);
}

/* ---- writing ----------------------------------------------------------- */

int vs_is_gzip_name(const char *path)
{
	size_t n = strlen(path);
	return n > 3 && strcmp(path + n - 3, ".gz") == 0;
}

/* A FILE that writes through zlib into another FILE (fopencookie). */
static ssize_t gz_cookie_write(void *cookie, const char *buf, size_t size)
{
	return size && gzwrite(cookie, buf, (unsigned)size) == 0 ? -1 : (ssize_t)size;
}

static int gz_cookie_close(void *cookie)
{
	return gzclose(cookie) == Z_OK ? 0 : -1;
}

/* Write a text or binary export to f, through gzip when gz is set. */
static int write_export(FILE *f, const vs_vecset *set, vs_format fmt, int gz)
{
	FILE *out = f;
	if (gz) {
		int fd = dup(fileno(f));
		gzFile z = fd >= 0 ? gzdopen(fd, "wb6") : NULL;
		if (!z) {
			if (fd >= 0)
				close(fd);
			return -1;
		}
		cookie_io_functions_t io = {.write = gz_cookie_write, .close = gz_cookie_close};
		out = fopencookie(z, "w", io);
		if (!out) {
			gzclose(z);
			return -1;
		}
		setvbuf(out, NULL, _IOFBF, 1 << 16);
	}
	int r = fmt == VS_FMT_WORD2VEC_BIN ? vs_write_binary(out, set) : vs_write_text(out, set, fmt != VS_FMT_GLOVE);
	if (gz && fclose(out) != 0)
		r = -1;
	return r;
}

int vs_save(const vs_vecset *set, const char *path, vs_format fmt, vs_error *err)
{
	if (vs_vecset_whole(set, "saving to a file", err) < 0)
		return -1;
	vs_vecset_need_all(set); /* every row is written */
	if (fmt == VS_FMT_VECS || fmt == VS_FMT_AUTO)
		return vs_vecs_write(set, path, err);
	char *tmp;
	FILE *f = vs_tmpfile_open(path, &tmp, err);
	if (!f)
		return -1;
	int r = write_export(f, set, fmt, vs_is_gzip_name(path));
	return vs_tmpfile_finish(f, tmp, path, r < 0, err);
}

