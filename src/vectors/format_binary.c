/* The original word2vec tool's binary format: "count dims" then each word, a
 * space and dims raw little-endian float32 values. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vectors/internal.h"

/* Read front to back through a window: the words and the values go straight
 * to their places, the file (or its gzip stream) never held whole; --limit
 * stops reading after its rows. */

#define BIN_WINDOW (16u << 20)
#define BIN_MAX_WORD (BIN_WINDOW / 2)

typedef struct bin_rows {
	float *vectors;
	size_t cap, n;         /* rows allocated, read */
	char *blob;            /* the words, NUL-terminated, one after another */
	size_t blob_len, blob_cap;
	size_t *word_off, *word_len;
} bin_rows;

static void bin_rows_free(bin_rows *b)
{
	free(b->vectors);
	free(b->blob);
	free(b->word_off);
	free(b->word_len);
}

/* Room for one more row: the matrix grows by doubling up to the header's count. */
static int bin_room(bin_rows *b, size_t count, size_t dims, int all, const char *path, vs_error *err)
{
	if (b->n < b->cap)
		return 0;
	size_t cap = all ? count : b->cap ? 2 * b->cap : 65536;
	if (cap > count || count - cap < cap / 8) /* no room wasted at the end */
		cap = count;
	float *v = realloc(b->vectors, cap * dims * sizeof *v);
	if (v)
		b->vectors = v;
	size_t *o = v ? realloc(b->word_off, cap * sizeof *o) : NULL;
	if (o)
		b->word_off = o;
	size_t *l = o ? realloc(b->word_len, cap * sizeof *l) : NULL;
	if (!l)
		return vs_fail(err, "%s: out of memory for %zu x %zu vectors", path, cap, dims);
	b->word_len = l;
	b->cap = cap;
	return 0;
}

static int bin_add_word(bin_rows *b, const char *w, size_t len, vs_error *err)
{
	if (b->blob_cap - b->blob_len < len + 1) {
		size_t cap = b->blob_cap ? b->blob_cap : 1 << 20;
		while (cap - b->blob_len < len + 1)
			cap *= 2;
		char *nb = realloc(b->blob, cap);
		if (!nb)
			return vs_oom(err);
		b->blob = nb;
		b->blob_cap = cap;
	}
	memcpy(b->blob + b->blob_len, w, len);
	b->blob[b->blob_len + len] = '\0';
	b->word_off[b->n] = b->blob_len;
	b->word_len[b->n] = len;
	b->blob_len += len + 1;
	return 0;
}

/* The next word (after the newlines word2vec leaves between rows) and the
 * space after it, checked as the buffer parser checks it. */
static int bin_word(vs_stream *st, bin_rows *b, size_t count, const vs_load_options *opt, uint64_t *word_at,
                    vs_error *err)
{
	size_t want = 4096; /* a window that holds the word, grown for a long one */
	for (;;) {
		long have = vs_stream_fill(st, want, err);
		if (have < 0)
			return -1;
		const char *p = st->buf + st->pos, *end = st->buf + st->end;
		while (p < end && *p == '\n')
			p++;
		st->pos = (size_t)(p - st->buf);
		uint64_t at = *word_at = vs_stream_offset(st);
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		if (!sp && !st->eof && (p == end || want < BIN_MAX_WORD)) {
			if (p != end)
				want = 2 * (size_t)(end - p);
			continue;
		}
		if (!sp) {
			if (!st->eof)
				return vs_fail(err, "%s: byte offset %llu: word %zu is longer than %u bytes (not a word2vec binary "
				               "file?)", st->path, (unsigned long long)at, b->n + 1, BIN_MAX_WORD);
			return vs_fail(err, "%s: truncated at byte offset %llu: word %zu of %zu is incomplete", st->path,
			               (unsigned long long)at, b->n + 1, count);
		}
		size_t len = (size_t)(sp - p);
		if (memchr(p, '\0', len))
			return vs_fail(err, "%s: byte offset %llu: word %zu contains a NUL byte", st->path, (unsigned long long)at,
			               b->n + 1);
		if (opt->strict && vs_utf8_invalid_count(p, len))
			return vs_fail(err, "%s: byte offset %llu: word %zu is not valid UTF-8", st->path, (unsigned long long)at,
			               b->n + 1);
		if (bin_add_word(b, p, len, err) < 0)
			return -1;
		st->pos += len + 1;
		return 0;
	}
}

