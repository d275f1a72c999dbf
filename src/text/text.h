/* text.h: the analyzer (scikit-learn's tokens, n-grams, stop words, hashing) and TF-IDF indexes. */
#ifndef VECSH_TEXT_H
#define VECSH_TEXT_H

#include "core/core.h"

/* ---- Turning text into terms, as scikit-learn's TfidfVectorizer does
 * with its defaults: lowercase, then the tokens of the pattern
 * (?u)\b\w\w+\b with Python's Unicode \w (letters, numbers, underscore),
 * stop words removed, word n-grams joined by spaces. Runs of Chinese,
 * Japanese and Korean characters become overlapping bigrams instead (a lone
 * CJK character stays a unigram), as Lucene's CJK analyzer does. */

#include <stddef.h>

typedef struct vs_stopwords vs_stopwords;

/* scikit-learn's ENGLISH_STOP_WORDS (318 words). */
const vs_stopwords *vs_stopwords_english(void);
/* One word per line (blank lines and '#' comments skipped); lowercased. */
vs_stopwords *vs_stopwords_load(const char *path, vs_error *err);
void vs_stopwords_free(vs_stopwords *s);
int vs_stopwords_has(const vs_stopwords *s, const char *word, size_t len);
size_t vs_stopwords_count(const vs_stopwords *s);
/* The words, sorted. */
const char *const *vs_stopwords_words(const vs_stopwords *s);
/* From NUL-terminated words laid end to end (as an index file keeps them). */
vs_stopwords *vs_stopwords_from_blob(const char *blob, size_t len);

typedef struct vs_analyzer {
	int ngram_min, ngram_max;      /* word n-grams, default 1-1 */
	const vs_stopwords *stop;      /* or NULL */
} vs_analyzer;

/* Receives each term: its bytes, its length, and (for unigrams) the byte
 * offset of the token in the text given to vs_analyze. */
typedef void (*vs_term_fn)(const char *term, size_t len, size_t offset, void *ctx);

/* Analyze UTF-8 text: repair invalid UTF-8 (returning the number of
 * ill-formed sequences in *invalid), lowercase, tokenize, drop stop words,
 * form n-grams and call fn for each term. Returns the number of unigram
 * tokens kept (the document length used by BM25), or (size_t)-1 when out of
 * memory. */
size_t vs_analyze(const vs_analyzer *a, const char *text, size_t len, vs_term_fn fn, void *ctx,
                  size_t *invalid);
/* The same with buffers kept from call to call (a worker's, over many
 * documents); free them with vs_analyze_scratch_free. */
typedef struct vs_analyze_scratch {
	char *buf, *fixed;
	void *toks;
	size_t bcap, fcap, tcap;
} vs_analyze_scratch;
size_t vs_analyze_with(const vs_analyzer *a, vs_analyze_scratch *sc, const char *text, size_t len, vs_term_fn fn,
                       void *ctx, size_t *invalid);
void vs_analyze_scratch_free(vs_analyze_scratch *sc);

/* Is the code point a word character of Python's re (\w)? */
int vs_is_word_char(int cp);
/* Is it a Chinese, Japanese or Korean character (bigrammed)? */
int vs_is_cjk(int cp);

/* Python's str.lower: simple case mapping, U+0130 as i + U+0307, and the
 * final sigma. Returns a malloc'd string (its length in *out_len). */
char *vs_python_lower(const char *s, size_t len, size_t *out_len);
/* Python's "cased" and "case-ignorable" characters, and whether no cased
 * character follows (for the final sigma). */
int vs_is_cased(int cp);
int vs_case_ignorable(int cp);
int vs_final_sigma_follows(const char *p, size_t n);

/* MurmurHash3 x86 32-bit, as scikit-learn's murmurhash3_32. */
unsigned vs_murmur3_32(const void *key, size_t len, unsigned seed);
/* scikit-learn's HashingVectorizer: the bucket (of nb) of a signed hash. */
uint32_t vs_hash_bucket(int32_t h, uint32_t nb);
/* The bucket of a term among 2^bits, and (sign, may be NULL) the sign its counts get. */
long vs_term_bucket(const char *term, size_t len, int bits, int *sign);

