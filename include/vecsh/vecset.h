/* vecset.h: a set of word vectors held in memory (or mapped from a .vecs file). */
#ifndef VECSH_VECSET_H
#define VECSH_VECSET_H

#include <stddef.h>
#include <stdint.h>

#include "vecsh/error.h"

/* Hard limits that keep malformed headers from asking for absurd memory. */
#define VS_MAX_DIMS 100000

typedef struct vs_vecset {
	char *name;          /* the set's name in the session */
	char *source;        /* path it was loaded from */
	const char *format;  /* format it was read in (static string) */
	size_t count;        /* number of words */
	size_t dims;         /* dimensions of each vector */
	const char **words;  /* count words, in file order */
	const float *vectors;/* count x dims, row-major */
	const float *norms;  /* count L2 norms */

	/* word -> index hash table: open addressing, slot = index + 1, 0 = empty */
	const uint32_t *slots;
	size_t nslots;       /* power of two */

	/* case-folded lookup built on demand (evaluations) */
	uint32_t *upper_slots;
	char **upper_words;  /* upper-cased word i (only for i < upper_limit) */
	size_t upper_limit, upper_nslots;

	/* sorted permutation for prefix completion, built on demand */
	uint32_t *sorted;

	/* ownership */
	char *word_blob;     /* malloc'd storage of the words, or NULL */
	float *own_vectors, *own_norms;
	uint32_t *own_slots;
	void *map;           /* mmap'd .vecs file, or NULL */
	size_t map_len;
} vs_vecset;

/* 64-bit FNV-1a: the hash of the word index, also stored in .vecs files. */
uint64_t vs_hash_word(const char *w, size_t len);

/* Sum of n floats in numpy's pairwise order (for norms equal to numpy's). */
float vs_pairwise_sum(const float *a, size_t n);

/* Index of word, or -1. */
long vs_vecset_find(const vs_vecset *set, const char *word);

/* Index of the first (most frequent) word among the first `limit` words whose
 * upper-cased form equals upper (itself upper-cased), or -1; builds the
 * case-folded table for that limit on first use. */
long vs_vecset_find_upper(vs_vecset *set, const char *upper, size_t limit, vs_error *err);

/* Compute norms (if not present) and build the hash index: call after filling
 * words/vectors. Fails on allocation failure. */
int vs_vecset_finish(vs_vecset *set, vs_error *err);

/* Words starting with prefix, in byte order: calls fn for each until it
 * returns nonzero. Builds the sorted permutation on first use. */
int vs_vecset_prefix(vs_vecset *set, const char *prefix,
                     int (*fn)(const char *word, void *ctx), void *ctx);

/* A set made from n names and n x dims values (both copied). Names must be
 * distinct. */
vs_vecset *vs_vecset_from_arrays(const char *const *names, size_t n, const float *values, size_t dims,
                                 vs_error *err);

/* Bytes of memory the set holds (heap and mapping). */
size_t vs_vecset_memory(const vs_vecset *set);

void vs_vecset_free(vs_vecset *set);

#endif
