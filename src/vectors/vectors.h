/* vectors.h: word-vector sets, gensim-exact queries, evaluation, and the file formats. */
#ifndef VECSH_VECTORS_H
#define VECSH_VECTORS_H

#include "core/core.h"

/* ---- A set of word vectors held in memory (or mapped from a .vecs file). */

#include <stddef.h>
#include <stdint.h>

/* Hard limits that keep malformed headers from asking for absurd memory. */
#define VS_MAX_DIMS 100000

/* A fastText model's subword half: its arguments, and the input matrix of
 * word rows and character n-gram buckets that gives any word a vector. */
typedef struct vs_subwords {
	int version;               /* of the file: 11 or 12 */
	int model, loss;           /* fastText's: model 1 cbow, 2 skipgram, 3 supervised; loss 1 hs, 2 ns, 3 softmax, 4 ova */
	int dim, ws, epoch, min_count, neg, word_ngrams, minn, maxn, lr_update_rate;
	uint32_t bucket;
	double t;                  /* sampling threshold */
	int64_t ntokens;           /* tokens of the training corpus */
	size_t nwords, nlabels;    /* the dictionary */
	size_t rows;               /* input rows: the words, then the buckets */
	long pruned;               /* -1: every bucket kept; else how many a quantized model kept */
	int32_t *prune_from, *prune_to; /* kept bucket -> its row after the words, sorted by bucket */
	const unsigned char *input;/* rows x dim float32, in the mapped file (not aligned), when not quantized */
	int quantized, qnorm;      /* a .ftz: product-quantized rows (and norms) */
	int nsubq, dsub, lastdsub;
	uint8_t *codes, *norm_codes;
	float *centroids;          /* dim x 256 */
	float norm_centroids[256];
} vs_subwords;

/* A set whose rows live elsewhere (a table in PostgreSQL, src/pg): what it
 * can be asked. A remote set holds no row of its own (count 0); the rows a
 * command needs are fetched and kept as rows count .. count + oov - 1, so
 * the set's words and vectors work as for any set, and scans of every row go
 * to the server. */
typedef struct vs_remote_ops {
	/* The vector of the row named word into vec (dims floats): 1 found, 0
	 * no such row, -1 error. *name gets the row's own name when word named
	 * it some other way (by its id), malloc'd, else NULL. */
	int (*lookup)(void *ctx, const char *word, float *vec, char **name, vs_error *err);
	/* The n rows nearest to q by cosine, nearest first, as the server
	 * answers: their names (*names, n malloc'd strings in one malloc'd
	 * array) and vectors (*vecs, n x dims, malloc'd); *got how many. */
	int (*nearest)(void *ctx, const float *q, size_t n, char ***names, float **vecs, size_t *got, vs_error *err);
	/* Rows other than the one named self by their cosine distance to q (as
	 * the server computes it, in double): *below counts those under lo,
	 * and those from lo up to hi are returned as nearest returns rows. */
	int (*closer)(void *ctx, const float *q, double lo, double hi, const char *self, size_t *below, char ***names,
	              float **vecs, size_t *got, vs_error *err);
	/* Names starting with prefix, in byte order, at most max: fn for each
	 * until it returns nonzero. */
	int (*prefix)(void *ctx, const char *prefix, size_t max, int (*fn)(const char *word, void *fctx), void *fctx);
	/* How the server answers nearest-row queries, for results' notes
	 * ("exact" or "approximate: ..."). */
	const char *(*how)(void *ctx);
	void (*close)(void *ctx);
	const char *what; /* "a table in PostgreSQL" */
} vs_remote_ops;

/* How a set's rows are kept in a .vecs file: float32, or rounded to half
 * precision or to int8 with a scale a row (save --dtype; answers are then
 * those of the rounded vectors). */
typedef enum vs_vec_dtype { VS_VEC_F32, VS_VEC_F16, VS_VEC_INT8 } vs_vec_dtype;
const char *vs_vec_dtype_name(vs_vec_dtype t);
/* "f32", "f16" or "int8": 0, or -1 for another name. */
int vs_vec_dtype_parse(const char *name, vs_vec_dtype *t);

