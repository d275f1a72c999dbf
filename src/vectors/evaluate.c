/* Benchmarks with gensim's rules. Analogies: every question's query is the
 * normalised mean of b - a + c (unit vectors); its top 8 among the first
 * restrict_vocab words are found with sgemm over blocks of questions and
 * blocks of the vocabulary, then gensim's answer rule is applied. */
#include "vectors/vectors.h"

#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/core.h"

#define TOPN 5          /* gensim asks most_similar for topn=5 ... */
#define KEEP (TOPN + 3) /* ... which keeps topn + len(all_keys) */
#define QBLOCK 128
#define VBLOCK 4096

typedef struct question {
	long a, b, c, expected; /* canonical indices (first case variant) */
	size_t section;
	int correct;
} question;

typedef struct eval_job {
	const vs_vecset *set;
	question *q;
	size_t nq, nvocab;
	const long *canon;   /* canonical index of each word < nvocab */
	atomic_size_t next;  /* next block of questions */
	atomic_size_t done;  /* questions answered */
	int failed;
	vs_progress_fn progress; /* called by the calling thread's worker */
	void *progress_ctx;
} eval_job;

typedef struct worker_arg {
	eval_job *j;
	int reports;         /* this worker reports progress */
} worker_arg;

static int is_in(long x, long a, long b, long c) { return x == a || x == b || x == c; }

static void answer(const eval_job *j, question *q, const vs_hit *hits, size_t nhits)
{
	long predicted = -1;
	size_t taken = 0;
	for (size_t h = 0; h < nhits && taken < TOPN; h++) {
		if (hits[h].index == q->b || hits[h].index == q->c || hits[h].index == q->a)
			continue; /* all_keys are left out of most_similar's result */
		taken++;
		predicted = j->canon[hits[h].index];
		if (!is_in(predicted, q->a, q->b, q->c))
			break;
	}
	q->correct = predicted >= 0 && predicted == q->expected;
}

static void *eval_worker(void *arg)
{
	eval_job *j = ((worker_arg *)arg)->j;
	int reports = ((worker_arg *)arg)->reports;
	size_t dims = j->set->dims;
	float *Q = malloc(QBLOCK * dims * sizeof *Q);
	float *S = malloc((size_t)QBLOCK * VBLOCK * sizeof *S);
	float *tmp = malloc(dims * sizeof *tmp);
	vs_topk *tops = calloc(QBLOCK, sizeof *tops);
	vs_hit *hits = malloc(KEEP * sizeof *hits);
	int ok = Q && S && tmp && tops && hits;
	for (size_t i = 0; ok && i < QBLOCK; i++)
		ok = vs_topk_init(&tops[i], KEEP) == 0;
	if (!ok) {
		j->failed = 1;
		goto done;
	}
	for (;;) {
		size_t first = atomic_fetch_add(&j->next, QBLOCK);
		if (first >= j->nq || vs_interrupted)
			break;
		size_t nb = j->nq - first < QBLOCK ? j->nq - first : QBLOCK;
		for (size_t i = 0; i < nb; i++) {
			const question *q = &j->q[first + i];
			long pos[2] = {q->b, q->c}, neg[1] = {q->a};
			float *m = Q + i * dims;
			memset(m, 0, dims * sizeof *m);
			for (int t = 0; t < 3; t++) {
				vs_unit_vector(j->set, t < 2 ? pos[t] : neg[0], tmp);
				for (size_t d = 0; d < dims; d++)
					m[d] += t < 2 ? tmp[d] : -tmp[d];
			}
			for (size_t d = 0; d < dims; d++)
				m[d] /= 3.0f;
			vs_unitvec(m, dims);
			tops[i].n = 0;
		}
		for (size_t v0 = 0; v0 < j->nvocab; v0 += VBLOCK) {
			size_t nv = j->nvocab - v0 < VBLOCK ? j->nvocab - v0 : VBLOCK;
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nb, (int)nv, (int)dims, 1.0f, Q,
			            (int)dims, j->set->vectors + v0 * dims, (int)dims, 0.0f, S, (int)nv);
			const float *norms = j->set->norms + v0;
			for (size_t i = 0; i < nb; i++) {
				const float *row = S + i * nv;
				vs_topk *t = &tops[i];
				float thr = vs_topk_threshold(t);
				for (size_t v = 0; v < nv; v++) {
					float s = row[v] / norms[v];
					if (s >= thr) {
						vs_topk_push(t, (long)(v0 + v), s);
						thr = vs_topk_threshold(t);
					}
				}
			}
		}
		for (size_t i = 0; i < nb; i++) {
			size_t nh = vs_topk_sorted(&tops[i], hits);
			answer(j, &j->q[first + i], hits, nh);
		}
		size_t done = atomic_fetch_add(&j->done, nb) + nb;
		if (reports && j->progress)
			j->progress(j->progress_ctx, (double)done / (double)j->nq);
	}
