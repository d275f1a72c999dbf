/* Training word2vec: the corpus read twice (the vocabulary, then the words
 * as vocabulary ids), then Hogwild threads taking jobs of it in order, each
 * epoch, as gensim's workers; in each, as word2vec.c's TrainModelThread:
 * subsampling, the shrinking window, skip-gram or CBOW, negative sampling or
 * hierarchical softmax, linear decay of the learning rate. */
#include "train/train.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum { MAX_SENTENCE = 1000, EXP_TABLE = 1000, MAX_THREADS = 64 };
#define MAX_EXP 6.0f

void vs_train_options_default(vs_train_options *o)
{
	memset(o, 0, sizeof *o);
	o->dims = 100;
	o->window = 5;
	o->negative = 5;
	o->sample = 1e-3;
	o->min_count = 5;
	o->epochs = 5;
	o->min_alpha = 0.0001;
	o->seed = 1;
}

/* ---- reading the corpus ---- */

typedef int (*word_fn)(void *ctx, const char *w, size_t len);

typedef struct reader {
	const vs_train_options *opt;
	word_fn fn;
	void *ctx;
	int failed;
	size_t tokens;
} reader;

/* word2vec's ReadWord: words split on space, tab and newline, a carriage
 * return ignored, each newline a sentence end ("</s>"). A word is kept
 * whole whatever its length, as gensim's LineSentence keeps it (word2vec cuts
 * words at 100 bytes, which can join two long words into one). */
/* One word, its carriage returns dropped (word2vec ignores them). */
static int word_without_cr(reader *r, const char *w, size_t n)
{
	r->tokens++;
	if (!memchr(w, '\r', n))
		return r->fn(r->ctx, w, n);
	char *copy = malloc(n);
	if (!copy)
		return -1;
	size_t m = 0;
	for (size_t k = 0; k < n; k++)
		if (w[k] != '\r')
			copy[m++] = w[k];
	int rc = m ? r->fn(r->ctx, copy, m) : 0;
	r->tokens -= m == 0;
	free(copy);
	return rc;
}

static int split_whitespace(reader *r, const char *t, size_t len)
{
	for (size_t i = 0; i <= len; i++) {
		size_t start = i;
		while (i < len && t[i] != ' ' && t[i] != '\t' && t[i] != '\n')
			i++;
		if (i > start && word_without_cr(r, t + start, i - start) < 0)
			return -1;
		if (i < len && t[i] == '\n' && r->fn(r->ctx, "</s>", 4) < 0)
			return -1;
	}
	return 0;
}

static void on_term(const char *term, size_t len, size_t offset, void *ctx)
{
	(void)offset;
	reader *r = ctx;
	if (!r->failed && r->fn(r->ctx, term, len) < 0)
		r->failed = 1;
	r->tokens++;
}

/* The TF-IDF analyzer's tokens; a sentence ends with each file, or each line. */
static int split_analyzer(reader *r, const char *t, size_t len)
{
	vs_analyzer an = {1, 1, NULL};
	for (size_t pos = 0; pos < len || (pos == 0 && len == 0);) {
		size_t e = len;
		if (r->opt->lines) {
			const char *nl = memchr(t + pos, '\n', len - pos);
			e = nl ? (size_t)(nl - t) : len;
		}
		if (vs_analyze(&an, t + pos, e - pos, on_term, r, NULL) == (size_t)-1 || r->failed ||
		    r->fn(r->ctx, "</s>", 4) < 0)
			return -1;
		pos = e + 1;
		if (len == 0)
			break;
	}
	return 0;
}

typedef struct corpus {
	vs_file_list files;
	const vs_text_source *texts;
	size_t ntexts;
	size_t unreadable;
} corpus;

