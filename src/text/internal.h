/* internal.h: what the index builder, file and queries share (private to src/text). */
#ifndef VECSH_TEXT_INTERNAL_H
#define VECSH_TEXT_INTERNAL_H

#include "text/text.h"

/* Internal interface of the TF-IDF engine. */

int cmp_u64(const void *a, const void *b);

/* A new index with its counts set; arrays are attached by the caller. */
vs_index *vs_index_alloc(size_t ndocs, size_t nterms, const vs_index_options *opt, const vs_stopwords *stop);
/* Keep p to be freed with the index; returns p (NULL stays NULL). */
void *vs_index_own(vs_index *ix, void *p);
/* Build the inverted postings from the forward ones. */
int vs_index_invert(vs_index *ix);
/* Build the term hash table. */
int vs_index_hash_terms(vs_index *ix);
/* The analyzer the index was built with. */
void vs_index_analyzer(const vs_index *ix, vs_analyzer *an);

#endif
