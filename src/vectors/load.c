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

#include "clip/clip.h"
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

const char *vs_format_name(vs_format f)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (format_names[i].fmt == f)
			return format_names[i].name;
	return "?";
}

vs_vecset *vs_build_set(const char *path, const char *buf, size_t n, size_t dims, float *vectors,
                        const size_t *word_off, const size_t *word_len, size_t line_base,
                        const vs_load_options *opt, vs_load_report *rep, vs_error *err)
{
	vs_vecset *set = calloc(1, sizeof *set);
	size_t blob_len = 1;
	for (size_t i = 0; i < n; i++) /* each ill-formed byte run grows to 3 bytes at most */
		blob_len += word_len[i] + 1 + 2 * vs_utf8_invalid_count(buf + word_off[i], word_len[i]);
	char *blob = malloc(blob_len);
	const char **words = malloc(n * sizeof *words);
	size_t nslots = 16;
	while (nslots < n * 2)
		nslots <<= 1;
	uint32_t *slots = calloc(nslots, sizeof *slots);
	if (!set || !blob || !words || !slots) {
		vs_fail(err, "out of memory for %zu words", n);
		goto fail;
	}
	size_t o = 0, w = 0, mask = nslots - 1;
	for (size_t r = 0; r < n; r++) {
		const char *word = buf + word_off[r];
		size_t len = word_len[r];
		if (memchr(word, '\0', len)) {
			if (line_base)
				vs_fail(err, "%s: line %zu: the word contains a NUL byte", path, line_base + r);
			else
				vs_fail(err, "%s: byte offset %zu: word %zu contains a NUL byte", path, word_off[r], r + 1);
			goto fail;
		}
		size_t bad = vs_utf8_invalid_count(word, len);
		char *dst = blob + o;
		if (bad) {
			if (opt->strict) {
				if (line_base)
					vs_fail(err, "%s: line %zu: the word is not valid UTF-8", path, line_base + r);
				else
					vs_fail(err, "%s: byte offset %zu: word %zu is not valid UTF-8", path, word_off[r], r + 1);
				goto fail;
			}
			rep->invalid_utf8++;
			len = vs_utf8_repair(word, len, dst);
		} else {
			memcpy(dst, word, len);
			dst[len] = '\0';
		}
		/* duplicates keep the first occurrence, as gensim does */
		size_t i = (size_t)vs_hash_word(dst, len) & mask;
		int dup = 0;
		for (; slots[i]; i = (i + 1) & mask)
			if (strcmp(words[slots[i] - 1], dst) == 0) {
				dup = 1;
				break;
			}
		if (dup) {
			rep->duplicates++;
			continue;
		}
		slots[i] = (uint32_t)w + 1;
		words[w] = dst;
		if (w != r)
			memmove(vectors + w * dims, vectors + r * dims, dims * sizeof *vectors);
		o += len + 1;
		w++;
	}
	set->count = w;
	set->dims = dims;
	set->words = words;
	set->word_blob = blob;
	set->own_vectors = vectors;
	set->vectors = vectors;
	set->own_slots = slots;
	set->slots = slots;
	set->nslots = nslots;
	if (w < n) {
		float *shrunk = realloc(vectors, w * dims * sizeof *vectors);
		if (shrunk)
			set->own_vectors = shrunk, set->vectors = shrunk;
	}
	if (vs_vecset_finish(set, err) < 0) {
		vs_vecset_free(set);
		return NULL;
	}
	return set;
fail:
	free(set);
	free(blob);
	free(words);
	free(slots);
	free(vectors);
	return NULL;
}

/* Read a gzip stream completely. */
/* zlib prefixes its messages with the stream's name, "<fd:N>: " here */
static const char *gz_message(gzFile gz, int *code)
{
	const char *m = gzerror(gz, code);
	if (m && m[0] == '<') {
		const char *c = strstr(m, ">: ");
		if (c)
			m = c + 3;
	}
	return m;
}