/* The most buckets the hashing trick takes: 2^30 (scikit-learn's n_features
 * is an int32). */
#define VS_MAX_HASH_BITS 30

/* ---- The bag of words of a text (bow.c) ---- */

typedef struct vs_bow_term {
	char *term;
	double count;   /* times in the text (1 with binary) */
	long column;    /* its column: in the text's own sorted vocabulary, or the
	                 * index's term (in hash mode the index's bucket), -1 unseen */
	long bucket;    /* hashing trick: its bucket, else -1 */
	int sign;       /* hashing trick: the sign its count gets */
	double total;   /* hashing trick: the bucket's signed total */
} vs_bow_term;

typedef struct vs_bow {
	vs_bow_term *t; /* sorted by term, or with the hashing trick by bucket */
	size_t n;
	size_t ntokens; /* unigram tokens kept */
} vs_bow;

/* As CountVectorizer(binary).fit_transform([text]) with the analyzer, or with
 * hash_bits as HashingVectorizer(n_features=2^hash_bits, alternate_sign=True,
 * norm=None, binary). */
int vs_bag_of_words(const vs_analyzer *an, const char *text, int hash_bits, int binary, vs_bow *out, vs_error *err);
struct vs_index;
/* As the index's vectorizer sees the text (its analyzer, hashing, binary). */
int vs_bag_of_words_index(const struct vs_index *ix, const char *text, vs_bow *out, vs_error *err);
void vs_bow_free(vs_bow *b);

/* ---- The examples word2vec learns from (windows.c) ---- */

/* Words split on white space (word2vec.c, gensim's LineSentence): no case
 * folding, no tokenizer. */
int vs_split_words(const char *text, char ***words, size_t *n, vs_error *err);
void vs_free_split(char **words, size_t n);

typedef struct vs_window_pair {
	size_t center, context;  /* positions */
	int offset;              /* context - center */
	double p;                /* chance the pair is drawn: (window - |offset| + 1) / window, as
	                          * word2vec shrinks the window at random for each center */
} vs_window_pair;

/* Every (center, context) pair within window words of each other, by center. */
int vs_window_pairs(size_t n, int window, vs_window_pair **out, size_t *npairs, vs_error *err);

/* word2vec's chance of keeping a word of count among total words with
 * sample (its -sample, gensim's sample): (sqrt(c / (s t)) + 1) (s t) / c, at most 1. */
double vs_word2vec_keep(double count, double total, double sample);

/* ---- TF-IDF indexes over document collections, with scikit-learn's
 * TfidfVectorizer weights, cosine and BM25 search through an inverted index,
 * and a checksummed, mapped file format. */

#include <stddef.h>
#include <math.h>
#include <stdint.h>

typedef enum vs_norm { VS_NORM_L2, VS_NORM_L1, VS_NORM_NONE } vs_norm;

/* The longest word n-grams an index takes (also checked when one is reopened). */
#define VS_MAX_NGRAM 8

typedef struct vs_index_options {
	int lines;             /* one document per line */
	int ngram_min, ngram_max;
	double min_df, max_df; /* counts, or proportions when *_df_is_prop */
	int min_df_is_prop, max_df_is_prop;
	size_t max_features;   /* 0: no limit */
	int stopwords;         /* 0 none, 1 english, 2 file */
	const char *stopwords_file;
	int sublinear, no_smooth;
	int no_idf;            /* scikit-learn's use_idf=False: tf only */
	int binary;            /* binary=True: every count that is there becomes 1 */
	vs_norm norm;
	int hash_bits;         /* 0: a vocabulary; else 2^bits hashed buckets */
	int threads;           /* 0: number of cores */
	int strict;            /* a file with invalid UTF-8 fails the build (else U+FFFD, counted) */
	void (*progress)(void *ctx, size_t files, size_t total_files, size_t bytes);
	/* index --to: how far the passes that write the file are, 0 to 1 (or NULL) */
	void (*progress_writing)(void *ctx, double done);
	void *progress_ctx;
} vs_index_options;

