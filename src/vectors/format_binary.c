/* The original word2vec tool's binary format: "count dims" then each word, a
 * space and dims raw little-endian float32 values. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vectors/internal.h"

vs_vecset *vs_parse_binary(const char *path, const char *buf, size_t len,
                           const vs_load_options *opt, vs_load_report *rep, vs_error *err)
{
	size_t count, dims, pos;
	if (!vs_parse_header(buf, len, &count, &dims, &pos)) {
		vs_fail(err, "%s: byte offset 0: expected a header 'count dims'", path);
		return NULL;
	}
	if (dims == 0 || dims > VS_MAX_DIMS) {
		vs_fail(err, "%s: line 1: header claims %zu dimensions (must be 1 to %d)", path, dims, VS_MAX_DIMS);
		return NULL;
	}
	size_t rec = dims * sizeof(float) + 2; /* at least a 1-byte word and a space */
	if (count > (len - pos) / rec + 1) {
		vs_fail(err, "%s: truncated: header claims %zu words of %zu dimensions, more than the file's %zu bytes hold",
		        path, count, dims, len);
		return NULL;
	}
	size_t n = count;
	if (opt->limit && opt->limit < n)
		n = opt->limit;
	if (n == 0) {
		vs_fail(err, "%s: no vectors in the file", path);
		return NULL;
	}
	float *vectors = malloc(n * dims * sizeof *vectors);
	size_t *word_len = malloc(n * sizeof *word_len);
	size_t *word_off = malloc(n * sizeof *word_off);
	if (!vectors || !word_len || !word_off) {
		free(vectors);
		free(word_len);
		free(word_off);
		vs_fail(err, "out of memory for %zu x %zu vectors", n, dims);
		return NULL;
	}
	size_t vbytes = dims * sizeof(float);
	for (size_t i = 0; i < n; i++) {
		while (pos < len && buf[pos] == '\n')
			pos++;
		const char *sp = pos < len ? memchr(buf + pos, ' ', len - pos) : NULL;
		if (!sp || (size_t)(sp - buf) + 1 + vbytes > len) {
			vs_fail(err, "%s: truncated at byte offset %zu: word %zu of %zu is incomplete", path, pos, i + 1, count);
			goto fail;
		}
		word_off[i] = pos;
		word_len[i] = (size_t)(sp - (buf + pos));
		const char *vp = sp + 1;
		float *v = vectors + i * dims;
		memcpy(v, vp, vbytes);
		for (size_t d = 0; d < dims; d++)
			if (!isfinite(v[d])) {
				vs_fail(err, "%s: byte offset %zu: value %zu of word %zu is not a finite number", path,
				        (size_t)(vp - buf) + d * sizeof(float), d + 1, i + 1);
				goto fail;
			}
		pos = (size_t)(vp - buf) + vbytes;
		if (opt->progress && (i & 65535) == 65535)
			opt->progress(opt->progress_ctx, (double)i / (double)n);
		if ((i & 4095) == 4095 && vs_interrupted) {
			vs_fail(err, "%s: interrupted", path);
			goto fail;
		}
	}
	if (!opt->limit || opt->limit >= count) {
		size_t q = pos;
		while (q < len && (buf[q] == '\n' || buf[q] == '\r' || buf[q] == ' '))
			q++;
		if (q < len) {
			vs_fail(err, "%s: byte offset %zu: more data after the %zu words the header says", path, q, count);
			goto fail;
		}
	}
	vs_vecset *set = vs_build_set(path, buf, n, dims, vectors, word_off, word_len, 0, opt, rep, err);
	free(word_len);
	free(word_off);
	return set;
fail:
	free(vectors);
	free(word_len);
	free(word_off);
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
