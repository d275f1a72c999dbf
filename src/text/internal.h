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

/* An index file written in place (index --to): vs_index_writer_start writes
 * the header's place and every section the index has in memory, for the
 * counts it has (ndocs, nterms, nnz, raw_nnz, ...); the sections it leaves
 * NULL are put later, each in pieces from its start in order (at is the byte
 * offset within it, a check), and can be read back; finish combines the
 * sections' checksums into the file's and renames it into place (or, failed,
 * removes it). */
enum {
	VS_IXS_DOC_TERM = 12, VS_IXS_DOC_WEIGHT = 13, VS_IXS_DOC_COUNT = 14,
	VS_IXS_TERM_DOC = 16, VS_IXS_TERM_WEIGHT = 17, VS_IXS_TERM_COUNT = 18,
	VS_IXS_RAW_TERM = 26, VS_IXS_RAW_COUNT = 27,
};
typedef struct vs_index_writer vs_index_writer;
vs_index_writer *vs_index_writer_start(const vs_index *ix, const char *path, vs_error *err);
int vs_index_writer_put(vs_index_writer *w, int section, uint64_t at, const void *p, size_t n);
int vs_index_writer_get(vs_index_writer *w, int section, uint64_t at, void *p, size_t n);
int vs_index_writer_finish(vs_index_writer *w, const char *path, int failed, vs_error *err);

/* A query or text as the index sees it: its terms, each once, with counts. */
typedef struct vs_qterm {
	char *text;     /* the term; in hash mode the words typed that fell in the bucket, "+cat -on" */
	long id;        /* the index's term, or -1 */
	long bucket;    /* hash mode: the bucket, used or not; else -1 */
	double count;   /* hash mode: the signed count, as HashingVectorizer adds them */
	size_t offset;  /* first occurrence in the text */
} vs_qterm;

typedef struct vs_query {
	const vs_index *ix;
	vs_qterm *t;
	size_t n, cap;
	int oom;
} vs_query;

/* -1 when out of memory (free the query all the same). */
int vs_query_analyze(const vs_index *ix, const char *text, vs_query *q);
void vs_query_free(vs_query *q);

#endif
