/* train.h: word2vec, trained in vecsh: skip-gram and CBOW, negative
 * sampling and hierarchical softmax, with word2vec's rules (vocabulary,
 * subsampling, noise distribution, shrinking window, learning-rate decay,
 * Hogwild threads). The result is a vector set like a loaded one. */
#ifndef VECSH_TRAIN_H
#define VECSH_TRAIN_H

#include "core/core.h"
#include "text/text.h"
#include "vectors/vectors.h"

typedef struct vs_train_progress {
	int epoch, epochs;
	double done;          /* of all the epochs' words, 0 to 1 */
	double words_per_sec; /* all threads */
	int threads;
	double alpha;
	double loss;          /* mean loss per (center, target) pair over the last interval */
	double eta;           /* seconds */
} vs_train_progress;

typedef struct vs_train_options {
	int cbow;             /* 0 skip-gram, 1 CBOW */
	int dims, window, negative, hs;
	double sample;        /* subsampling threshold, 0 for none */
	size_t min_count, max_vocab; /* max_vocab 0: no limit */
	int epochs;
	double alpha, min_alpha; /* alpha 0: 0.025 for skip-gram, 0.05 for CBOW (word2vec's) */
	int threads;          /* 0: the cores */
	uint64_t seed;
	int analyzer;         /* tokens of the TF-IDF analyzer instead of white space */
	int lines;            /* with analyzer: each line a sentence (else each file) */
	void (*progress)(void *ctx, const vs_train_progress *p);
	void *progress_ctx;
} vs_train_options;

void vs_train_options_default(vs_train_options *o);

typedef struct vs_train_report {
	size_t tokens;        /* words read */
	size_t train_words;   /* of them in the vocabulary */
	size_t vocab;         /* words kept (</s> not among them) */
	size_t files;
	double seconds, words_per_sec;
	double loss;          /* mean loss per pair over the last epoch */
	int interrupted;
	double done;          /* how far it got, 0 to 1 */
} vs_train_report;

/* Train on files and folders (walked as index walks them; .gz through zlib)
 * and on texts in memory; returns a new set (its name and source unset). */
vs_vecset *vs_train(const char *const *paths, size_t npaths, const vs_text_source *texts, size_t ntexts,
                    const vs_train_options *opt, vs_train_report *rep, vs_error *err);

/* ---- The pieces, exposed for the tests ---- */

/* The vocabulary: "</s>" first (the sentence ends, as word2vec), then the
 * words of at least min_count by count, most frequent first, ties where
 * gensim's vocabulary has them (numpy's argsort of the counts in order of
 * first appearance, reversed). */
typedef struct vs_w2v_vocab {
	vs_strtab words;      /* ids in the order below */
	uint64_t *count;
	size_t n;
	uint64_t total;       /* sum of the counts (word2vec's train_words) */
} vs_w2v_vocab;

/* Count the words of a token stream (NUL-separated, "\n" alone as a sentence end)... */
typedef struct vs_w2v_counter vs_w2v_counter;
vs_w2v_counter *vs_w2v_counter_new(size_t max_vocab);
int vs_w2v_counter_add(vs_w2v_counter *c, const char *word, size_t len);
int vs_w2v_counter_finish(vs_w2v_counter *c, size_t min_count, vs_w2v_vocab *out, vs_error *err);
void vs_w2v_counter_free(vs_w2v_counter *c);
void vs_w2v_vocab_free(vs_w2v_vocab *v);

/* The Huffman tree of hierarchical softmax over counts sorted in descending
 * order: each word's code (bits, root first) and points (inner nodes),
 * codelen[i] <= 40. Ties as word2vec's CreateBinaryTree breaks them (an inner
 * node before a leaf of the same count, leaves from the end of the list) or
 * as gensim's heap of (count, index) does (a leaf first, the lower index
 * first). */
#define VS_W2V_MAX_CODE 40
typedef enum { VS_W2V_TIES_WORD2VEC, VS_W2V_TIES_GENSIM } vs_w2v_ties;
int vs_w2v_huffman(const uint64_t *count, size_t n, vs_w2v_ties ties, uint8_t *codelen,
                   uint8_t (*code)[VS_W2V_MAX_CODE], uint32_t (*point)[VS_W2V_MAX_CODE + 1], vs_error *err);

/* The noise distribution over n counts, count^0.75, as a table of size
 * entries (training passes the words after the sentence end, as gensim's
 * table holds no sentence end). */
uint32_t *vs_w2v_noise_table(const uint64_t *count, size_t n, size_t size);

/* The corpus (n word ids, 0 a sentence end) cut into the jobs the threads
 * take in order, as gensim's: each of at least job_words words and ending at
 * a sentence end, or cut at 2 x job_words where a sentence runs on. Writes
 * the starts and then n into start (room for n / job_words + 3) and returns
 * the number of jobs. */
size_t vs_w2v_jobs(const uint32_t *ids, size_t n, size_t job_words, size_t *start);

/* The learning rate after a fraction done of the training. */
double vs_w2v_alpha(double alpha, double min_alpha, double done);

#endif