static int read_corpus(const corpus *c, const vs_train_options *opt, word_fn fn, void *ctx, size_t *tokens,
                       vs_error *err)
{
	reader r = {opt, fn, ctx, 0, 0};
	for (size_t i = 0; i < c->files.n + c->ntexts; i++) {
		size_t len;
		char *text = NULL;
		const char *t;
		if (i < c->files.n) {
			if (!(text = vs_read_file_gz(c->files.f[i].path, &len)))
				return vs_fail(err, "%s: %s", c->files.f[i].path, strerror(errno ? errno : EIO));
			t = text;
		} else {
			t = c->texts[i - c->files.n].text;
			len = c->texts[i - c->files.n].len;
		}
		int rc = opt->analyzer ? split_analyzer(&r, t, len) : split_whitespace(&r, t, len);
		/* a file's last sentence ends with it */
		if (rc == 0 && !opt->analyzer && len && t[len - 1] != '\n')
			rc = fn(ctx, "</s>", 4);
		free(text);
		if (rc < 0)
			return vs_oom(err);
		if (vs_interrupted)
			return vs_fail(err, "interrupted");
	}
	*tokens = r.tokens;
	return 0;
}

static int list_sources(corpus *c, const char *const *paths, size_t npaths, vs_error *err)
{
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0)
			return vs_fail(err, "%s: %s", paths[i], strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			if (vs_walk_folder(&c->files, paths[i], NULL, &c->unreadable, err) < 0)
				return -1;
		} else if (vs_file_list_add(&c->files, paths[i], paths[i]) < 0) {
			return vs_oom(err);
		}
	}
	return 0;
}

/* ---- the words as ids ---- */

typedef struct encoder {
	const vs_w2v_vocab *v;
	uint32_t *ids;
	size_t n, cap;
} encoder;

static int count_word(void *ctx, const char *w, size_t len)
{
	return vs_w2v_counter_add(ctx, w, len);
}

static int encode_word(void *ctx, const char *w, size_t len)
{
	encoder *e = ctx;
	long id = vs_strtab_find(&e->v->words, w, len);
	if (id < 0)
		return 0; /* not in the vocabulary: word2vec skips it */
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 1 << 16;
		uint32_t *ni = realloc(e->ids, cap * sizeof *ni);
		if (!ni)
			return -1;
		e->ids = ni;
		e->cap = cap;
	}
	e->ids[e->n++] = (uint32_t)id;
	return 0;
}

/* ---- the model ---- */

typedef struct model {
	const vs_train_options *opt;
	size_t vocab, dims;
	const uint64_t *count;
	float *syn0, *syn1, *syn1neg;
	uint32_t *table;
	size_t table_size;
	uint8_t *codelen;
	uint8_t (*code)[VS_W2V_MAX_CODE];
	uint32_t (*point)[VS_W2V_MAX_CODE + 1];
	float *keep;           /* subsampling: chance each word is kept */
	float exp_table[EXP_TABLE + 1];
	float logsig_table[EXP_TABLE + 1]; /* -log(sigmoid(f)) */
	const uint32_t *ids;
	size_t nids;
	double alpha0, min_alpha;
	size_t *job_start, njobs; /* where each job starts (njobs + 1 entries) */
	atomic_size_t next_job;/* counts on over the epochs */
	atomic_size_t done;    /* words processed, all threads, all epochs */
	size_t total;          /* nids x epochs */
	int nthreads;
	atomic_int stop;
	struct timespec start;
} model;

typedef struct worker {
	model *m;
	int id;
	uint64_t next_random;
	double loss, pairs;    /* all along (written by its own thread only) */
	double epoch_loss, epoch_pairs; /* their values when its last epoch began */
	double shown_loss, shown_pairs; /* thread 0's: their values at its last report */
	float alpha;           /* the learning rate now */
	float *neu1, *neu1e;   /* CBOW's mean; the input's error gradient */
	uint32_t *ctx;         /* the window's context words */
	uint32_t *targets;     /* each context word's targets, 1 + negative apiece */
	int *ntargets;         /* how many each has */
} worker;

static float sigmoid_of(const model *m, float f)
{
	return m->exp_table[(int)((f + MAX_EXP) * (EXP_TABLE / MAX_EXP / 2))];
}

/* -log sigmoid(f): the loss of a target with label 1 (f) or 0 (-f) */
static float nlogsig(const model *m, float f)
{
	if (f >= MAX_EXP)
		return 0;
	if (f <= -MAX_EXP)
		return -f;
	return m->logsig_table[(int)((f + MAX_EXP) * (EXP_TABLE / MAX_EXP / 2))];
}