void vs_index_options_default(vs_index_options *o);

typedef struct vs_index_report {
	size_t skipped_binary, skipped_unreadable, invalid_utf8_docs;
	size_t bytes;
	char unreadable[3][256];   /* the first unreadable files, named */
	size_t peak_build;         /* vs_index_build_to: peak resident memory before the file is mapped */
} vs_index_report;

/* The index; its arrays either live in memory or point into a mapped file. */
typedef struct vs_index {
	char *name;
	char *source;              /* PATHs as given, or the index file */
	int unsaved;               /* built in this session and not saved since */
	vs_index_options opt;      /* how it was built (pointers cleared) */
	char *stopwords_blob;      /* the stop words used, NUL-separated, for queries */
	vs_stopwords *stop;
	size_t nstop_blob;

	uint32_t ndocs, nterms;
	uint64_t nnz;
	const char **doc_names;    /* "rel/path" or "file:line" */
	const char **doc_files;    /* file each document comes from (for snippets) */
	const char **doc_source;   /* or the text it comes from (an index of typed texts), else NULL */
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
	const float *doc_weight;   /* normalised tf-idf, as a saved index keeps it; NULL when derived */
	const float *doc_count;    /* raw term counts (signed sums in hash mode) */
	const uint64_t *term_ptr;  /* nterms + 1: the term's documents, by doc id */
	const uint32_t *term_doc;
	const float *term_weight;  /* (NULL when derived) */
	/* a built index derives the weights (vs_index_doc_weight): a third
	 * less memory; each document's norm of its tf-idf values */
	const double *doc_norm;
	const float *term_count;

	/* Every term the documents have, for add and remove: the terms pruned
	 * away (min_df, max_df, max_features) and, with the hashing trick, the
	 * words behind the buckets. Each document's raw term counts (before
	 * binary), in the order the document first has each term. NULL when
	 * the index's own terms and postings are that already (no pruning, no
	 * hashing), or when an older file did not keep them (raw_missing). */
	uint32_t raw_nterms;
	uint64_t raw_nnz;
	const char **raw_terms;    /* sorted */
	const uint64_t *raw_ptr;   /* ndocs + 1 */
	const uint32_t *raw_term;
	const float *raw_count;
	int raw_missing;

	void *mem[48];             /* owned allocations */
	size_t nmem;
	void *map;
	size_t map_len;
	uint32_t *sorted_docs;     /* document ids by name, for prefix lookup (built on demand) */
} vs_index;

/* Build from files and folders (walked recursively in name order; .gz read
 * through zlib; binary and unreadable files skipped and counted). */
vs_index *vs_index_build(const char *const *paths, size_t npaths, const vs_index_options *opt,
                         vs_index_report *rep, vs_error *err);
/* Build from texts in memory (typed in the session, or read from standard
 * input), each a source as a file would be: one document, or one a line. */
typedef struct vs_text_source {
	const char *name;
	const char *text;
	size_t len;
} vs_text_source;
/* Build from files straight into an index file at path (index --to), the
 * same file vs_index_save would write: each worker's postings go to a
 * temporary file beside it as they are made and are read back in passes,
 * the inverted postings made in passes of at most `memory` bytes, so that
 * memory holds the vocabulary and the documents' names but no postings. The
 * file is written whole (temp + rename) or not at all; the index returned is
 * the file, mapped. */
vs_index *vs_index_build_to(const char *const *paths, size_t npaths, const vs_index_options *opt, const char *path,
                            size_t memory, vs_index_report *rep, vs_error *err);
vs_index *vs_index_build_texts(const vs_text_source *src, size_t n, const vs_index_options *opt,
                               vs_index_report *rep, vs_error *err);