typedef struct vs_vecset {
	char *name;          /* the set's name in the session */
	char *source;        /* path it was loaded from */
	const char *format;  /* format it was read in (static string) */
	int unsaved;         /* made in this session (not read from a file) and not saved since */
	char *about;         /* how it was made, "field\tvalue" lines (training), or NULL */
	size_t count;        /* number of words */
	size_t dims;         /* dimensions of each vector */
	const char **words;  /* count words, in file order (NULL for a mapped .vecs: vs_vecset_word) */
	/* a mapped .vecs keeps its words in the file: offsets into its word table */
	const uint64_t *word_offs;
	const char *word_table;
	uint64_t word_table_len;
	const float *vectors;/* count x dims, row-major */
	const float *norms;  /* count L2 norms */

	/* word -> index hash table: open addressing, slot = index + 1, 0 = empty */
	const uint32_t *slots;
	size_t nslots;       /* power of two */

	/* case-folded lookup built on demand (evaluations) */
	uint32_t *upper_slots;
	char **upper_words;  /* upper-cased word i (only for i < upper_limit) */
	size_t upper_limit, upper_nslots;

	/* sorted permutation for prefix completion, built on demand (own_sorted)
	 * or mapped from a .vecs file */
	const uint32_t *sorted;
	uint32_t *own_sorted;

	/* ownership */
	char *word_blob;     /* malloc'd storage of the words, or NULL */
	float *own_vectors, *own_norms;
	uint32_t *own_slots;
	void *map;           /* mmap'd .vecs file (or fastText model), or NULL */
	size_t map_len;

	/* a fastText model: words outside the dictionary get vectors from their
	 * character n-grams, kept as rows count .. count + oov - 1 (never searched) */
	vs_subwords *sub;
	size_t oov, oov_cap;
	/* dictionary rows not made yet: a fastText model's words get their vectors
	 * (and norms) on first use, a row at a time or all at once for a scan */
	struct vs_pending *pending;
	/* int8 codes of the rows for exact scans that read less (codes.c), made
	 * on first use or mapped from a .vecs file; NULL until then */
	struct vs_codes *codes;
	/* per-word metadata columns (load --meta), or NULL */
	struct vs_meta *meta;
	/* a set whose rows live elsewhere (see vs_remote_ops), or NULL */
	const vs_remote_ops *remote;
	void *remote_ctx;
	size_t remote_rows;  /* the rows it has there (as the server counted them at load) */
	vs_vec_dtype dtype;      /* as its file keeps its rows (F32 unless rounded by save --dtype) */
} vs_vecset;

/* Word i of a set (i < count + oov): from its pointers, or for a mapped
 * .vecs from the file's offset table, checked where it is read (nothing is
 * done a word at open): a damaged entry reads as an empty word. */
static inline const char *vs_vecset_word(const vs_vecset *set, size_t i)
{
	if (set->words)
		return set->words[i];
	if (i >= set->count)
		return "";
	uint64_t o = set->word_offs[i];
	return o < set->word_table_len ? set->word_table + o : "";
}

/* Metadata of a set's words: columns of text, a value a word and column
 * (NULL where the file had no row for the word). */
typedef struct vs_meta {
	size_t ncols;
	char **names;        /* ncols column names */
	const char **values; /* set->count x ncols */
	char *blob;          /* the file's text, that names and values point into */
	size_t rows, unknown, duplicates; /* rows read; rows of words not in the set; repeated words (first kept) */
} vs_meta;

/* Sum of n floats in numpy's pairwise order (for norms equal to numpy's). */
float vs_pairwise_sum(const float *a, size_t n);

/* Index of word, or -1. */
long vs_vecset_find(const vs_vecset *set, const char *word);

/* Make sure row i, or every row, holds its vector and norm (a fastText
 * model's dictionary words are made on first use; other sets have them all).
 * Call before reading set->vectors or set->norms. */