/* The two loops everything runs through: built for AVX2 and FMA too, chosen
 * when the processor has them, and allowed to sum in any order (vectors). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((target_clones("arch=haswell", "default"), optimize("O3", "associative-math", \
                                                                               "no-signed-zeros", "no-trapping-math")))
#else
#define HOT
#endif

HOT static float dot(const float *restrict a, const float *restrict b, size_t n)
{
	float s = 0;
	for (size_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
}

HOT static void axpy(float g, const float *restrict x, float *restrict y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		y[i] += g * x[i];
}

static uint64_t next_random(worker *w)
{
	return w->next_random = w->next_random * 25214903917ULL + 11;
}

/* The targets of one input: the word itself (label 1), then the negatives
 * drawn from the noise table (label 0), a draw of the word itself dropped.
 * The table holds the words after the sentence end (numbered from 0 there). */
static int draw_targets(worker *w, uint32_t word, uint32_t *targets)
{
	model *m = w->m;
	int nt = 0;
	targets[nt++] = word;
	for (int d = 0; d < m->opt->negative; d++) {
		uint64_t r = next_random(w);
		uint32_t t = 1 + m->table[(r >> 16) % m->table_size];
		if (t != word)
			targets[nt++] = t;
	}
	return nt;
}

/* Ask for a row's cache lines ahead of its use: the rows a window touches
 * are scattered over the matrices, and fetching them together lets their
 * misses overlap instead of queueing one after another. */
static void prefetch_row(const float *row, size_t dims)
{
	const char *p = (const char *)row, *end = (const char *)(row + dims);
	for (; p < end; p += 64)
		__builtin_prefetch(p, 1, 1);
}

/* One prediction, its dot product f taken: the input (a context word's
 * vector, or CBOW's mean) against an output row, label 1 (the word, or the
 * branch its code takes) or 0 (a negative, or the other branch). The input's
 * error gradient accumulates in neu1e. Where the sigmoid's table is saturated
 * (|f| >= 6) nothing is learned, as gensim (word2vec's negative sampling
 * still pushes there). */
static void learn_dot(worker *w, const float *in, float *out, float label, float f)
{
	model *m = w->m;
	w->loss += nlogsig(m, label > 0 ? f : -f);
	w->pairs += 1;
	if (f <= -MAX_EXP || f >= MAX_EXP)
		return;
	float g = (label - sigmoid_of(m, f)) * w->alpha;
	axpy(g, out, w->neu1e, m->dims);
	axpy(g, in, out, m->dims);
}

static void learn_row(worker *w, const float *in, float *out, float label)
{
	learn_dot(w, in, out, label, dot(in, out, w->m->dims));
}

/* Negative sampling: the word (label 1) and the negatives (label 0). */
static void learn_targets(worker *w, const float *in, const uint32_t *targets, int nt)
{
	model *m = w->m;
	size_t dims = m->dims;
	float f[1 + 1000];
	/* The input stays as it is until every target is done, and a target's
	 * update touches only its own row: with no target twice, every dot
	 * product can be taken first, side by side, and the updates made after,
	 * the same numbers as one target at a time. A target drawn twice takes
	 * that way, so its second dot product sees its first update. */
	for (int j = 1; j < nt; j++)
		for (int i = 0; i < j; i++)
			if (targets[i] == targets[j]) {
				for (int t = 0; t < nt; t++)
					learn_row(w, in, m->syn1neg + (size_t)targets[t] * dims, t == 0);
				return;
			}
	for (int j = 0; j < nt; j++)
		f[j] = dot(in, m->syn1neg + (size_t)targets[j] * dims, dims);
	for (int j = 0; j < nt; j++)
		learn_dot(w, in, m->syn1neg + (size_t)targets[j] * dims, j == 0, f[j]);
}

/* Hierarchical softmax: the inner nodes on the word's path from the root,
 * each a binary choice (label 1 - code). */