void vs_index_free(vs_index *ix);

/* Does an index built with these options keep its dropped terms apart
 * (raw_terms above), or are its own terms all there are? */
int vs_index_needs_raw(const vs_index_options *opt);
/* index add and index remove: a new index, identical to building one from
 * scratch over the old index's documents but those with drop[d] set (drop
 * may be NULL), then the new sources (paths, or texts for an index of typed
 * texts), with the old index's options (threads and progress from opt, which
 * may be NULL). The old documents are not read again. */
vs_index *vs_index_grow(const vs_index *old, const unsigned char *drop, const char *const *paths, size_t npaths,
                        const vs_text_source *texts, size_t ntexts, const vs_index_options *opt,
                        vs_index_report *rep, vs_error *err);
/* The same, an index of files, written straight into the file at path as
 * vs_index_build_to does: the old documents' postings are read from the old
 * index (mapped, it stays where it is until the new file is renamed over it)
 * as the new ones from their temporary files. The index returned is the file. */
vs_index *vs_index_grow_to(const vs_index *old, const unsigned char *drop, const char *const *paths, size_t npaths,
                           const vs_index_options *opt, const char *path, size_t memory, vs_index_report *rep,
                           vs_error *err);

/* A term's tf in a document as the index weighs it: the count, 1 with binary,
 * 1 + ln(tf) when sublinear (signed in hash mode). */
static inline double vs_index_tf(const vs_index *ix, double c)
{
	if (ix->opt.binary)
		return 1.0; /* X.data.fill(1): every stored count, even a hashed sum of 0 */
	if (ix->opt.sublinear && c != 0)
		return c > 0 ? 1.0 + log(c) : -(1.0 + log(-c));
	return c;
}
/* The idf of a term the index has never seen (df = 0); 1 without idf. */
double vs_index_unseen_idf(const vs_index *ix);
/* The normalised tf-idf weight of document d's posting e (vs_index_doc_weight)
 * or of term t's posting e (vs_index_term_weight): stored, or derived from the
 * count, the idf and the document's norm, the same float either way. */
static inline float vs_index_weight_of(const vs_index *ix, uint32_t doc, uint32_t term, double count)
{
	double w = vs_index_tf(ix, count) * ix->idf[term], norm = ix->doc_norm[doc];
	return (float)(ix->opt.norm == VS_NORM_NONE || norm == 0 ? w : w / norm);
}
static inline float vs_index_doc_weight(const vs_index *ix, uint32_t doc, uint64_t e)
{
	return ix->doc_weight ? ix->doc_weight[e] : vs_index_weight_of(ix, doc, ix->doc_term[e], ix->doc_count[e]);
}
static inline float vs_index_term_weight(const vs_index *ix, uint32_t term, uint64_t e)
{
	return ix->term_weight ? ix->term_weight[e] : vs_index_weight_of(ix, ix->term_doc[e], term, ix->term_count[e]);
}

long vs_index_term(const vs_index *ix, const char *term);

/* A term as a person types it ("Patent", "free software"): analyzed as the
 * index analyzes text (lowercased, tokens), then looked up. */
typedef struct vs_term_lookup {
	char *term;       /* the tokens joined by spaces (malloc'd), or NULL if the text has none */
	size_t ntokens;
	long id;          /* the index's term (in hash mode its bucket's), or -1 */
	int stop;         /* one token, a stop word of the index */
	long bucket;      /* hash mode: the bucket the term falls in, else -1 */
	int sign;         /* hash mode: the sign its counts get, +1 or -1 */
} vs_term_lookup;
int vs_index_lookup(const vs_index *ix, const char *text, vs_term_lookup *out, vs_error *err);
/* A document by exact name, unique prefix, number (1-based), or the file name
 * of one given by its path. -1 none, -2 ambiguous. */
/* A document's name after its last '/' (a file given by its path, by its file name). */
const char *vs_doc_file_name(const char *doc_name);
long vs_index_doc(vs_index *ix, const char *ref);