void vs_vecset_need_row(const vs_vecset *set, size_t i);
void vs_vecset_need_all(const vs_vecset *set);
/* Leave the rows of a set with subwords (built without vectors, its rows
 * the model's dictionary in order) to be made on first use. */
int vs_vecset_defer_rows(vs_vecset *set, vs_error *err);

/* Leave the rows of a set opened from a file that keeps them rounded to be
 * made on first use: half floats (f16: dims a row), or int8 values times
 * each row's scale (int8: stride bytes a row, scales[count]); the norms are
 * the file's. */
int vs_vecset_defer_stored(vs_vecset *set, vs_vec_dtype dtype, const void *rows, size_t stride, const float *scales,
                           vs_error *err);
/* Has row i been made (or does the set hold all its rows)? */
int vs_vecset_has_row(const vs_vecset *set, size_t i);

/* A set with subwords: the row of a word outside the dictionary, made from
 * its character n-grams (fastText's getWordVector) on first use and kept.
 * Fails naming the word when it has no n-gram (its vector would be zero). */
long vs_vecset_add_oov(vs_vecset *set, const char *word, vs_error *err);

/* A remote set of dims dimensions answered by ops over ctx (closed with
 * the set, or at once on failure); it holds no row until one is fetched. */
vs_vecset *vs_vecset_remote(size_t dims, const vs_remote_ops *ops, void *ctx, vs_error *err);
/* Keep a row of a remote set: its index (the existing one when the word is
 * already kept). */
long vs_vecset_keep_row(vs_vecset *set, const char *word, const float *vec, vs_error *err);
/* A word of a remote set: its row, fetched from the server on first use;
 * -1 with an error naming the word when there is no such row, or why the
 * server could not say. */
long vs_vecset_fetch(vs_vecset *set, const char *word, vs_error *err);
/* Rows of the set: its words, or a remote set's rows on the server. */
size_t vs_vecset_rows(const vs_vecset *set);
/* Refuse (-1, naming the set and what) work that reads every row of a
 * remote set here; 0 for every other set. */
int vs_vecset_whole(const vs_vecset *set, const char *what, vs_error *err);

/* Index of the first (most frequent) word among the first `limit` words whose
 * upper-cased form equals upper (itself upper-cased), or -1; builds the
 * case-folded table for that limit on first use. */
long vs_vecset_find_upper(vs_vecset *set, const char *upper, size_t limit, vs_error *err);

/* Compute norms (if not present) and build the hash index: call after filling
 * words/vectors. Fails on allocation failure. */
int vs_vecset_finish(vs_vecset *set, vs_error *err);

/* The words' order by bytes (a permutation of 0..count-1), built on first
 * use; NULL when there is no memory for it. */
const uint32_t *vs_vecset_sorted(vs_vecset *set);

/* Words starting with prefix, in byte order: calls fn for each until it
 * returns nonzero. Builds the sorted permutation on first use. */
int vs_vecset_prefix(vs_vecset *set, const char *prefix,
                     int (*fn)(const char *word, void *ctx), void *ctx);

/* A set made from n names and n x dims values (both copied). Names must be
 * distinct. */
vs_vecset *vs_vecset_from_arrays(const char *const *names, size_t n, const float *values, size_t dims,
                                 vs_error *err);
/* A set of the words of another (copied) with other values (count x dims). */
vs_vecset *vs_vecset_with_values(const vs_vecset *words_of, const float *values, vs_error *err);

/* Bytes of memory the set holds (heap and mapping). */
size_t vs_vecset_memory(const vs_vecset *set);

void vs_vecset_free(vs_vecset *set);

/* ---- Word-vector queries, with gensim's KeyedVectors definitions. */

/* How scans of every row run: through int8 codes with exact bounds and a
 * float32 re-rank of the candidates (the same answers, a quarter of the
 * bytes read) on sets of 8 M floats or more (auto), on every set (codes), or
 * as one float32 sgemv (float). */
