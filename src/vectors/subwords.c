/* A word's vector in a fastText model (Dictionary::computeSubwords and
 * FastText::getWordVector): its character n-grams, hashed into buckets, and
 * the mean of their rows of the input matrix, dense or product-quantized. */
#include <stdlib.h>
#include <string.h>

#include "vectors/vectors.h"

#define FT_KSUB 256
/* fastText's end-of-line word, which has no n-grams */
#define FT_EOS "</s>"

/* ---- a word's n-grams (Dictionary::computeSubwords) and vector */

uint32_t vs_fasttext_hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (uint32_t)(int32_t)(int8_t)s[i]; /* fastText widens a signed char */
		h *= 16777619u;
	}
	return h;
}

/* The input row of hash bucket h, or -1 when a quantized model pruned it. */
static long bucket_row(const vs_subwords *sw, uint32_t h)
{
	if (sw->pruned == 0)
		return -1;
	if (sw->pruned < 0)
		return (long)(sw->nwords + h);
	long lo = 0, hi = sw->pruned - 1;
	while (lo <= hi) {
		long mid = lo + (hi - lo) / 2;
		if (sw->prune_from[mid] == (int32_t)h)
			return (long)sw->nwords + sw->prune_to[mid];
		if (sw->prune_from[mid] < (int32_t)h)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

size_t vs_subwords_walk(const vs_subwords *sw, const char *word,
                        void (*fn)(void *ctx, const char *ngram, size_t len, uint32_t bucket, long row), void *ctx)
{
	if (sw->maxn <= 0 || strcmp(word, FT_EOS) == 0)
		return 0;
	size_t wlen = strlen(word), n = wlen + 2, count = 0;
	char stack[256], *w = n <= sizeof stack ? stack : malloc(n);
	if (!w)
		return 0;
	w[0] = '<';
	memcpy(w + 1, word, wlen);
	w[n - 1] = '>';
	for (size_t i = 0; i < n; i++) {
		if ((w[i] & 0xC0) == 0x80)
			continue;
		size_t j = i;
		for (int chars = 1; j < n && chars <= sw->maxn; chars++) {
			j++;
			while (j < n && (w[j] & 0xC0) == 0x80)
				j++;
			if (chars >= sw->minn && !(chars == 1 && (i == 0 || j == n))) {
				uint32_t h = vs_fasttext_hash(w + i, j - i) % sw->bucket;
				long row = bucket_row(sw, h);
				if (row >= 0)
					count++;
				if (fn)
					fn(ctx, w + i, j - i, h, row);
			}
		}
	}
	if (w != stack)
		free(w);
	return count;
}

void vs_subwords_add_row(const vs_subwords *sw, size_t row, float *restrict x)
{
	size_t dims = (size_t)sw->dim;
	if (!sw->quantized) {
		const unsigned char *restrict v = sw->input + row * dims * sizeof(float);
		for (size_t j = 0; j < dims; j++) {
			float f;
			memcpy(&f, v + j * sizeof f, sizeof f); /* an unaligned load */
			x[j] += f;
		}
		return;
	}
	/* ProductQuantizer::addcode, with the row's norm when norms are quantized */
	float alpha = sw->qnorm ? sw->norm_centroids[sw->norm_codes[row]] : 1.0f;
	const uint8_t *code = sw->codes + (size_t)sw->nsubq * row;
	for (int m = 0; m < sw->nsubq; m++) {
		int last = m == sw->nsubq - 1, d = last ? sw->lastdsub : sw->dsub;
		const float *c = last ? sw->centroids + (size_t)m * FT_KSUB * sw->dsub + (size_t)code[m] * sw->lastdsub
		                      : sw->centroids + ((size_t)m * FT_KSUB + code[m]) * sw->dsub;
		for (int k = 0; k < d; k++)
			x[m * sw->dsub + k] += alpha * c[k];
	}
}

typedef struct add_ctx {
	const vs_subwords *sw;
	float *x;
} add_ctx;

static void add_ngram(void *ctx, const char *ngram, size_t len, uint32_t bucket, long row)
{
	(void)ngram, (void)len, (void)bucket;
	add_ctx *c = ctx;
	if (row >= 0)
		vs_subwords_add_row(c->sw, (size_t)row, c->x);
}

size_t vs_subwords_vector(const vs_subwords *sw, const char *word, long dict_row, float *out)
{
	memset(out, 0, (size_t)sw->dim * sizeof *out);
	size_t n = 0;
	if (dict_row >= 0) {
		vs_subwords_add_row(sw, (size_t)dict_row, out);
		n++;
	}
	add_ctx c = {sw, out};
	n += vs_subwords_walk(sw, word, add_ngram, &c);
	if (n > 0) {
		float scale = (float)(1.0 / (double)n); /* as fastText: Vector::mul(1.0 / n) */
		for (int j = 0; j < sw->dim; j++)
			out[j] *= scale;
	}
	return n;
}

void vs_subwords_free(vs_subwords *sw)
{
	if (!sw)
		return;
	free(sw->prune_from);
	free(sw->prune_to);
	free(sw->codes);
	free(sw->centroids);
	free(sw->norm_codes);
	free(sw);
}

