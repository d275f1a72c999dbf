/* Building a set from parsed rows: words checked and repaired as UTF-8,
 * duplicates dropped, the word index made. Shared by every text and binary reader. */
#include <stdlib.h>
#include <string.h>

#include "vectors/internal.h"

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
	/* the words' hashes on every core first; beside each slot, 32 more bits
	 * of its word's hash, so that a probe rarely compares strings; the slot
	 * of a word a few rows ahead fetched while this one goes in */
	uint64_t *hash = malloc((n ? n : 1) * sizeof *hash);
	uint32_t *tags = malloc(nslots * sizeof *tags);
	if (!set || !blob || !words || !slots || !hash || !tags) {
		vs_fail(err, "out of memory for %zu words", n);
		goto fail;
	}
	word_hashes wh = {buf, word_off, word_len, hash};
	vs_parallel_ranges(n, 4096, 0, hash_words, &wh);
	size_t o = 0, w = 0, mask = nslots - 1;
	for (size_t r = 0; r < n; r++) {
		if (r + 16 < n) {
			__builtin_prefetch(&slots[hash[r + 16] & mask]);
			__builtin_prefetch(&tags[hash[r + 16] & mask]);
		}
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
		uint64_t h = bad ? vs_hash_fnv1a(dst, len) : hash[r];
		uint32_t tag = (uint32_t)(h >> 32);
		size_t i = (size_t)h & mask;
		int dup = 0;
		for (; slots[i]; i = (i + 1) & mask)
			if (tags[i] == tag && strcmp(words[slots[i] - 1], dst) == 0) {
				dup = 1;
				break;
			}
		if (dup) {
			rep->duplicates++;
			continue;
		}
		slots[i] = (uint32_t)w + 1;
		tags[i] = tag;
		words[w] = dst;
		if (vectors && w != r)
			memmove(vectors + w * dims, vectors + r * dims, dims * sizeof *vectors);
		o += len + 1;
		w++;
	}
	free(hash);
	free(tags);
	set->count = w;
	set->dims = dims;
	set->words = words;
	set->word_blob = blob;
	set->own_vectors = vectors;
	set->vectors = vectors;
	set->own_slots = slots;
	set->slots = slots;
	set->nslots = nslots;
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
fail:
	free(set);
	free(blob);
	free(words);
	free(slots);
	free(hash);
	free(tags);
	free(vectors);
	return NULL;
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
