/* query.h: word-vector queries, with gensim's KeyedVectors definitions. */
#ifndef VECSH_QUERY_H
#define VECSH_QUERY_H

#include <stddef.h>

#include "vecsh/error.h"
#include "vecsh/topk.h"
#include "vecsh/vecset.h"

/* most_similar: cosine between every word of the first restrict words
 * (0 = all) and the normalised mean of the unit vectors of pos minus those of
 * neg; the query words themselves are left out. Writes up to k hits. */
int vs_most_similar(const vs_vecset *set, const long *pos, size_t npos, const long *neg, size_t nneg,
                    size_t k, size_t restrict_vocab, vs_hit *out, size_t *nout, vs_error *err);

/* most_similar_cosmul: Levy and Goldberg's 3CosMul, gensim's formula. */
int vs_most_similar_cosmul(const vs_vecset *set, const long *pos, size_t npos, const long *neg,
                           size_t nneg, size_t k, vs_hit *out, size_t *nout, vs_error *err);

/* Cosine similarity of two words (gensim's similarity). */
float vs_similarity(const vs_vecset *set, long a, long b);

/* gensim's rank(a, b): 1 + the number of words (other than a) closer to a than b is. */
size_t vs_rank(const vs_vecset *set, long a, long b, vs_error *err);

/* gensim's rank_by_centrality: order idx[0..n) by cosine with the mean of
 * their unit vectors, most central first; out gets the order and scores.
 * The last one is the word that does not match (doesnt_match). */
int vs_rank_by_centrality(const vs_vecset *set, const long *idx, size_t n, vs_hit *out, vs_error *err);

/* Words within a small edit distance of word, most frequent first (at most max). */
size_t vs_suggest(const vs_vecset *set, const char *word, long *out, size_t max);

/* Unit vector of word i as gensim computes it (vectors[i] / norms[i]). */
void vs_unit_vector(const vs_vecset *set, long i, float *out);

/* gensim's matutils.unitvec on a float32 vector, in place. */
void vs_unitvec(float *v, size_t n);

#endif