static char *gunzip_all(const char *path, int fd, size_t *out_len, vs_error *err)
{
	int dfd = dup(fd);
	gzFile gz = dfd >= 0 ? gzdopen(dfd, "rb") : NULL;
	if (!gz) {
		if (dfd >= 0)
			close(dfd);
		vs_fail(err, "%s: cannot open the gzip stream", path);
		return NULL;
	}
	gzbuffer(gz, 1 << 17);
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	for (;;) {
		if (!buf) {
			gzclose(gz);
			vs_fail(err, "%s: out of memory decompressing", path);
			return NULL;
		}
		if (cap - len < (1 << 16)) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				continue;
			}
			buf = nb;
			cap *= 2;
		}
		int r = gzread(gz, buf + len, (unsigned)(cap - len > (1u << 30) ? (1u << 30) : cap - len));
		if (r < 0) {
			int e;
			const char *m = gz_message(gz, &e);
			vs_fail(err, "%s: corrupt gzip data near uncompressed byte offset %zu: %s", path, len, m);
			free(buf);
			gzclose(gz);
			return NULL;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (vs_interrupted) {
			free(buf);
			gzclose(gz);
			vs_fail(err, "%s: interrupted", path);
			return NULL;
		}
	}
	/* gzread returns 0 with Z_BUF_ERROR on a truncated stream */
	int e;
	const char *m = gz_message(gz, &e);
	if (e != Z_OK) {
		vs_fail(err, "%s: truncated or corrupt gzip data after %zu uncompressed bytes: %s", path, len, m);
		free(buf);
		gzclose(gz);
		return NULL;
	}
	gzclose(gz);
	*out_len = len;
	return buf;
}

const char VS_VECS_MAGIC[8] = {'\x89', 'V', 'E', 'C', 'S', '\r', '\n', '\x1a'};

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

vs_vecset *vs_load(const char *path, const vs_load_options *opt, vs_load_report *rep, vs_error *err)
{
	vs_load_report dummy;
	if (!rep)
		rep = &dummy;
	memset(rep, 0, sizeof *rep);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		vs_fail(err, "%s: %s", path, S_ISDIR(st.st_mode) ? "is a directory" : "not a regular file");
		close(fd);
		return NULL;
	}
	unsigned char magic[8] = {0};
	ssize_t got = pread(fd, magic, sizeof magic, 0);
	if (got == (ssize_t)sizeof magic && memcmp(magic, VS_VECS_MAGIC, 8) == 0) {
		close(fd);
		if (opt->format != VS_FMT_AUTO && opt->format != VS_FMT_VECS) {
			vs_fail(err, "%s: this is a .vecs file, not %s", path, vs_format_name(opt->format));
			return NULL;
		}
		vs_vecset *set = vs_vecs_open(path, err);
		if (set && opt->limit && opt->limit < set->count) {
			/* keep a prefix: words, vectors and norms are prefixes too; the index is rebuilt */
			set->count = opt->limit;
			set->slots = NULL;
			set->nslots = 0;
			if (vs_vecset_finish(set, err) < 0) {
				vs_vecset_free(set);
				return NULL;
			}
		}
		if (set)
			rep->format = "vecs";
		return set;
	}
	if (got >= 6 && memcmp(magic, "\x93NUMPY", 6) == 0) {
		close(fd);
		if (!opt->labels) {
			vs_fail(err, "%s: a numpy .npy file: give its labels with --labels FILE (one per row)", path);
			return NULL;
		}
		vs_vecset *set = vs_npy_load(path, opt->labels, err);
		if (set)
			rep->format = set->format = "npy";
		return set;
	}
	if (opt->format == VS_FMT_VECS) {
		close(fd);
		vs_fail(err, "%s: not a .vecs file (bad magic bytes)", path);
		return NULL;
	}
	char *buf = NULL;
	size_t len = 0;
	int mapped = 0;
	if (got >= 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
		buf = gunzip_all(path, fd, &len, err);
		rep->compressed = 1;
		if (!buf) {
			close(fd);
			return NULL;
		}
	} else if (st.st_size > 0) {
		len = (size_t)st.st_size;
		buf = mmap(NULL, len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
		if (buf == MAP_FAILED) {
			vs_fail(err, "%s: cannot map the file: %s", path, strerror(errno));
			close(fd);
			return NULL;
		}
		madvise(buf, len, MADV_SEQUENTIAL);
		mapped = 1;
	}
	close(fd);
	vs_vecset *set = NULL;
	if (len == 0) {
		vs_fail(err, "%s: the file is empty", path);
	} else {
		vs_format fmt = opt->format == VS_FMT_AUTO ? detect(buf, len) : opt->format;
		rep->format = vs_format_name(fmt);
		if (fmt == VS_FMT_WORD2VEC_BIN)
			set = vs_parse_binary(path, buf, len, opt, rep, err);
		else
			set = vs_parse_text(path, buf, len, fmt != VS_FMT_GLOVE, opt, rep, err);
	}
	if (mapped)
		munmap(buf, len);
	else
		free(buf);
	if (set) {
		set->source = strdup(path);
		set->format = rep->format;
		if (!set->source) {
			vs_vecset_free(set);
			vs_fail(err, "out of memory");
			return NULL;
		}
	}
	return set;
}

