/* tfidf.h: TF-IDF indexes over document collections, with scikit-learn's
 * TfidfVectorizer weights, cosine and BM25 search through an inverted index,
 * and a checksummed, mapped file format. */
#ifndef VECSH_TFIDF_H
#define VECSH_TFIDF_H

#include <stddef.h>
#include <stdint.h>

#include "vecsh/error.h"
#include "vecsh/text.h"
#include "vecsh/topk.h"

typedef enum vs_norm { VS_NORM_L2, VS_NORM_L1, VS_NORM_NONE } vs_norm;

typedef struct vs_index_options {
	int lines;             /* one document per line */
	int ngram_min, ngram_max;
	double min_df, max_df; /* counts, or proportions when *_df_is_prop */
	int min_df_is_prop, max_df_is_prop;
	size_t max_features;   /* 0: no limit */
	int stopwords;         /* 0 none, 1 english, 2 file */
	const char *stopwords_file;
	int sublinear, no_smooth;
	vs_norm norm;
	int hash_bits;         /* 0: a vocabulary; else 2^bits hashed buckets */
	int threads;           /* 0: number of cores */
	void (*progress)(void *ctx, size_t docs, size_t bytes);
	void *progress_ctx;
} vs_index_options;

void vs_index_options_default(vs_index_options *o);

typedef struct vs_index_report {
	size_t skipped_binary, skipped_unreadable, invalid_utf8_docs;
	size_t bytes;
} vs_index_report;

/* The index; its arrays either live in memory or point into a mapped file. */
typedef struct vs_index {
	char *name;
	char *source;              /* PATHs as given, or the index file */
	vs_index_options opt;      /* how it was built (pointers cleared) */
	char *stopwords_blob;      /* the stop words used, NUL-separated, for queries */
	vs_stopwords *stop;
	size_t nstop_blob;

	uint32_t ndocs, nterms;
	uint64_t nnz;
	const char **doc_names;    /* "rel/path" or "file:line" */
	const char **doc_files;    /* file each document comes from (for snippets) */
	const uint32_t *doc_line;  /* line number with --lines, else 0 */
	const uint32_t *doc_len;   /* tokens */
	double avgdl;

	const char **terms;        /* sorted (byte order = code point order) */
	const uint32_t *df;
	const double *idf;
	const uint32_t *buckets;   /* hash mode: each term's bucket (terms in bucket order) */
	const uint32_t *slots;     /* term hash table: index + 1, 0 empty */
	size_t nslots;

	const uint64_t *doc_ptr;   /* ndocs + 1: the document's terms, by term id */
	const uint32_t *doc_term;
	const float *doc_weight;   /* normalised tf-idf */
	const float *doc_count;    /* raw term counts (signed sums in hash mode) */
	const uint64_t *term_ptr;  /* nterms + 1: the term's documents, by doc id */
	const uint32_t *term_doc;
	const float *term_weight;
	const float *term_count;

	void *mem[24];             /* owned allocations */
	size_t nmem;
	void *map;
	size_t map_len;
	uint32_t *sorted_docs;     /* document ids by name, for prefix lookup (built on demand) */
} vs_index;

/* Build from files and folders (walked recursively in name order; .gz read
 * through zlib; binary and unreadable files skipped and counted). */
vs_index *vs_index_build(const char *const *paths, size_t npaths, const vs_index_options *opt,
                         vs_index_report *rep, vs_error *err);
void vs_index_free(vs_index *ix);

long vs_index_term(const vs_index *ix, const char *term);
/* A document by exact name, unique prefix, or number (1-based). -1 none, -2 ambiguous. */
long vs_index_doc(vs_index *ix, const char *ref);

typedef struct vs_term_weight {
	long term;        /* -1: a term the index has never seen */
	char *text;       /* the term (owned) */
	double weight;
} vs_term_weight;

/* Terms of a document, heaviest first, ties by term. */
size_t vs_index_keywords(const vs_index *ix, long doc, size_t k, vs_term_weight *out);
/* Terms of ad-hoc text against the index's idf; unseen terms get the idf of
 * df = 0. Returns the count, or (size_t)-1 on failure; free texts with
 * vs_term_weights_free. */
size_t vs_index_text_keywords(const vs_index *ix, const char *text, size_t k, vs_term_weight *out);
void vs_term_weights_free(vs_term_weight *tw, size_t n);

/* Documents for a query: cosine over tf-idf, or BM25 (k1 1.2, b 0.75). */
int vs_index_search(const vs_index *ix, const char *query, int bm25, size_t k, vs_hit *out, size_t *nout,
                    vs_error *err);
/* Documents most similar to doc (cosine), doc itself left out. */
int vs_index_similar(const vs_index *ix, long doc, size_t k, vs_hit *out, size_t *nout, vs_error *err);
/* A short piece of the document around the query's rarest terms, or NULL. */
char *vs_index_snippet(const vs_index *ix, long doc, const char *query, size_t width);
/* The first lines of a document (for browse), or NULL. */
char *vs_index_doc_text(const vs_index *ix, long doc, size_t max_bytes);

/* Index files: versioned, checksummed (CRC-32), mapped on load. */
int vs_index_save(const vs_index *ix, const char *path, vs_error *err);
vs_index *vs_index_open(const char *path, vs_error *err);
int vs_index_file_magic(const char *path); /* 1 if the file starts with the index magic */

size_t vs_index_memory(const vs_index *ix);

#endif