typedef enum vs_scan_policy { VS_SCAN_AUTO, VS_SCAN_CODES, VS_SCAN_FLOAT } vs_scan_policy;
void vs_set_scan_policy(vs_scan_policy p);
vs_scan_policy vs_get_scan_policy(void);
/* Rows the last scan through codes (on this thread) computed in float32. */
size_t vs_codes_last_candidates(void);
/* How the set's scans run, for info. */
const char *vs_codes_state(const vs_vecset *set);

#include <stddef.h>

/* most_similar: cosine between every word of the first restrict words
 * (0 = all) and the normalised mean of the unit vectors of pos minus those of
 * neg; the query words themselves are left out. Writes up to k hits. */
int vs_most_similar(const vs_vecset *set, const long *pos, size_t npos, const long *neg, size_t nneg,
                    size_t k, size_t restrict_vocab, vs_hit *out, size_t *nout, vs_error *err);

/* most_similar of m words at once (each query made as most_similar makes
 * it), as matrix products over blocks of the vocabulary: out gets k hits a
 * word (m x k), nout how many each. */
int vs_most_similar_batch(const vs_vecset *set, const long *words, size_t m, size_t k, vs_hit *out, size_t *nout,
                          vs_error *err);

/* most_similar_cosmul: Levy and Goldberg's 3CosMul, gensim's formula. */
int vs_most_similar_cosmul(const vs_vecset *set, const long *pos, size_t npos, const long *neg,
                           size_t nneg, size_t k, vs_hit *out, size_t *nout, vs_error *err);

/* Refuse words whose vectors are zero (no direction: cosines would be NaN). */
int vs_check_nonzero(const vs_vecset *set, const long *idx, size_t n, vs_error *err);

/* The k rows of set nearest to the vector q (not normalised) by cosine. */
int vs_nearest_to_vector(const vs_vecset *set, const float *q, size_t k, vs_hit *out, size_t *nout, vs_error *err);

/* Cosine similarity of two words (gensim's similarity). */
float vs_similarity(const vs_vecset *set, long a, long b);

/* The dot product of two words' vectors as they are (not normalised). */
float vs_dot(const vs_vecset *set, long a, long b);

/* The working of an analogy A : B :: C : ? for some answers: each one's
 * cosine with A, B and C, its 3CosAdd score (the cosine with the normalised
 * mean of unit B, unit C and minus unit A, as gensim's most_similar) and its
 * 3CosMul score (most_similar_cosmul's ((1 + cos B) / 2) ((1 + cos C) / 2) /
 * ((1 + cos A) / 2 + 1e-6)); *mean_norm is the mean's length before it is
 * normalised. */
typedef struct vs_analogy_step {
	float cos_a, cos_b, cos_c, cosadd, cosmul;
} vs_analogy_step;
int vs_analogy_explain(const vs_vecset *set, long a, long b, long c, const long *words, size_t n,
                       vs_analogy_step *out, double *mean_norm, vs_error *err);

/* gensim's rank(a, b): 1 + the number of words (other than a) closer to a than b is. */
size_t vs_rank(const vs_vecset *set, long a, long b, vs_error *err);

/* gensim's rank_by_centrality: order idx[0..n) by cosine with the mean of
 * their unit vectors, most central first; out gets the order and scores.
 * The last one is the word that does not match (doesnt_match). */
int vs_rank_by_centrality(const vs_vecset *set, const long *idx, size_t n, vs_hit *out, vs_error *err);

/* ---- Metadata (meta.c). */

/* Read a TSV of metadata for the set's words: a header row (the first
 * column the word's, then the columns' names), then a row a word. Replaces
 * the set's metadata; on failure (naming the file and line) leaves it. */
int vs_meta_load(vs_vecset *set, const char *path, vs_error *err);
/* The column named name, or -1. */
long vs_meta_column(const vs_vecset *set, const char *name);
/* Word w's value in column c, or NULL. */
const char *vs_meta_value(const vs_vecset *set, long w, size_t c);
void vs_meta_free(vs_meta *m);