static void learn_path(worker *w, const float *in, uint32_t word)
{
	model *m = w->m;
	int len = m->codelen[word];
	for (int d = 0; d < len; d++)
		prefetch_row(m->syn1 + (size_t)m->point[word][d] * m->dims, m->dims);
	/* the nodes of a path are all different: the dot products first (as
	 * learn_targets does), the same numbers as a node at a time */
	float f[VS_W2V_MAX_CODE];
	for (int d = 0; d < len; d++)
		f[d] = dot(in, m->syn1 + (size_t)m->point[word][d] * m->dims, m->dims);
	for (int d = 0; d < len; d++)
		learn_dot(w, in, m->syn1 + (size_t)m->point[word][d] * m->dims, 1.0f - (float)m->code[word][d], f[d]);
}

/* One input against its word: hierarchical softmax and/or negative
 * sampling. The input's error gradient accumulates in neu1e. */
static void learn(worker *w, const float *in, uint32_t word)
{
	model *m = w->m;
	if (m->opt->hs)
		learn_path(w, in, word);
	if (m->opt->negative > 0) {
		int nt = draw_targets(w, word, w->targets);
		for (int j = 0; j < nt; j++)
			prefetch_row(m->syn1neg + (size_t)w->targets[j] * m->dims, m->dims);
		learn_targets(w, in, w->targets, nt);
	}
}

/* Skip-gram with negative sampling, a window at a time: each of the k
 * context words predicts the center word against negatives of its own, drawn
 * as word2vec draws them (the same draws in the same order, so the vectors
 * are the ones a pair at a time gives); all the rows the window touches are
 * asked for first, so their cache misses overlap. */
static void learn_window(worker *w, const uint32_t *ctx, int k, uint32_t word)
{
	model *m = w->m;
	size_t dims = m->dims, stride = 1 + (size_t)m->opt->negative;
	uint32_t *targets = w->targets;
	int *nt = w->ntargets;
	for (int i = 0; i < k; i++)
		nt[i] = draw_targets(w, word, targets + (size_t)i * stride);
	for (int i = 0; i < k; i++) {
		prefetch_row(m->syn0 + (size_t)ctx[i] * dims, dims);
		for (int j = i ? 1 : 0; j < nt[i]; j++)
			prefetch_row(m->syn1neg + (size_t)targets[(size_t)i * stride + (size_t)j] * dims, dims);
	}
	for (int i = 0; i < k; i++) {
		float *l1 = m->syn0 + (size_t)ctx[i] * dims;
		memset(w->neu1e, 0, dims * sizeof *w->neu1e);
		learn_targets(w, l1, targets + (size_t)i * stride, nt[i]);
		axpy(1.0f, w->neu1e, l1, dims);
	}
}

/* CBOW: the mean of the context vectors predicts the center word; each
 * context vector takes the whole of the mean's error gradient (word2vec's
 * and gensim's rule with the mean). */
static void learn_cbow(worker *w, const uint32_t *ctx, int k, uint32_t word)
{
	model *m = w->m;
	size_t dims = m->dims;
	memset(w->neu1, 0, dims * sizeof *w->neu1);
	memset(w->neu1e, 0, dims * sizeof *w->neu1e);
	for (int i = 0; i < k; i++)
		axpy(1.0f, m->syn0 + (size_t)ctx[i] * dims, w->neu1, dims);
	for (size_t d = 0; d < dims; d++)
		w->neu1[d] /= (float)k;
	learn(w, w->neu1, word);
	for (int i = 0; i < k; i++)
		axpy(1.0f, w->neu1e, m->syn0 + (size_t)ctx[i] * dims, dims);
}

/* Skip-gram with hierarchical softmax: each context word against the
 * center's path (and negatives too when both are on), a pair at a time. */
static void learn_pairs(worker *w, const uint32_t *ctx, int k, uint32_t word)
{
	model *m = w->m;
	size_t dims = m->dims;
	for (int i = 0; i < k; i++) {
		float *l1 = m->syn0 + (size_t)ctx[i] * dims;
		memset(w->neu1e, 0, dims * sizeof *w->neu1e);
		learn(w, l1, word);
		axpy(1.0f, w->neu1e, l1, dims);
	}
}