done:
	if (tops)
		for (size_t i = 0; i < QBLOCK; i++)
			vs_topk_free(&tops[i]);
	free(tops);
	free(Q);
	free(S);
	free(tmp);
	free(hits);
	return NULL;
}

void vs_analogy_report_free(vs_analogy_report *rep)
{
	for (size_t i = 0; i < rep->nsections; i++)
		free(rep->sections[i].name);
	free(rep->sections);
	memset(rep, 0, sizeof *rep);
}

/* Split on Unicode-agnostic ASCII whitespace (Python's str.split() also
 * splits on other Unicode spaces, which analogy files do not use). */
static size_t split_ws(char *s, char **out, size_t max)
{
	size_t n = 0;
	char *p = s;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\v' || *p == '\f' || *p == '\r')
			p++;
		if (!*p)
			return n;
		if (n < max)
			out[n] = p;
		n++;
		while (*p && !(*p == ' ' || *p == '\t' || *p == '\v' || *p == '\f' || *p == '\r'))
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static long lookup_upper(vs_vecset *set, const char *w, size_t limit, vs_error *err)
{
	char *u = vs_utf8_upper(w);
	if (!u)
		return -2;
	long i = vs_vecset_find_upper(set, u, limit, err);
	free(u);
	return i;
}

static int add_section(vs_analogy_report *rep, size_t *caps, char *line, vs_error *err)
{
	char *name = line;
	while (*name == ':' || *name == ' ')
		name++;
	char *e = name + strlen(name);
	while (e > name && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	if (rep->nsections == *caps) {
		size_t cap = *caps ? *caps * 2 : 16;
		vs_analogy_section *ns = realloc(rep->sections, cap * sizeof *ns);
		if (!ns)
			return vs_oom(err);
		rep->sections = ns;
		*caps = cap;
	}
	rep->sections[rep->nsections] = (vs_analogy_section){strdup(name), 0, 0};
	if (!rep->sections[rep->nsections++].name)
		return vs_oom(err);
	return 0;
}

/* One question line: 1 kept in qs, 0 counted (invalid or out of vocabulary), -1 failed. */
static int add_question(vs_vecset *set, char *line, size_t nvocab, vs_analogy_report *rep, question **qs, size_t *nq,
                        size_t *capq, vs_error *err)
{
	char *w[4];
	if (split_ws(line, w, 4) != 4) {
		rep->invalid_lines++;
		return 0;
	}
	rep->questions++;
	long ix[4];
	int missing = 0;
	for (int t = 0; t < 4; t++) {
		ix[t] = lookup_upper(set, w[t], nvocab, err);
		if (ix[t] == -2) {
			if (!err || !err->msg[0])
				vs_oom(err);
			return -1;
		}
		missing |= ix[t] < 0;
	}
	if (missing) {
		rep->oov++;
		return 0;
	}
	if (*nq == *capq) {
		size_t cap = *capq ? *capq * 2 : 1024;
		question *nqs = realloc(*qs, cap * sizeof *nqs);
		if (!nqs)
			return vs_oom(err);
		*qs = nqs;
		*capq = cap;
	}
	(*qs)[(*nq)++] = (question){ix[0], ix[1], ix[2], ix[3], rep->nsections - 1, 0};
	return 1;
}

/* The file's sections (": name") and questions ("a b c d"), as gensim reads them. */
static int read_questions(vs_vecset *set, const char *path, size_t nvocab, vs_analogy_report *rep, question **qs,
                          size_t *nq, vs_error *err)
{
	vs_linereader *lr = vs_linereader_open(path, err);
	if (!lr)
		return -1;
	size_t capq = 0, caps = 0, len;
	char *line;
	int rc = 0;
	while (rc == 0 && (line = vs_linereader_next(lr, &len, err))) {
		size_t ln = vs_linereader_line_no(lr);
		if (vs_utf8_invalid_count(line, len))
			rc = vs_fail(err, "%s: line %zu: not valid UTF-8", path, ln);
		else if (strncmp(line, ": ", 2) == 0)
			rc = add_section(rep, &caps, line, err);
		else if (rep->nsections == 0)
			rc = vs_fail(err, "%s: line %zu: missing section header (': name') before the first question", path, ln);
		else
			rc = add_question(set, line, nvocab, rep, qs, nq, &capq, err) < 0 ? -1 : 0;
	}
	if (rc == 0 && vs_linereader_failed(lr))
		rc = -1;
	vs_linereader_close(lr);
	if (rc == 0 && rep->questions == 0)
		rc = vs_fail(err, "%s: no analogy questions in the file", path);
	return rc;
}

/* The canonical index of every word of the restricted vocabulary: its first case variant. */
static long *canonical_indices(vs_vecset *set, size_t nvocab, vs_error *err)
{
	long *canon = malloc((nvocab ? nvocab : 1) * sizeof *canon);
	if (!canon) {
		vs_oom(err);
		return NULL;
	}
	for (size_t i = 0; i < nvocab; i++) {
		canon[i] = vs_vecset_find_upper(set, set->upper_words ? set->upper_words[i] : "", nvocab, err);
		if (canon[i] < 0)
			canon[i] = (long)i;
	}
	return canon;
}

/* How many threads can each get OpenBLAS's work buffer (up to 128 MiB a
 * thread, mapped on first use) and ours, under an address-space limit
 * (ulimit -v): OpenBLAS retries a failing mmap for ever, so the room is
 * probed first. 0: not even one. */
static int threads_that_fit(int want, size_t ours)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return want;
	size_t each = ((size_t)160 << 20) + ours;
	for (int n = want; n >= 1; n--) {
		void *p = mmap(NULL, each * (size_t)n, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (p != MAP_FAILED) {
			munmap(p, each * (size_t)n);
			return n;
		}
	}
	return 0;
}

/* Answer every question in threads, each with single-threaded BLAS. */
static int answer_questions(eval_job *job, vs_error *err)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nthreads = ncpu > 1 ? (int)(ncpu > 16 ? 16 : ncpu) : 1;
	size_t ours = (QBLOCK * job->set->dims + (size_t)QBLOCK * VBLOCK + job->set->dims) * sizeof(float);
	nthreads = threads_that_fit(nthreads, ours);
	if (nthreads == 0)
		return vs_fail(err, "the address-space limit (ulimit -v) leaves no room for the work buffers of one "
		                    "thread (about %zu MiB); raise it", (((size_t)160 << 20) + ours) >> 20);
	pthread_t tids[16];
	int started[16] = {0};
	worker_arg args[16];
	int blas_threads = openblas_get_num_threads();
	openblas_set_num_threads(1);
	for (int t = 0; t < nthreads; t++)
		args[t] = (worker_arg){job, t == 0};
	for (int t = 1; t < nthreads; t++)
		started[t] = pthread_create(&tids[t], NULL, eval_worker, &args[t]) == 0;
	eval_worker(&args[0]);
	for (int t = 1; t < nthreads; t++)
		if (started[t])
			pthread_join(tids[t], NULL);
	openblas_set_num_threads(blas_threads);
	return 0;
}

int vs_eval_analogies(vs_vecset *set, const char *path, size_t restrict_vocab, vs_progress_fn progress,
                      void *progress_ctx, vs_analogy_report *rep, vs_error *err)
{
	memset(rep, 0, sizeof *rep);
	if (vs_vecset_whole(set, "eval analogies", err) < 0)
		return -1;
	vs_vecset_need_all(set);
	size_t nvocab = restrict_vocab && restrict_vocab < set->count ? restrict_vocab : set->count, nq = 0;
	question *qs = NULL;
	long *canon = NULL;
	int rc = -1;
	if (read_questions(set, path, nvocab, rep, &qs, &nq, err) < 0 || !(canon = canonical_indices(set, nvocab, err)))
		goto out;
	eval_job job = {.set = set, .q = qs, .nq = nq, .nvocab = nvocab, .canon = canon, .progress = progress,
	                .progress_ctx = progress_ctx};
	atomic_init(&job.next, 0);
	atomic_init(&job.done, 0);
	if (answer_questions(&job, err) < 0)
		goto out;
	if (vs_interrupted) {
		vs_fail(err, "%s: interrupted", path);
		goto out;
	}
	if (job.failed) {
		vs_oom(err);
		goto out;
	}
	for (size_t i = 0; i < nq; i++) {
		vs_analogy_section *s = &rep->sections[qs[i].section];
		if (qs[i].correct)
			s->correct++, rep->correct++;
		else
			s->incorrect++, rep->incorrect++;
	}
	rc = 0;
out:
	free(qs);
	free(canon);
	if (rc < 0)
		vs_analogy_report_free(rep);
	return rc;
}

int vs_eval_pairs(vs_vecset *set, const char *path, size_t restrict_vocab, vs_pairs_report *rep,
                  vs_error *err)
{
	memset(rep, 0, sizeof *rep);
	if (vs_vecset_whole(set, "eval pairs", err) < 0)
		return -1;
	size_t nvocab = restrict_vocab && restrict_vocab < set->count ? restrict_vocab : set->count;
	vs_linereader *lr = vs_linereader_open(path, err);
	if (!lr)
		return -1;
	double *gold = NULL, *model = NULL;
	size_t cap = 0;
	char *line;
	size_t len;
	int rc = -1;
	while ((line = vs_linereader_next(lr, &len, err))) {
		size_t ln = vs_linereader_line_no(lr);
		if (vs_utf8_invalid_count(line, len)) {
			vs_fail(err, "%s: line %zu: not valid UTF-8", path, ln);
			goto out;
		}
		if (line[0] == '#')
			continue;
		/* exactly three tab-separated fields; the score is a number */
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t1 || !t2 || strchr(t2 + 1, '\t')) {
			rep->invalid_lines++;
			continue;
		}
		*t1 = *t2 = '\0';
		char *end;
		const char *sc = t2 + 1;
		while (*sc == ' ')
			sc++;
		double score = strtod(sc, &end);
		while (*end == ' ' || *end == '\t' || *end == '\r')
			end++;
		if (end == sc || *end) {
			rep->invalid_lines++;
			continue;
		}
		if (!isfinite(score)) { /* nan or inf would make every correlation nan */
			vs_fail(err, "%s: line %zu: the score '%s' is not a finite number", path, vs_linereader_line_no(lr), sc);
			goto out;
		}
		long a = lookup_upper(set, line, nvocab, err), b = lookup_upper(set, t1 + 1, nvocab, err);
		if (a == -2 || b == -2) {
			vs_oom(err);
			goto out;
		}
		if (a < 0 || b < 0) {
			rep->oov++;
			continue;
		}
		if (rep->pairs == cap) {
			cap = cap ? cap * 2 : 512;
			double *ng = realloc(gold, cap * sizeof *ng);
			if (ng)
				gold = ng;
			double *nm = realloc(model, cap * sizeof *nm);
			if (nm)
				model = nm;
			if (!ng || !nm) {
				vs_oom(err);
				goto out;
			}
		}
		gold[rep->pairs] = score;
		model[rep->pairs] = vs_similarity(set, a, b);
		rep->pairs++;
	}
	if (vs_linereader_failed(lr))
		goto out;
	if (rep->pairs == 0) {
		vs_fail(err, "%s: no valid similarity judgements: either not 'word TAB word TAB score' lines or "
		        "every word is out of the vocabulary", path);
		goto out;
	}
	rep->pearson = vs_pearson(gold, model, rep->pairs);
	rep->spearman = vs_spearman(gold, model, rep->pairs);
	rep->oov_ratio = 100.0 * (double)rep->oov / (double)(rep->pairs + rep->oov);
	rc = 0;
out:
	vs_linereader_close(lr);
	free(gold);
	free(model);
	return rc;
}