/* most_similar over the rows whose keep[] is set (and not the query's). */
int vs_most_similar_where(const vs_vecset *set, const long *pos, size_t npos, const long *neg, size_t nneg, size_t k,
                          const unsigned char *keep, vs_hit *out, size_t *nout, vs_error *err);

/* ---- Directions (direction.c). */

/* The unit direction of n pairs: the normalised mean of unit(to) - unit(from). */
int vs_direction(const vs_vecset *set, const long *from, const long *to, size_t npairs, float *out, vs_error *err);
/* A word's position along a unit direction g: the cosine of its vector and g. */
float vs_position(const vs_vecset *set, long w, const float *g);
/* most_similar with the direction g removed from the query and from every
 * vector (x - (x.g) g of the unit vectors): the cosines of what is left, and
 * before[] the plain cosines of the hits. */
int vs_most_similar_without(const vs_vecset *set, const long *pos, size_t npos, const long *neg, size_t nneg,
                            const float *g, size_t k, vs_hit *out, float *before, size_t *nout, vs_error *err);

/* Words within a small edit distance of word, most frequent first (at most max). */
size_t vs_suggest(const vs_vecset *set, const char *word, long *out, size_t max);

/* Unit vector of word i as gensim computes it (vectors[i] / norms[i]). */
void vs_unit_vector(const vs_vecset *set, long i, float *out);

/* gensim's matutils.unitvec on a float32 vector, in place. */
void vs_unitvec(float *v, size_t n);

/* ---- The standard word-vector benchmarks, with gensim's rules
 * (evaluate_word_analogies, evaluate_word_pairs). */

#include <stddef.h>

typedef struct vs_analogy_section {
	char *name;
	size_t correct, incorrect;
} vs_analogy_section;

typedef struct vs_analogy_report {
	vs_analogy_section *sections;
	size_t nsections;
	size_t correct, incorrect;  /* over all sections */
	size_t questions;           /* well-formed question lines */
	size_t oov;                 /* questions skipped for a word outside the restricted vocabulary */
	size_t invalid_lines;       /* lines that are not 4 words, skipped */
} vs_analogy_report;

/* The Google analogy format: ": section" lines, then "a b c d" lines. Each
 * question is answered with 3CosAdd over the first restrict_vocab words,
 * case-insensitively; batched into sgemm over threads. */
int vs_eval_analogies(vs_vecset *set, const char *path, size_t restrict_vocab, vs_progress_fn progress,
                      void *progress_ctx, vs_analogy_report *rep,
                      vs_error *err);
void vs_analogy_report_free(vs_analogy_report *rep);

typedef struct vs_pairs_report {
	double pearson, spearman;
	size_t pairs;          /* pairs used */
	size_t oov;            /* pairs skipped for an unknown word */
	size_t invalid_lines;  /* lines not of the form word TAB word TAB score */
	double oov_ratio;      /* percent, as gensim reports it */
} vs_pairs_report;

/* Word-pair similarity files (wordsim353, SimLex): word TAB word TAB score. */
int vs_eval_pairs(vs_vecset *set, const char *path, size_t restrict_vocab, vs_pairs_report *rep,
                  vs_error *err);

/* ---- Reading and writing word-vector files. */

#include <stddef.h>

typedef enum vs_format {
	VS_FMT_AUTO,
	VS_FMT_WORD2VEC,     /* text with a "count dims" header */
	VS_FMT_WORD2VEC_BIN, /* the original word2vec tool's binary format */
	VS_FMT_GLOVE,        /* text without a header */
	VS_FMT_FASTTEXT,     /* fastText .vec: word2vec text */
	VS_FMT_VECS          /* vecsh's native, mapped format */
} vs_format;

typedef struct vs_load_options {
	vs_format format;
	size_t limit;   /* keep only the first limit words; 0 keeps all */
	int strict;     /* invalid UTF-8 in a word is an error, not replaced */
	int threads;    /* parser threads for text; 0 = number of cores */
	const char *labels; /* .npy: a text file with one name per row */
	int verify;         /* .vecs: check every block's checksum first */
	int supervised;     /* fastText: a supervised model's words are loaded too */
	/* called now and then from the loading thread with done in [0, 1] */
	void (*progress)(void *ctx, double done);
	void *progress_ctx;
} vs_load_options;