typedef struct vs_term_weight {
	long term;        /* -1: a term the index has never seen */
	char *text;       /* the term (owned); hash mode: the words typed ("+cat -on"), or for a
	                   * document "e.g. WORD", the bucket's most frequent word */
	double weight;
	long bucket;      /* hash mode: the bucket; else -1 */
} vs_term_weight;

/* Terms of a document, heaviest first, ties by term. */
size_t vs_index_keywords(const vs_index *ix, long doc, size_t k, vs_term_weight *out);
/* Terms of ad-hoc text against the index's idf, as scikit-learn's transform:
 * terms outside the vocabulary are left out unless with_unseen (then they get
 * the idf of df = 0); a hashed index keeps every bucket. Returns the count, or
 * (size_t)-1 on failure; free texts with vs_term_weights_free. */
size_t vs_index_text_keywords(const vs_index *ix, const char *text, size_t k, int with_unseen, vs_term_weight *out);
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

/* BM25's constants, as Lucene's defaults. */
#define VS_BM25_K1 1.2
#define VS_BM25_B 0.75

/* ---- The working behind a weight and a score (explain.c) ---- */

typedef struct vs_weight_step {
	long term;        /* the index's term (hash mode: bucket's), or -1 unseen */
	char *text;       /* the term; hash mode: its bucket's words ("+cat -on") or example word */
	long bucket;      /* hash mode: the bucket, else -1 */
	double count;     /* in the document or text (hash mode: the signed sum) */
	double tf;        /* as weighed: 1 with binary, 1 + ln(count) sublinear */
	uint32_t df;
	double idf;       /* ln((1 + n) / (1 + df)) + 1 smooth, ln(n / df) + 1 not, 1 without idf */
	double tfidf;     /* tf x idf, before normalisation */
	double weight;    /* tfidf / norm */
} vs_weight_step;

typedef struct vs_weight_working {
	vs_weight_step *t; /* heaviest first, ties by term (keywords' order) */
	size_t n;
	double norm;       /* of all the tf-idf values (l2, l1; 1 for none) */
} vs_weight_working;

/* Each term's weight in a document, or in a text against the index's idf. */
int vs_explain_doc(const vs_index *ix, long doc, vs_weight_working *w, vs_error *err);
int vs_explain_text(const vs_index *ix, const char *text, int with_unseen, vs_weight_working *w, vs_error *err);
void vs_weight_working_free(vs_weight_working *w);

typedef struct vs_score_step {
	long term;
	char *text;
	double qcount;        /* times in the query (signed sum, hashed) */
	double qweight;       /* cosine: the query's normalised weight of the term */
	double dweight;       /* cosine: the document's */
	uint32_t df;          /* BM25 */
	double idf;           /* BM25: ln(1 + (N - df + 0.5) / (df + 0.5)) */
	double freq;          /* the term's count in the document */
	double tfnorm;        /* BM25: freq / (freq + k1 (1 - b + b dl / avgdl)) */
	double contribution;  /* cosine: qweight x dweight; BM25: qcount x idf x tfnorm */
} vs_score_step;

typedef struct vs_score_working {
	vs_score_step *t;     /* the query's terms the index has, in the query's order */
	size_t n;
	double score;         /* the sum of the contributions */
	double dl, avgdl, k1, b;
} vs_score_working;

/* How a document's search score adds up. */
int vs_explain_score(const vs_index *ix, const char *query, int bm25, long doc, vs_score_working *w, vs_error *err);
void vs_score_working_free(vs_score_working *w);

/* Index files: versioned, checksummed (CRC-32), mapped on load. */
int vs_index_save(const vs_index *ix, const char *path, vs_error *err);
vs_index *vs_index_open(const char *path, vs_error *err);
int vs_index_file_magic(const char *path); /* 1 if the file starts with the index magic */

size_t vs_index_memory(const vs_index *ix);

#endif
