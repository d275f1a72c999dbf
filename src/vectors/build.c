/* Building a set from parsed rows: words checked and repaired as UTF-8,
 * duplicates dropped, the word index made. Shared by every text and binary reader. */
#include <stdlib.h>
#include <string.h>

#include "vectors/internal.h"

/* The words of a set being built: their storage (repaired copies, end to
 * end), the hash index, and while it is made each word's hash (computed on
 * every core first) and beside each slot 32 more bits of its word's hash,
 * so that a probe rarely compares strings. */
typedef struct word_index {
	const char **words;
	char *blob;
	uint32_t *slots, *tags;
	uint64_t *hash;
	size_t nslots, used; /* slots; bytes of blob used */
} word_index;

typedef struct word_hashes {
	const char *buf;
	const size_t *off, *len;
	uint64_t *hash;
} word_hashes;

static void hash_words(void *arg, size_t from, size_t to)
{
	word_hashes *w = arg;
	for (size_t r = from; r < to; r++)
		w->hash[r] = vs_hash_fnv1a(w->buf + w->off[r], w->len[r]);
}

static void word_index_free(word_index *x)
{
	free(x->words), free(x->blob), free(x->slots), free(x->tags), free(x->hash);
	memset(x, 0, sizeof *x);
}

/* Room for n words (each ill-formed byte run of a word grows to 3 bytes at
 * most) and their hashes. */
static int word_index_init(word_index *x, const char *buf, size_t n, const size_t *word_off, const size_t *word_len)
{
	memset(x, 0, sizeof *x);
	size_t blob_len = 1;
	for (size_t i = 0; i < n; i++)
		blob_len += word_len[i] + 1 + 2 * vs_utf8_invalid_count(buf + word_off[i], word_len[i]);
	x->nslots = 16;
	while (x->nslots < n * 2)
		x->nslots <<= 1;
	x->blob = malloc(blob_len);
	x->words = malloc((n ? n : 1) * sizeof *x->words);
	x->slots = calloc(x->nslots, sizeof *x->slots);
	x->tags = malloc(x->nslots * sizeof *x->tags);
	x->hash = malloc((n ? n : 1) * sizeof *x->hash);
	if (!x->blob || !x->words || !x->slots || !x->tags || !x->hash) {
		word_index_free(x);
		return -1;
	}
	word_hashes wh = {buf, word_off, word_len, x->hash};
	vs_parallel_ranges(n, 4096, 0, hash_words, &wh);
	return 0;
}

/* Word dst (in the blob, hash h) as word number w, unless the index has it
 * already (duplicates keep the first occurrence, as gensim does): 1 added, 0 not. */
static int word_index_add(word_index *x, const char *dst, uint64_t h, size_t w)
{
	size_t mask = x->nslots - 1, i = (size_t)h & mask;
	uint32_t tag = (uint32_t)(h >> 32);
	for (; x->slots[i]; i = (i + 1) & mask)
		if (x->tags[i] == tag && strcmp(x->words[x->slots[i] - 1], dst) == 0)
			return 0;
	x->slots[i] = (uint32_t)w + 1;
	x->tags[i] = tag;
	x->words[w] = dst;
	return 1;
}

/* A word that cannot be kept: a NUL byte in it, or invalid UTF-8 with
 * --strict (else it is repaired and counted). */
static int check_word(const char *path, const char *word, size_t len, size_t r, size_t line_base, size_t off,
                      int strict, vs_error *err)
{
	const char *why = memchr(word, '\0', len) ? "contains a NUL byte"
	                  : strict && vs_utf8_invalid_count(word, len) ? "is not valid UTF-8" : NULL;
	if (!why)
		return 0;
	if (line_base)
		return vs_fail(err, "%s: line %zu: the word %s", path, line_base + r, why);
	return vs_fail(err, "%s: byte offset %zu: word %zu %s", path, off, r + 1, why);
}

/* The set over its words, vectors (n rows read, w kept) and index. */
static vs_vecset *set_of_index(word_index *x, size_t w, size_t n, size_t dims, float *vectors, vs_error *err)
{
	vs_vecset *set = calloc(1, sizeof *set);
	if (!set) {
		word_index_free(x);
		free(vectors);
		vs_fail(err, "out of memory for %zu words", n);
		return NULL;
	}
	free(x->hash), free(x->tags);
	set->count = w;
	set->dims = dims;
	set->words = x->words;
	set->word_blob = x->blob;
	set->own_vectors = vectors;
	set->vectors = vectors;
	set->own_slots = x->slots;
	set->slots = x->slots;
	set->nslots = x->nslots;
	if (vectors && w < n) {
		float *shrunk = realloc(vectors, w * dims * sizeof *vectors);
		if (shrunk)
			set->own_vectors = shrunk, set->vectors = shrunk;
	}
	if (vs_vecset_finish(set, err) < 0) {
		vs_vecset_free(set);
		return NULL;
	}
	return set;
}