/* Every word of a sentence as a center, its window shrunk at random. */
static void train_sentence(worker *w, const uint32_t *sen, int len)
{
	model *m = w->m;
	int window = m->opt->window;
	uint32_t *ctx = w->ctx;
	for (int pos = 0; pos < len; pos++) {
		uint32_t word = sen[pos];
		int b = (int)(next_random(w) % (uint64_t)window), k = 0;
		for (int a = b; a < window * 2 + 1 - b; a++) {
			int c = pos - window + a;
			if (a != window && c >= 0 && c < len)
				ctx[k++] = sen[c];
		}
		if (!k)
			continue;
		if (m->opt->cbow)
			learn_cbow(w, ctx, k, word);
		else if (m->opt->hs)
			learn_pairs(w, ctx, k, word);
		else
			learn_window(w, ctx, k, word);
	}
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Thread 0 (the caller's) tells how far it is, twice a second. */
static void report(worker *w, worker *all, int epoch, float alpha, double *last)
{
	model *m = w->m;
	double el = seconds_since(&m->start);
	if (!m->opt->progress || el - *last < 0.5)
		return;
	*last = el;
	double loss = 0, pairs = 0;
	for (int t = 0; t < m->nthreads; t++) { /* read racily: a figure to show */
		double l = all[t].loss, n = all[t].pairs;
		loss += l - all[t].shown_loss;
		pairs += n - all[t].shown_pairs;
		all[t].shown_loss = l, all[t].shown_pairs = n;
	}
	size_t done = atomic_load(&m->done);
	vs_train_progress p = {epoch + 1, m->opt->epochs, (double)done / (double)m->total, done / el, m->nthreads,
	                       alpha, pairs ? loss / pairs : 0, 0};
	p.eta = p.done > 0 ? el * (1 - p.done) / p.done : 0;
	m->opt->progress(m->opt->progress_ctx, &p);
}

typedef struct job {
	model *m;
	worker *all;
	int id;
} job;

/* Words a job holds, as gensim's batch_words. */
enum { JOB_WORDS = 10000 };

size_t vs_w2v_jobs(const uint32_t *ids, size_t n, size_t job_words, size_t *start)
{
	size_t cap = n / job_words + 1, njobs = 0, since = 0;
	start[0] = 0;
	for (size_t i = 0; i < n; i++)
		if (++since >= job_words && (ids[i] == 0 || since >= 2 * job_words) && njobs + 1 < cap) {
			start[++njobs] = i + 1;
			since = 0;
		}
	if (start[njobs] != n)
		start[++njobs] = n;
	return njobs;
}

static int make_jobs(model *m, vs_error *err)
{
	if (!(m->job_start = malloc((m->nids / JOB_WORDS + 3) * sizeof *m->job_start)))
		return vs_oom(err);
	m->njobs = vs_w2v_jobs(m->ids, m->nids, JOB_WORDS, m->job_start);
	return 0;
}

/* One job: its sentences, up to each sentence end or 1000 words, frequent
 * words dropped at random. */
static void train_job(worker *w, size_t from, size_t to)
{
	model *m = w->m;
	uint32_t sen[MAX_SENTENCE];
	size_t pos = from;
	while (pos < to) {
		int len = 0;
		while (pos < to && len < MAX_SENTENCE) {
			uint32_t id = m->ids[pos++];
			if (id == 0)
				break;
			if (m->keep[id] < 1.0f && m->keep[id] < (float)(next_random(w) & 0xFFFF) / 65536.0f)
				continue;
			sen[len++] = id;
		}
		train_sentence(w, sen, len);
	}
}

/* Each thread takes the next job of the corpus in order, every epoch, as
 * gensim's workers take the jobs its producer makes: the corpus is learned
 * from start to end while the learning rate falls, whatever the threads. */
static void *train_thread(void *arg)
{
	job *j = arg;
	model *m = j->m;
	worker *w = &j->all[j->id];
	double last = 0;
	int epoch = -1;
	for (;;) {
		size_t next = atomic_fetch_add(&m->next_job, 1);
		if (next >= m->njobs * (size_t)m->opt->epochs)
			break;
		if ((int)(next / m->njobs) != epoch) {
			epoch = (int)(next / m->njobs);
			w->epoch_loss = w->loss, w->epoch_pairs = w->pairs;
		}
		size_t from = m->job_start[next % m->njobs], to = m->job_start[next % m->njobs + 1];
		w->alpha = (float)vs_w2v_alpha(m->alpha0, m->min_alpha, (double)atomic_load(&m->done) / (double)m->total);
		train_job(w, from, to);
		atomic_fetch_add(&m->done, to - from);
		if (vs_interrupted)
			atomic_store(&m->stop, 1);
		if (atomic_load(&m->stop))
			break;
		if (j->id == 0)
			report(w, j->all, epoch, w->alpha, &last);
	}
	return NULL;
}

static void fill_tables(model *m)
{
	for (int i = 0; i <= EXP_TABLE; i++) {
		double f = ((double)i / EXP_TABLE * 2 - 1) * MAX_EXP, e = exp(f);
		m->exp_table[i] = (float)(e / (e + 1));
		m->logsig_table[i] = (float)log1p(exp(-f));
	}
}

/* word2vec's initial vectors: uniform in [-0.5, 0.5) / dims from its generator. */
static void init_vectors(model *m)
{
	uint64_t r = m->opt->seed;
	for (size_t i = 0; i < m->vocab * m->dims; i++) {
		r = r * 25214903917ULL + 11;
		m->syn0[i] = (((float)(r & 0xFFFF) / 65536.0f) - 0.5f) / (float)m->dims;
	}
}

static int check_options(const vs_train_options *o, vs_error *err)
{
	if (o->dims < 1 || o->dims > 10000)
		return vs_fail(err, "dims must be 1 to 10000, not %d", o->dims);
	if (o->window < 1 || o->window > 1000)
		return vs_fail(err, "the window must be 1 to 1000 words, not %d", o->window);
	if (o->negative < 0 || o->negative > 1000)
		return vs_fail(err, "negative must be 0 to 1000, not %d", o->negative);
	if (o->negative == 0 && !o->hs)
		return vs_fail(err, "neither negative sampling nor hierarchical softmax: give --negative N or --hs");
	if (o->epochs < 1 || o->epochs > 10000)
		return vs_fail(err, "epochs must be 1 to 10000, not %d", o->epochs);
	if (!(o->sample >= 0 && o->sample < 1))
		return vs_fail(err, "sample must be 0 (none) or below 1, not %g", o->sample);
	if (o->min_count < 1)
		return vs_fail(err, "min-count must be at least 1");
	if (!(o->alpha >= 0 && o->alpha <= 10) || !(o->min_alpha >= 0) ||
	    (o->alpha > 0 && o->min_alpha > o->alpha))
		return vs_fail(err, "the learning rate must fall from alpha to min-alpha (%g, %g)", o->alpha, o->min_alpha);
	if (o->threads < 0 || o->threads > MAX_THREADS)
		return vs_fail(err, "threads must be 1 to %d", MAX_THREADS);
	return 0;
}

/* Vocabulary, then the corpus as ids. */
static int prepare(corpus *c, const vs_train_options *opt, vs_w2v_vocab *v, encoder *e, vs_train_report *rep,
                   vs_error *err)
{
	vs_w2v_counter *counter = vs_w2v_counter_new(opt->max_vocab);
	if (!counter)
		return vs_oom(err);
	int rc = read_corpus(c, opt, count_word, counter, &rep->tokens, err);
	if (rc == 0)
		rc = vs_w2v_counter_finish(counter, opt->min_count, v, err);
	vs_w2v_counter_free(counter);
	if (rc < 0)
		return -1;
	if (rep->tokens == 0)
		return vs_fail(err, "the corpus has no words");
	if (v->n < 3)
		return vs_fail(err, "%zu distinct word%s counted at least %zu times: too few to train on (lower --min-count?)",
		               v->n - 1, v->n == 2 ? "" : "s", opt->min_count);
	e->v = v;
	size_t tokens;
	if (read_corpus(c, opt, encode_word, e, &tokens, err) < 0)
		return -1;
	rep->train_words = (size_t)(v->total - v->count[0]); /* the words kept, not the sentence ends */
	rep->vocab = v->n - 1;
	return 0;
}

static int alloc_model(model *m, const vs_w2v_vocab *v, vs_error *err)
{
	const vs_train_options *o = m->opt;
	m->vocab = v->n;
	m->dims = (size_t)o->dims;
	m->count = v->count;
	size_t mat = m->vocab * m->dims;
	double bytes = (double)mat * sizeof(float) * (1 + (o->hs != 0) + (o->negative > 0));
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
	double phys = pages > 0 && page > 0 ? (double)pages * (double)page : 1e18;
	if (bytes > phys)
		return vs_fail(err, "%zu words x %zu dims need %.1f GB for the model, more than the %.1f GB of memory here "
		                    "(fewer --dims, or a higher --min-count)",
		               m->vocab - 1, m->dims, bytes / 1e9, phys / 1e9);
	if (bytes > 1e12 || !(m->syn0 = malloc(mat * sizeof *m->syn0)) ||
	    (o->negative && !(m->syn1neg = calloc(mat, sizeof *m->syn1neg))) ||
	    (o->hs && !(m->syn1 = calloc(mat, sizeof *m->syn1))))
		return vs_fail(err, "%zu words x %zu dims need %.1f GB for the model: not available", m->vocab - 1, m->dims,
		               bytes / 1e9);
	m->keep = malloc(m->vocab * sizeof *m->keep);
	if (!m->keep)
		return vs_oom(err);
	/* the threshold is sample x the words kept, as gensim's (word2vec counts
	 * the sentence ends too); the noise table holds the words, not the ends */
	uint64_t words = v->total - v->count[0];
	for (size_t i = 0; i < m->vocab; i++)
		m->keep[i] = o->sample > 0 ? (float)vs_word2vec_keep((double)v->count[i], (double)words, o->sample) : 1.0f;
	if (o->negative) {
		m->table_size = m->vocab * 100 < 1000000 ? 1000000 : m->vocab * 100 > 100000000 ? 100000000 : m->vocab * 100;
		if (!(m->table = vs_w2v_noise_table(v->count + 1, m->vocab - 1, m->table_size)))
			return vs_oom(err);
	}
	if (o->hs) {
		m->codelen = malloc(m->vocab);
		m->code = malloc(m->vocab * sizeof *m->code);
		m->point = malloc(m->vocab * sizeof *m->point);
		if (!m->codelen || !m->code || !m->point)
			return vs_oom(err);
		/* the tree of the words, without the sentence end (which is never
		 * predicted), its ties as gensim's: the tree gensim builds */
		m->codelen[0] = 0;
		if (vs_w2v_huffman(v->count + 1, m->vocab - 1, VS_W2V_TIES_GENSIM, m->codelen + 1, m->code + 1, m->point + 1,
		                   err) < 0)
			return -1;
	}
	fill_tables(m);
	init_vectors(m);
	return 0;
}

static void free_model(model *m)
{
	free(m->syn0), free(m->syn1), free(m->syn1neg), free(m->table), free(m->keep);
	free(m->codelen), free(m->code), free(m->point), free(m->job_start);
}

/* Hogwild: every thread updates the shared vectors without locks, as word2vec. */
static int run_threads(model *m, vs_train_report *rep, vs_error *err)
{
	int nt = m->nthreads;
	worker *ws = calloc((size_t)nt, sizeof *ws);
	job *jobs = calloc((size_t)nt, sizeof *jobs);
	pthread_t tids[MAX_THREADS];
	int started[MAX_THREADS] = {0}, ok = ws && jobs;
	for (int t = 0; ok && t < nt; t++) {
		ws[t].m = m;
		ws[t].id = t;
		ws[t].next_random = m->opt->seed + (uint64_t)t;
		ws[t].neu1 = calloc(m->dims, sizeof(float));
		ws[t].neu1e = calloc(m->dims, sizeof(float));
		size_t k = 2 * (size_t)m->opt->window, targets = 1 + (size_t)m->opt->negative;
		ws[t].ctx = malloc(k * sizeof *ws[t].ctx);
		ws[t].targets = malloc(k * targets * sizeof *ws[t].targets);
		ws[t].ntargets = malloc(k * sizeof *ws[t].ntargets);
		ok = ws[t].neu1 && ws[t].neu1e && ws[t].ctx && ws[t].targets && ws[t].ntargets;
		jobs[t] = (job){m, ws, t};
	}
	clock_gettime(CLOCK_MONOTONIC, &m->start);
	for (int t = 1; ok && t < nt; t++)
		started[t] = pthread_create(&tids[t], NULL, train_thread, &jobs[t]) == 0;
	if (ok)
		train_thread(&jobs[0]);
	for (int t = 1; t < nt; t++)
		if (started[t])
			pthread_join(tids[t], NULL);
	double loss = 0, pairs = 0;
	for (int t = 0; ws && t < nt; t++) {
		loss += ws[t].loss - ws[t].epoch_loss; /* the last epoch's */
		pairs += ws[t].pairs - ws[t].epoch_pairs;
		free(ws[t].neu1), free(ws[t].neu1e), free(ws[t].ctx), free(ws[t].targets), free(ws[t].ntargets);
	}
	free(ws), free(jobs);
	if (!ok)
		return vs_oom(err);
	rep->seconds = seconds_since(&m->start);
	size_t done = atomic_load(&m->done);
	rep->done = (double)done / (double)m->total;
	rep->words_per_sec = rep->seconds > 0 ? done / rep->seconds : 0;
	rep->loss = pairs ? loss / pairs : 0;
	rep->interrupted = atomic_load(&m->stop) != 0;
	return 0;
}

/* The words (without the sentence end) and their trained input vectors. */
static vs_vecset *result_set(const model *m, const vs_w2v_vocab *v, vs_error *err)
{
	const char **names = malloc((m->vocab - 1) * sizeof *names);
	if (!names) {
		vs_oom(err);
		return NULL;
	}
	for (size_t i = 1; i < m->vocab; i++)
		names[i - 1] = v->words.arena + v->words.off[i];
	vs_vecset *set = vs_vecset_from_arrays(names, m->vocab - 1, m->syn0 + m->dims, m->dims, err);
	free(names);
	return set;
}

vs_vecset *vs_train(const char *const *paths, size_t npaths, const vs_text_source *texts, size_t ntexts,
                    const vs_train_options *opt, vs_train_report *rep, vs_error *err)
{
	vs_train_report dummy;
	rep = rep ? rep : &dummy;
	memset(rep, 0, sizeof *rep);
	if (check_options(opt, err) < 0)
		return NULL;
	corpus c = {.texts = texts, .ntexts = ntexts};
	vs_w2v_vocab v = {0};
	encoder e = {0};
	model m = {.opt = opt};
	vs_vecset *set = NULL;
	if (list_sources(&c, paths, npaths, err) == 0 && (rep->files = c.files.n + ntexts, 1) &&
	    prepare(&c, opt, &v, &e, rep, err) == 0 && alloc_model(&m, &v, err) == 0) {
		m.ids = e.ids;
		m.nids = e.n;
		m.total = e.n * (size_t)opt->epochs;
		m.alpha0 = opt->alpha > 0 ? opt->alpha : opt->cbow ? 0.05 : 0.025;
		m.min_alpha = opt->min_alpha;
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		m.nthreads = opt->threads > 0 ? opt->threads : (int)(ncpu > 0 ? (ncpu < MAX_THREADS ? ncpu : MAX_THREADS) : 1);
		atomic_init(&m.done, 0);
		atomic_init(&m.stop, 0);
		atomic_init(&m.next_job, 0);
		if (make_jobs(&m, err) == 0 && run_threads(&m, rep, err) == 0)
			set = result_set(&m, &v, err);
	}
	free_model(&m);
	free(e.ids);
	vs_w2v_vocab_free(&v);
	vs_file_list_free(&c.files);
	return set;
}
