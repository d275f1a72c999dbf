/* The bag of words of a text, as scikit-learn's CountVectorizer builds it
 * (terms in sorted order, with their counts), and with the hashing trick as
 * HashingVectorizer(alternate_sign=True, norm=None) folds it: each term's
 * bucket and sign, and the signed total of each bucket. */
#include "text/internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct occurrences {
	char **t;
	size_t n, cap;
	int oom;
} occurrences;

static void add_occurrence(const char *term, size_t len, size_t offset, void *ctx)
{
	(void)offset;
	occurrences *o = ctx;
	if (o->oom)
		return;
	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 64;
		char **t = realloc(o->t, cap * sizeof *t);
		if (!t) {
			o->oom = 1;
			return;
		}
		o->t = t;
		o->cap = cap;
	}
	if (!(o->t[o->n] = strndup(term, len)))
		o->oom = 1;
	else
		o->n++;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_bucket(const void *a, const void *b)
{
	const vs_bow_term *x = a, *y = b;
	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	return strcmp(x->term, y->term);
}

/* Every term once, in sorted order (the vocabulary's), with its count. */
static int count_terms(occurrences *o, vs_bow *out, vs_error *err)
{
	if (o->n) /* an empty text has no array to sort */
		qsort(o->t, o->n, sizeof *o->t, cmp_str);
	out->t = calloc(o->n ? o->n : 1, sizeof *out->t);
	if (!out->t)
		return vs_oom(err);
	for (size_t i = 0; i < o->n; i++) {
		if (out->n && strcmp(out->t[out->n - 1].term, o->t[i]) == 0) {
			out->t[out->n - 1].count += 1;
			free(o->t[i]);
			continue;
		}
		out->t[out->n] = (vs_bow_term){o->t[i], 1, (long)out->n, -1, 0, 0};
		out->n++;
	}
	free(o->t);
	o->t = NULL;
	o->n = 0;
	return 0;
}

/* The hashing trick: buckets, signs and each bucket's signed total. */
static void fold_into_buckets(vs_bow *b, int bits, int binary)
{
	for (size_t i = 0; i < b->n; i++)
		b->t[i].bucket = vs_term_bucket(b->t[i].term, strlen(b->t[i].term), bits, &b->t[i].sign);
	if (b->n)
		qsort(b->t, b->n, sizeof *b->t, cmp_bucket);
	for (size_t i = 0, j; i < b->n; i = j) {
		double total = 0;
		for (j = i; j < b->n && b->t[j].bucket == b->t[i].bucket; j++)
			total += b->t[j].sign * b->t[j].count;
		for (size_t k = i; k < j; k++)
			b->t[k].total = binary ? 1 : total; /* X.data.fill(1) */
	}
}

int vs_bag_of_words(const vs_analyzer *an, const char *text, int hash_bits, int binary, vs_bow *out, vs_error *err)
{
	memset(out, 0, sizeof *out);
	if (hash_bits < 0 || hash_bits > VS_MAX_HASH_BITS)
		return vs_fail(err, "the hashing trick takes 2^1 to 2^%d buckets, not 2^%d", VS_MAX_HASH_BITS, hash_bits);
	occurrences o = {0};
	size_t n = vs_analyze(an, text, strlen(text), add_occurrence, &o, NULL);
	int rc = n == (size_t)-1 || o.oom ? vs_oom(err) : count_terms(&o, out, err);
	for (size_t i = 0; i < o.n; i++)
		free(o.t[i]);
	free(o.t);
	if (rc < 0) {
		vs_bow_free(out);
		return -1;
	}
	out->ntokens = n;
	if (binary)
		for (size_t i = 0; i < out->n; i++)
			out->t[i].count = 1;
	if (hash_bits)
		fold_into_buckets(out, hash_bits, binary);
	return 0;
}

int vs_bag_of_words_index(const vs_index *ix, const char *text, vs_bow *out, vs_error *err)
{
	vs_analyzer an;
	vs_index_analyzer(ix, &an);
	if (vs_bag_of_words(&an, text, ix->opt.hash_bits, ix->opt.binary, out, err) < 0)
		return -1;
	for (size_t i = 0; i < out->n; i++) /* the index's column (in hash mode its bucket's), or -1 */
		out->t[i].column = vs_index_term(ix, out->t[i].term);
	return 0;
}

void vs_bow_free(vs_bow *b)
{
	for (size_t i = 0; b->t && i < b->n; i++)
		free(b->t[i].term);
	free(b->t);
	memset(b, 0, sizeof *b);
}