/* Only white space may follow the rows the header counts. */
static int bin_trailing(vs_stream *st, size_t count, vs_error *err)
{
	for (;;) {
		long have = vs_stream_fill(st, BIN_WINDOW, err);
		if (have < 0)
			return -1;
		for (size_t i = st->pos; i < st->end; i++)
			if (st->buf[i] != '\n' && st->buf[i] != '\r' && st->buf[i] != ' ') {
				st->pos = i;
				return vs_fail(err, "%s: byte offset %llu: more data after the %zu words the header says", st->path,
				               (unsigned long long)vs_stream_offset(st), count);
			}
		st->pos = st->end;
		if (st->eof)
			return 0;
	}
}

/* Are n floats all finite? A float is infinite or NaN when its exponent bits
 * are all ones: adding one to that field carries into the sign bit. */
__attribute__((optimize("O3"))) static int all_finite(const float *v, size_t n)
{
	uint32_t carry = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t u;
		memcpy(&u, v + i, sizeof u);
		carry |= (u & 0x7f800000u) + 0x00800000u;
	}
	return !(carry & 0x80000000u);
}

vs_vecset *vs_read_binary_stream(vs_stream *st, const vs_load_options *opt, vs_load_report *rep, vs_error *err)
{
	const char *path = st->path;
	size_t count, dims, hlen;
	long have = vs_stream_fill(st, 4096, err);
	if (have < 0)
		return NULL;
	if (!vs_parse_header(st->buf + st->pos, (size_t)have, &count, &dims, &hlen)) {
		vs_fail(err, "%s: byte offset 0: expected a header 'count dims'", path);
		return NULL;
	}
	if (dims == 0 || dims > VS_MAX_DIMS) {
		vs_fail(err, "%s: line 1: header claims %zu dimensions (must be 1 to %d)", path, dims, VS_MAX_DIMS);
		return NULL;
	}
	size_t rec = dims * sizeof(float) + 2; /* at least a 1-byte word and a space */
	if (!st->gz && st->size && count > (st->size - hlen) / rec + 1) {
		vs_fail(err, "%s: truncated: header claims %zu words of %zu dimensions, more than the file's %llu bytes hold",
		        path, count, dims, (unsigned long long)st->size);
		return NULL;
	}
	st->pos += hlen;
	size_t n = opt->limit && opt->limit < count ? opt->limit : count;
	if (n == 0) {
		vs_fail(err, "%s: no vectors in the file", path);
		return NULL;
	}
	bin_rows b = {0};
	size_t vbytes = dims * sizeof(float);
	if (!st->gz) { /* the header's count was checked against the size: room for all at once */
		if (bin_room(&b, n, dims, 1, path, err) < 0)
			goto fail;
		vs_prefault(b.vectors, n * vbytes);
	}
	while (b.n < n) {
		uint64_t word_at;
		if (bin_room(&b, n, dims, 0, path, err) < 0 || bin_word(st, &b, count, opt, &word_at, err) < 0)
			goto fail;
		uint64_t at = vs_stream_offset(st);
		float *v = b.vectors + b.n * dims;
		long got = vs_stream_read(st, v, vbytes, err);
		if (got < 0)
			goto fail;
		if ((size_t)got < vbytes) {
			vs_fail(err, "%s: truncated at byte offset %llu: word %zu of %zu is incomplete", path,
			        (unsigned long long)word_at, b.n + 1, count);
			goto fail;
		}
		for (size_t d = 0; !all_finite(v, dims) && d < dims; d++)
			if (!isfinite(v[d])) {
				vs_fail(err, "%s: byte offset %llu: value %zu of word %zu is not a finite number", path,
				        (unsigned long long)(at + d * sizeof(float)), d + 1, b.n + 1);
				goto fail;
			}
		b.n++;
		if (opt->progress && (b.n & 65535) == 0)
			opt->progress(opt->progress_ctx, vs_stream_progress(st));
	}
	if (n == count && bin_trailing(st, count, err) < 0)
		goto fail;
	vs_vecset *set = vs_build_set(path, b.blob, n, dims, b.vectors, b.word_off, b.word_len, 0, opt, rep, err);
	b.vectors = NULL; /* the set's now, or freed */
	bin_rows_free(&b);
	return set;
fail:
	bin_rows_free(&b);
	return NULL;
}

int vs_write_binary(FILE *f, const vs_vecset *set)
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