typedef struct vs_load_report {
	const char *format;   /* the format that was read */
	size_t invalid_utf8;  /* words whose invalid UTF-8 was replaced by U+FFFD */
	size_t duplicates;    /* later occurrences of a word, dropped */
	int compressed;       /* the file was gzip-compressed */
	int unverified;       /* a .vecs file of version 1: no checksums */
} vs_load_report;

/* Parse a format name ("auto", "word2vec", ...). Returns -1 if unknown. */
int vs_format_parse(const char *name, vs_format *out);
const char *vs_format_name(vs_format f);

/* Load a file. On failure returns NULL with a message naming the file and
 * the line or byte offset; nothing is kept. */
vs_vecset *vs_load(const char *path, const vs_load_options *opt,
                   vs_load_report *report, vs_error *err);

/* Write a set to path in the given format (VS_FMT_VECS, VS_FMT_WORD2VEC,
 * VS_FMT_WORD2VEC_BIN, VS_FMT_GLOVE, VS_FMT_FASTTEXT), through a temporary
 * file in the same directory renamed into place. */
int vs_save(const vs_vecset *set, const char *path, vs_format fmt, vs_error *err);
/* Does the path end in .gz? Exports to such a path are gzip-compressed. */
int vs_is_gzip_name(const char *path);

/* A numpy .npy matrix (float32 or float16, C order, 2-D) with a file of one
 * label per line, as embeddings computed elsewhere (CLIP's) come. */
vs_vecset *vs_npy_load(const char *path, const char *labels, vs_error *err);

/* ---- fastText models (.bin, .ftz) */

/* Does a file start with fastText's magic number? */
int vs_is_fasttext_model(const unsigned char *magic, size_t len);
vs_vecset *vs_fasttext_load(const char *path, const vs_load_options *opt, vs_load_report *rep, vs_error *err);
void vs_subwords_free(vs_subwords *sw);
/* fastText's 32-bit FNV-1a of the bytes, each widened as a signed char. */
uint32_t vs_fasttext_hash(const char *s, size_t len);
/* The character n-grams of <word> with minn..maxn characters, in fastText's
 * order: fn gets each with its bucket and its input row (-1 when a quantized
 * model pruned it). Returns how many have rows. */
size_t vs_subwords_walk(const vs_subwords *sw, const char *word,
                        void (*fn)(void *ctx, const char *ngram, size_t len, uint32_t bucket, long row), void *ctx);
/* Add input row `row` to x (dim floats). */
void vs_subwords_add_row(const vs_subwords *sw, size_t row, float *restrict x);
/* fastText's getWordVector: the mean of the dictionary row (dict_row >= 0)
 * and the n-gram rows; returns how many rows were averaged (0: zero vector). */
size_t vs_subwords_vector(const vs_subwords *sw, const char *word, long dict_row, float *out);

/* Native format, exposed for tests. */
vs_vecset *vs_vecs_open(const char *path, vs_error *err);

/* Check every block of a .vecs file against its checksum (version 2). */
typedef struct vs_vecs_check {
	int version;
	size_t blocks;
	uint64_t bytes;
} vs_vecs_check;
int vs_vecs_verify(const char *path, vs_vecs_check *out, vs_error *err);
int vs_vecs_write(const vs_vecset *set, const char *path, vs_error *err);
/* The same with the rows rounded (f16, or int8 with a scale a row: a
 * version 4 file, a half or a quarter of the float32 matrix) or not (f32). */
int vs_vecs_write_as(const vs_vecset *set, const char *path, vs_vec_dtype dtype, vs_error *err);

/* Parse one decimal number of a text vector file exactly as strtof would,
 * rejecting NaN and infinities. Returns the end of the number or NULL. */
const char *vs_parse_float(const char *p, const char *end, float *out);

#endif