vs_vecset *vs_build_set(const char *path, const char *buf, size_t n, size_t dims, float *vectors,
                        const size_t *word_off, const size_t *word_len, size_t line_base,
                        const vs_load_options *opt, vs_load_report *rep, vs_error *err)
{
	word_index x;
	if (word_index_init(&x, buf, n, word_off, word_len) < 0) {
		free(vectors);
		vs_fail(err, "out of memory for %zu words", n);
		return NULL;
	}
	size_t w = 0, mask = x.nslots - 1;
	for (size_t r = 0; r < n; r++) {
		if (r + 16 < n) { /* the slot of a word a few rows ahead, fetched while this one goes in */
			__builtin_prefetch(&x.slots[x.hash[r + 16] & mask]);
			__builtin_prefetch(&x.tags[x.hash[r + 16] & mask]);
		}
		const char *word = buf + word_off[r];
		size_t len = word_len[r];
		if (check_word(path, word, len, r, line_base, word_off[r], opt->strict, err) < 0) {
			word_index_free(&x);
			free(vectors);
			return NULL;
		}
		char *dst = x.blob + x.used;
		size_t bad = vs_utf8_invalid_count(word, len);
		if (bad) {
			rep->invalid_utf8++;
			len = vs_utf8_repair(word, len, dst);
		} else {
			memcpy(dst, word, len);
			dst[len] = '\0';
		}
		if (!word_index_add(&x, dst, bad ? vs_hash_fnv1a(dst, len) : x.hash[r], w)) {
			rep->duplicates++;
			continue;
		}
		if (vectors && w != r)
			memmove(vectors + w * dims, vectors + r * dims, dims * sizeof *vectors);
		x.used += len + 1;
		w++;
	}
	return set_of_index(&x, w, n, dims, vectors, err);
}

/* ---- rows read from a stream, before they become a set */

void vs_rows_free(vs_rows *r)
{
	free(r->vectors);
	free(r->word_off);
	free(r->word_len);
	free(r->blob);
	memset(r, 0, sizeof *r);
}

int vs_rows_room(vs_rows *r, size_t more, size_t max, int all, const char *path, vs_error *err)
{
	if (r->cap - r->n >= more)
		return 0;
	size_t cap = all ? max : r->cap ? 2 * r->cap : 65536;
	while (cap - r->n < more)
		cap *= 2;
	if (cap > max || max - cap < cap / 8) /* no room wasted at the end */
		cap = max;
	float *v = realloc(r->vectors, cap * r->dims * sizeof *v);
	if (v)
		r->vectors = v;
	size_t *o = v ? realloc(r->word_off, cap * sizeof *o) : NULL;
	if (o)
		r->word_off = o;
	size_t *l = o ? realloc(r->word_len, cap * sizeof *l) : NULL;
	if (!l)
		return vs_fail(err, "%s: out of memory for %zu x %zu vectors", path, cap, r->dims);
	r->word_len = l;
	if (all && !r->cap) {
		vs_advise_huge(r->vectors, cap * r->dims * sizeof *v);
		vs_prefault(r->vectors, cap * r->dims * sizeof *v);
	}
	r->cap = cap;
	return 0;
}

int vs_rows_word(vs_rows *r, size_t i, const char *w, size_t len, vs_error *err)
{
	if (r->blob_cap - r->blob_len < len + 1) {
		size_t cap = r->blob_cap ? r->blob_cap : 1 << 20;
		while (cap - r->blob_len < len + 1)
			cap *= 2;
		char *nb = realloc(r->blob, cap);
		if (!nb)
			return vs_oom(err);
		r->blob = nb;
		r->blob_cap = cap;
	}
	memcpy(r->blob + r->blob_len, w, len);
	r->blob[r->blob_len + len] = '\0';
	r->word_off[i] = r->blob_len;
	r->word_len[i] = len;
	r->blob_len += len + 1;
	return 0;
}

vs_vecset *vs_rows_set(vs_rows *r, const char *path, size_t line_base, const vs_load_options *opt,
                       vs_load_report *rep, vs_error *err)
{
	vs_vecset *set = vs_build_set(path, r->blob, r->n, r->dims, r->vectors, r->word_off, r->word_len, line_base,
	                              opt, rep, err);
	r->vectors = NULL; /* the set's now, or freed */
	vs_rows_free(r);
	return set;
}
