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

/* The next word (after the newlines word2vec leaves between rows) and the
 * space after it, checked as the buffer parser checks it. */
static int bin_word(vs_stream *st, vs_rows *b, size_t count, const vs_load_options *opt, uint64_t *word_at,
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
		if (vs_rows_word(b, b->n, p, len, err) < 0)
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
	vs_rows b = {.dims = dims};
	size_t vbytes = dims * sizeof(float);
	while (b.n < n) {
		uint64_t word_at;
		if (vs_rows_room(&b, 1, n, !st->gz, path, err) < 0 || bin_word(st, &b, count, opt, &word_at, err) < 0)
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
	return vs_rows_set(&b, path, 0, opt, rep, err);
fail:
	vs_stream_intact(st, err); /* a file cut short underneath: say so, not what it looked like */
	vs_rows_free(&b);
	return NULL;
}

int vs_write_binary(FILE *f, const vs_vecset *set)
{
	fprintf(f, "%zu %zu\n", set->count, set->dims);
	for (size_t i = 0; i < set->count; i++) {
		fputs(vs_vecset_word(set, i), f);
		fputc(' ', f);
		fwrite(set->vectors + i * set->dims, sizeof(float), set->dims, f);
		if (fputc('\n', f) == EOF)
			return -1;
	}
	return 0;
}