/* ---- writing ----------------------------------------------------------- */

/* Shortest decimal form that reads back as the same float. */
static int format_float(char *out, size_t size, float v)
{
	for (int prec = 6; prec <= 9; prec++) {
		int n = snprintf(out, size, "%.*g", prec, (double)v);
		if (strtof(out, NULL) == v || prec == 9)
			return n;
	}
	return 0;
}

static int write_text(FILE *f, const vs_vecset *set, int header)
{
	if (header)
		fprintf(f, "%zu %zu\n", set->count, set->dims);
	char num[32];
	for (size_t i = 0; i < set->count; i++) {
		fputs(set->words[i], f);
		const float *v = set->vectors + i * set->dims;
		for (size_t d = 0; d < set->dims; d++) {
			format_float(num, sizeof num, v[d]);
			fputc(' ', f);
			fputs(num, f);
		}
		if (fputc('\n', f) == EOF)
			return -1;
	}
	return 0;
}

static int write_binary(FILE *f, const vs_vecset *set)
{
	fprintf(f, "%zu %zu\n", set->count, set->dims);
	for (size_t i = 0; i < set->count; i++) {
		fputs(set->words[i], f);
		fputc(' ', f);
		fwrite(set->vectors + i * set->dims, sizeof(float), set->dims, f);
		if (fputc('\n', f) == EOF)
			return -1;
	}
	return 0;
}

/* Open a temporary file beside path. */
FILE *vs_tmpfile_open(const char *path, char **tmp_path, vs_error *err)
{
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (!tmp) {
		vs_fail(err, "out of memory");
		return NULL;
	}
	snprintf(tmp, n, "%s.tmp.XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		vs_fail(err, "%s: cannot create a temporary file beside it: %s", path, strerror(errno));
		free(tmp);
		return NULL;
	}
	fchmod(fd, 0644);
	FILE *f = fdopen(fd, "wb");
	if (!f) {
		close(fd);
		unlink(tmp);
		free(tmp);
		vs_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	*tmp_path = tmp;
	return f;
}

/* Flush, sync, close and rename into place; on any failure remove the temporary. */
int vs_tmpfile_commit(FILE *f, char *tmp_path, const char *path, int failed, vs_error *err)
{
	int e = 0;
	if (!failed && (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0))
		e = errno ? errno : EIO;
	if (fclose(f) != 0 && !e)
		e = errno;
	if (failed || e || rename(tmp_path, path) != 0) {
		if (!failed)
			vs_fail(err, "%s: cannot write: %s", path, strerror(e ? e : errno));
		unlink(tmp_path);
		free(tmp_path);
		return -1;
	}
	free(tmp_path);
	return 0;
}

int vs_save(const vs_vecset *set, const char *path, vs_format fmt, vs_error *err)
{
	if (fmt == VS_FMT_VECS || fmt == VS_FMT_AUTO)
		return vs_vecs_write(set, path, err);
	char *tmp;
	FILE *f = vs_tmpfile_open(path, &tmp, err);
	if (!f)
		return -1;
	int r;
	if (fmt == VS_FMT_WORD2VEC_BIN)
		r = write_binary(f, set);
	else
		r = write_text(f, set, fmt != VS_FMT_GLOVE);
	if (r < 0)
		vs_fail(err, "%s: cannot write: %s", path, strerror(errno));
	return vs_tmpfile_commit(f, tmp, path, r < 0, err);
}

/* ---- numpy .npy ---- */

vs_vecset *vs_npy_load(const char *path, const char *labels, vs_error *err)
{
	size_t len;
	char *buf = NULL;
	FILE *f = fopen(path, "rb");
	if (!f) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	long sz = ftell(f);
	fseek(f, 0, SEEK_SET);
	len = sz > 0 ? (size_t)sz : 0;
	buf = malloc(len ? len : 1);
	if (!buf || fread(buf, 1, len, f) != len) {
		fclose(f);
		free(buf);
		vs_fail(err, "%s: cannot read the file", path);
		return NULL;
	}
	fclose(f);
	vs_vecset *set = NULL;
	char **names = NULL;
	size_t nnames = 0;
	float *vals = NULL;
	/* magic, version, header length, a Python dict literal */
	unsigned major = len > 7 ? (unsigned char)buf[6] : 0;
	size_t hl = 0, hstart = major == 1 ? 10 : 12;
	if (len < 10 || (major != 1 && major != 2 && major != 3)) {
		vs_fail(err, "%s: not a .npy file this vecsh reads", path);
		goto out;
	}
	hl = major == 1 ? (size_t)(unsigned char)buf[8] | (size_t)(unsigned char)buf[9] << 8
	                : (size_t)(unsigned char)buf[8] | (size_t)(unsigned char)buf[9] << 8 |
	                      (size_t)(unsigned char)buf[10] << 16 | (size_t)(unsigned char)buf[11] << 24;
	if (hstart + hl > len) {
		vs_fail(err, "%s: truncated .npy header", path);
		goto out;
	}
	char header[1024];
	snprintf(header, sizeof header, "%.*s", (int)(hl < sizeof header - 1 ? hl : sizeof header - 1), buf + hstart);
	int f16 = strstr(header, "'<f2'") != NULL, f32 = strstr(header, "'<f4'") != NULL;
	const char *fo = strstr(header, "'fortran_order':");
	const char *shape = strstr(header, "'shape':");
	unsigned long long rows = 0, cols = 0;
	if ((!f16 && !f32) || !fo || strstr(fo, "True") == fo + 17 || !shape ||
	    sscanf(shape, "'shape': (%llu, %llu)", &rows, &cols) != 2) {
		vs_fail(err, "%s: expected a 2-D float32 or float16 array in C order (header %s)", path, header);
		goto out;
	}
	size_t el = f16 ? 2 : 4, data = hstart + hl;
	if (cols == 0 || cols > VS_MAX_DIMS || rows == 0 || rows > (len - data) / (cols * el) ||
	    rows * cols * el != len - data) {
		vs_fail(err, "%s: the data does not hold %llu x %llu values (truncated?)", path, rows, cols);
		goto out;
	}
	vals = malloc(rows * cols * sizeof *vals);
	if (!vals) {
		vs_fail(err, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < rows * cols; i++) {
		if (f16) {
			uint16_t h;
			memcpy(&h, buf + data + 2 * i, 2);
			vals[i] = vs_half_to_float(h);
		} else {
			memcpy(&vals[i], buf + data + 4 * i, 4);
		}
		if (!isfinite(vals[i])) {
			vs_fail(err, "%s: value %zu of row %zu is not a finite number", path, (size_t)(i % cols + 1), (size_t)(i / cols + 1));
			goto out;
		}
	}
	/* the labels: one a line, as many as rows */
	FILE *lf = fopen(labels, "r");
	if (!lf) {
		vs_fail(err, "%s: %s", labels, strerror(errno));
		goto out;
	}
	names = calloc(rows, sizeof *names);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while (names && (n = getline(&line, &cap, lf)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (nnames == rows) {
			nnames++;
			break;
		}
		names[nnames++] = strdup(line);
	}
	free(line);
	fclose(lf);
	if (!names || nnames != rows) {
		if (nnames > rows)
			vs_fail(err, "%s: more labels than the %llu rows of %s", labels, rows, path);
		else
			vs_fail(err, "%s: %zu labels for the %llu rows of %s", labels, nnames, rows, path);
		goto out;
	}
	set = vs_vecset_from_arrays((const char *const *)names, rows, vals, cols, err);
	if (set && (set->source = strdup(path)) == NULL) {
		vs_vecset_free(set);
		set = NULL;
		vs_fail(err, "out of memory");
	}
out:
	for (size_t i = 0; names && i < nnames && i < rows; i++)
		free(names[i]);
	free(names);
	free(vals);
	free(buf);
	return set;
}

FILE *vs_tmpfile_open_public(const char *path, char **tmp_path, vs_error *err)
{
	return vs_tmpfile_open(path, tmp_path, err);
}

int vs_tmpfile_commit_public(FILE *f, char *tmp_path, const char *path, int failed, vs_error *err)
{
	return vs_tmpfile_commit(f, tmp_path, path, failed, err);
}

void *vs_map_file(const char *path, size_t min, const char *what, size_t *len, vs_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0) {
		vs_fail(err, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	size_t size = (size_t)st.st_size;
	if (size < min) {
		close(fd);
		vs_fail(err, "%s: truncated %s: %zu bytes, smaller than its header", path, what, size);
		return NULL;
	}
	void *map = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		vs_fail(err, "%s: cannot map the file: %s", path, strerror(errno));
		return NULL;
	}
	*len = size;
	return map;
}
