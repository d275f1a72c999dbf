/* Word-vector queries. Each follows the float32 arithmetic of gensim 4's
 * KeyedVectors step by step, so scores agree to the last digits shown. */
#include "vectors/internal.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void vs_unit_vector(const vs_vecset *set, long i, float *out)
{
	vs_vecset_need_row(set, (size_t)i);
	const float *v = set->vectors + (size_t)i * set->dims;
	float n = set->norms[i];
	for (size_t d = 0; d < set->dims; d++)
		out[d] = v[d] / n;
}

/* gensim's matutils.unitvec takes the float64 BLAS (dnrm2, dscal) on a
 * float64 copy and casts the result back to float32. */
void vs_unitvec(float *v, size_t n)
{
	double *x = calloc(n ? n : 1, sizeof *x);
	if (!x)
		return;
	for (size_t i = 0; i < n; i++)
		x[i] = v[i];
	double len = cblas_dnrm2((int)n, x, 1);
	if (len > 0.0) {
		double alpha = 1.0 / len;
		for (size_t i = 0; i < n; i++)
			v[i] = (float)(x[i] * alpha);
	}
	free(x);
}

int vs_check_nonzero(const vs_vecset *set, const long *idx, size_t n, vs_error *err)
{
	for (size_t i = 0; i < n; i++)
		vs_vecset_need_row(set, (size_t)idx[i]);
	for (size_t i = 0; i < n; i++)
		if (!(set->norms[idx[i]] > 0))
			return vs_fail(err, "the vector of '%s' is zero: it has no direction to compare", vs_vecset_word(set, idx[i]));
	return 0;
}

static int is_zero(const float *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] != 0)
			return 0;
	return 1;
}

/* The normalised weighted mean of unit vectors (get_mean_vector with
 * pre_normalize and post_normalize), accumulated in key order. */
static void mean_vector(const vs_vecset *set, const long *pos, size_t npos, const long *neg, size_t nneg,
                        float *mean, float *tmp)
{
	size_t dims = set->dims;
	memset(mean, 0, dims * sizeof *mean);
	for (size_t i = 0; i < npos + nneg; i++) {
		int positive = i < npos;
		vs_unit_vector(set, positive ? pos[i] : neg[i - npos], tmp);
		for (size_t d = 0; d < dims; d++)
			mean[d] += positive ? tmp[d] : -tmp[d];
	}
	float total = (float)(npos + nneg);
	for (size_t d = 0; d < dims; d++)
		mean[d] /= total;
	vs_unitvec(mean, dims);
}

int vs_most_similar(const vs_vecset *set, const long *pos, size_t npos, const long *neg, size_t nneg,
                    size_t k, size_t restrict_vocab, vs_hit *out, size_t *nout, vs_error *err)
{
	size_t n = restrict_vocab && restrict_vocab < set->count ? restrict_vocab : set->count;
	*nout = 0;
	if (npos + nneg == 0)
		return vs_fail(err, "cannot compute similarity with no input");
	if (vs_check_nonzero(set, pos, npos, err) < 0 || vs_check_nonzero(set, neg, nneg, err) < 0)
		return -1;
	float *mean = malloc(set->dims * 2 * sizeof *mean);
	float *dists = malloc(n * sizeof *dists);
	long *ex = malloc((npos + nneg) * sizeof *ex);
	if (!mean || !dists || !ex) {
		free(mean);
		free(dists);
		free(ex);
		return vs_oom(err);
	}
	mean_vector(set, pos, npos, neg, nneg, mean, mean + set->dims);
	if (is_zero(mean, set->dims)) {
		free(mean), free(dists), free(ex);
		return vs_fail(err, "the query vector is zero (its words cancel out)");
	}
	if (npos)
		memcpy(ex, pos, npos * sizeof *ex);
	if (nneg)
		memcpy(ex + npos, neg, nneg * sizeof *ex);
	vs_score_rule rule = {0};
	int rc = set->remote ? vs_remote_nearest(set, mean, 0, k, ex, npos + nneg, out, nout, err)
	                     : vs_codes_nearest(set, mean, &rule, n, k, ex, npos + nneg, out, nout, err);
	if (rc > 0) { /* one float32 scan of every row */
		vs_vecset_need_all(set);
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)set->dims, 1.0f, set->vectors, (int)set->dims,
		            mean, 1, 0.0f, dists, 1);
		for (size_t i = 0; i < n; i++)
			dists[i] /= set->norms[i];
		*nout = vs_topk_select(dists, n, k, ex, npos + nneg, out);
		rc = 0;
	}
	free(mean);
	free(dists);
	free(ex);
	return rc;
}

int vs_most_similar_where(const vs_vecset *set, const long *pos, size_t npos, const long *neg, size_t nneg, size_t k,
                          const unsigned char *keep, vs_hit *out, size_t *nout, vs_error *err)
{
	*nout = 0;
	if (vs_vecset_whole(set, "a filtered scan", err) < 0)
		return -1;
	vs_vecset_need_all(set);
	size_t n = set->count;
	*nout = 0;
	if (npos + nneg == 0)
		return vs_fail(err, "cannot compute similarity with no input");
	if (vs_check_nonzero(set, pos, npos, err) < 0 || vs_check_nonzero(set, neg, nneg, err) < 0)
		return -1;
	float *mean = malloc(set->dims * 2 * sizeof *mean), *dists = malloc(n * sizeof *dists);
	vs_topk best = {0};
	if (!mean || !dists || vs_topk_init(&best, k) < 0) {
		free(mean), free(dists);
		return vs_oom(err);
	}
	mean_vector(set, pos, npos, neg, nneg, mean, mean + set->dims);
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)set->dims, 1.0f, set->vectors, (int)set->dims, mean, 1,
	            0.0f, dists, 1);
	for (size_t i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		float d = dists[i] / set->norms[i];
		int skip = !(d >= vs_topk_threshold(&best));
		for (size_t e = 0; e < npos + nneg && !skip; e++)
			skip = (long)i == (e < npos ? pos[e] : neg[e - npos]);
		if (!skip)
			vs_topk_push(&best, (long)i, d);
	}
	*nout = vs_topk_sorted(&best, out);
	vs_topk_free(&best);
	free(mean), free(dists);
	return 0;
}

int vs_most_similar_batch(const vs_vecset *set, const long *words, size_t m, size_t k, vs_hit *out, size_t *nout,
                          vs_error *err)
{
	enum { BLOCK = 4096 };
	if (vs_vecset_whole(set, "a batch of queries", err) < 0)
		return -1;
	vs_vecset_need_all(set);
	if (vs_check_nonzero(set, words, m, err) < 0)
		return -1;
	size_t n = set->count, dims = set->dims;
	float *q = malloc(m * dims * sizeof *q), *tmp = malloc(dims * sizeof *tmp);
	float *s = malloc((size_t)BLOCK * m * sizeof *s);
	vs_topk *best = calloc(m, sizeof *best);
	int ok = q && tmp && s && best;
	for (size_t j = 0; ok && j < m; j++)
		ok = vs_topk_init(&best[j], k) == 0;
	if (!ok) {
		for (size_t j = 0; best && j < m; j++)
			vs_topk_free(&best[j]);
		free(q), free(tmp), free(s), free(best);
		return vs_oom(err);
	}
	for (size_t j = 0; j < m; j++) /* each query as most_similar makes it */
		mean_vector(set, &words[j], 1, NULL, 0, q + j * dims, tmp);
	for (size_t b0 = 0; b0 < n; b0 += BLOCK) {
		size_t rows = n - b0 < BLOCK ? n - b0 : BLOCK;
		/* s = block of the matrix x queries^T, rows x m */
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)rows, (int)m, (int)dims, 1.0f,
		            set->vectors + b0 * dims, (int)dims, q, (int)dims, 0.0f, s, (int)m);
		for (size_t i = 0; i < rows; i++) {
			float norm = set->norms[b0 + i];
			for (size_t j = 0; j < m; j++) {
				float d = s[i * m + j] / norm;
				if ((long)(b0 + i) != words[j] && d >= vs_topk_threshold(&best[j]))
					vs_topk_push(&best[j], (long)(b0 + i), d);
			}
		}
	}
	for (size_t j = 0; j < m; j++) {
		nout[j] = vs_topk_sorted(&best[j], out + j * k);
		vs_topk_free(&best[j]);
	}
	free(q), free(tmp), free(s), free(best);
	return 0;
}

int vs_most_similar_cosmul(const vs_vecset *set, const long *pos, size_t npos, const long *neg,
                           size_t nneg, size_t k, vs_hit *out, size_t *nout, vs_error *err)
{
	*nout = 0;
	if (vs_vecset_whole(set, "3CosMul (--cosmul)", err) < 0)
		return -1;
	vs_vecset_need_all(set);
	size_t n = set->count, dims = set->dims;
	if (npos == 0)
		return vs_fail(err, "cannot compute similarity with no positive word");
	if (vs_check_nonzero(set, pos, npos, err) < 0 || vs_check_nonzero(set, neg, nneg, err) < 0)
		return -1;
	float *term = malloc(dims * sizeof *term);
	float *d = malloc(n * sizeof *d);
	float *num = malloc(n * sizeof *num);
	float *den = malloc(n * sizeof *den);
	long *ex = malloc((npos + nneg) * sizeof *ex);
	if (!term || !d || !num || !den || !ex) {
		free(term), free(d), free(num), free(den), free(ex);
		return vs_oom(err);
	}
	for (size_t t = 0; t < npos + nneg; t++) {
		int positive = t < npos;
		vs_unit_vector(set, positive ? pos[t] : neg[t - npos], term);
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)dims, 1.0f, set->vectors, (int)dims, term, 1,
		            0.0f, d, 1);
		float *acc = positive ? num : den;
		int first = positive ? t == 0 : t == npos;
		for (size_t i = 0; i < n; i++) {
			float s = (1.0f + d[i] / set->norms[i]) / 2.0f;
			acc[i] = first ? s : acc[i] * s;
		}
	}
	for (size_t i = 0; i < n; i++) {
		/* numpy: prod of no arrays is the scalar 1.0, and 1.0 + 1e-6 becomes a float32 */
		float den_i = nneg ? den[i] + 0.000001f : (float)1.000001;
		num[i] = num[i] / den_i;
	}
	memcpy(ex, pos, npos * sizeof *ex);
	if (nneg)
		memcpy(ex + npos, neg, nneg * sizeof *ex);
	*nout = vs_topk_select(num, n, k, ex, npos + nneg, out);
	free(term), free(d), free(num), free(den), free(ex);
	return 0;
}

float vs_similarity(const vs_vecset *set, long a, long b)
{
	vs_vecset_need_row(set, (size_t)a);
	vs_vecset_need_row(set, (size_t)b);
	size_t dims = set->dims;
	float *u = malloc(2 * dims * sizeof *u);
	if (!u)
		return NAN;
	memcpy(u, set->vectors + (size_t)a * dims, dims * sizeof *u);
	memcpy(u + dims, set->vectors + (size_t)b * dims, dims * sizeof *u);
	vs_unitvec(u, dims);
	vs_unitvec(u + dims, dims);
	float s = cblas_sdot((int)dims, u, 1, u + dims, 1);
	free(u);
	return s;
}

size_t vs_rank(const vs_vecset *set, long a, long b, vs_error *err)
{
	vs_vecset_need_row(set, (size_t)a);
	vs_vecset_need_row(set, (size_t)b);
	if (set->remote)
		return vs_remote_rank(set, a, b, err);
	size_t n = set->count, dims = set->dims, fast;
	int rc = vs_codes_rank(set, a, b, &fast, err);
	if (rc <= 0)
		return rc < 0 ? 0 : fast + 1;
	vs_vecset_need_all(set); /* a float32 scan of every row */
	float *d = malloc(n * sizeof *d);
	if (!d) {
		vs_oom(err);
		return 0;
	}
	const float *va = set->vectors + (size_t)a * dims;
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)dims, 1.0f, set->vectors, (int)dims, va, 1, 0.0f,
	            d, 1);
	/* cosine_similarities: the 1-D np.linalg.norm of a is sqrt(dot(a, a)) */
	float na = sqrtf(cblas_sdot((int)dims, va, 1, va, 1));
	for (size_t i = 0; i < n; i++)
		d[i] = 1.0f - d[i] / (na * set->norms[i]);
	size_t closer = 0;
	float db = d[b];
	for (size_t i = 0; i < n; i++)
		closer += d[i] < db && (long)i != a;
	free(d);
	return closer + 1;
}

int vs_rank_by_centrality(const vs_vecset *set, const long *idx, size_t n, vs_hit *out, vs_error *err)
{
	size_t dims = set->dims;
	if (n == 0)
		return vs_fail(err, "cannot select a word from an empty list");
	if (vs_check_nonzero(set, idx, n, err) < 0)
		return -1;
	float *vecs = malloc(n * dims * sizeof *vecs);
	float *mean = calloc(dims, sizeof *mean);
	if (!vecs || !mean) {
		free(vecs);
		free(mean);
		return vs_oom(err);
	}
	for (size_t i = 0; i < n; i++) {
		vs_unit_vector(set, idx[i], vecs + i * dims);
		for (size_t d = 0; d < dims; d++)
			mean[d] += vecs[i * dims + d];
	}
	for (size_t d = 0; d < dims; d++)
		mean[d] /= (float)n;
	vs_unitvec(mean, dims);
	float *dists = malloc(n * sizeof *dists);
	if (!dists) {
		free(vecs);
		free(mean);
		return vs_oom(err);
	}
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)dims, 1.0f, vecs, (int)dims, mean, 1, 0.0f, dists, 1);
	for (size_t i = 0; i < n; i++) {
		out[i].index = idx[i];
		out[i].score = dists[i];
	}
	free(dists);
	/* sorted((dist, word), reverse=True): by score, ties by word, descending */
	for (size_t i = 1; i < n; i++) {
		vs_hit x = out[i];
		size_t j = i;
		while (j > 0 && (out[j - 1].score < x.score ||
		                 (out[j - 1].score == x.score &&
		                  strcmp(vs_vecset_word(set, out[j - 1].index), vs_vecset_word(set, x.index)) < 0))) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = x;
	}
	free(vecs);
	free(mean);
	return 0;
}

size_t vs_suggest(const vs_vecset *set, const char *word, long *out, size_t max)
{
	size_t lw = strlen(word), limit = lw <= 4 ? 1 : 2, found = 0;
	size_t *dist = malloc(max * sizeof *dist);
	if (!dist || max == 0) {
		free(dist);
		return 0;
	}
	for (size_t i = 0; i < set->count; i++) {
		const char *w = vs_vecset_word(set, i);
		size_t l = strlen(w);
		if (l + limit < lw || l > lw + limit)
			continue;
		size_t d = vs_edit_distance(word, lw, w, l, limit);
		if (d > limit || d == 0)
			continue;
		/* keep the best by (distance, frequency rank): insertion into a short list */
		size_t pos = found;
		while (pos > 0 && dist[pos - 1] > d)
			pos--;
		if (pos >= max)
			continue;
		size_t last = found < max ? found : max - 1;
		for (size_t j = last; j > pos; j--) {
			out[j] = out[j - 1];
			dist[j] = dist[j - 1];
		}
		out[pos] = (long)i;
		dist[pos] = d;
		if (found < max)
			found++;
	}
	free(dist);
	return found;
}

int vs_nearest_to_vector(const vs_vecset *set, const float *q, size_t k, vs_hit *out, size_t *nout, vs_error *err)
{
	double qn = 0;
	for (size_t i = 0; i < set->dims; i++)
		qn += (double)q[i] * q[i];
	qn = sqrt(qn);
	if (!(qn > 0))
		return vs_fail(err, "the query vector is zero");
	if (set->remote)
		return vs_remote_nearest(set, q, qn, k, NULL, 0, out, nout, err);
	vs_score_rule rule = {qn};
	int rc = vs_codes_nearest(set, q, &rule, set->count, k, NULL, 0, out, nout, err);
	if (rc <= 0)
		return rc;
	vs_vecset_need_all(set); /* a float32 scan of every row */
	float *d = malloc(set->count * sizeof *d);
	if (!d)
		return vs_oom(err);
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)set->count, (int)set->dims, 1.0f, set->vectors, (int)set->dims, q, 1,
	            0.0f, d, 1);
	for (size_t i = 0; i < set->count; i++)
		d[i] = set->norms[i] > 0 ? (float)(d[i] / (set->norms[i] * qn)) : 0.0f;
	*nout = vs_topk_select(d, set->count, k, NULL, 0, out);
	free(d);
	return 0;
}

float vs_dot(const vs_vecset *set, long a, long b)
{
	vs_vecset_need_row(set, (size_t)a);
	vs_vecset_need_row(set, (size_t)b);
	return cblas_sdot((int)set->dims, set->vectors + (size_t)a * set->dims, 1, set->vectors + (size_t)b * set->dims,
	                  1);
}

int vs_analogy_explain(const vs_vecset *set, long a, long b, long c, const long *words, size_t n,
                       vs_analogy_step *out, double *mean_norm, vs_error *err)
{
	for (size_t i = 0; i < n; i++)
		vs_vecset_need_row(set, (size_t)words[i]);
	size_t dims = set->dims;
	long pos[2] = {b, c}, neg[1] = {a};
	if (vs_check_nonzero(set, pos, 2, err) < 0 || vs_check_nonzero(set, neg, 1, err) < 0)
		return -1;
	float *u = malloc(dims * 5 * sizeof *u); /* unit A, B, C, the mean, and scratch */
	if (!u)
		return vs_oom(err);
	long abc[3] = {a, b, c};
	for (int i = 0; i < 3; i++)
		vs_unit_vector(set, abc[i], u + (size_t)i * dims);
	double m = 0;
	for (size_t d = 0; d < dims; d++) { /* the mean before it is normalised, as gensim forms it */
		float v = (u[dims + d] + u[2 * dims + d] - u[d]) / 3.0f;
		m += (double)v * v;
	}
	*mean_norm = sqrt(m);
	mean_vector(set, pos, 2, neg, 1, u + 3 * dims, u + 4 * dims);
	for (size_t i = 0; i < n; i++) {
		const float *w = set->vectors + (size_t)words[i] * dims;
		float norm = set->norms[words[i]], cs[3];
		for (int j = 0; j < 3; j++)
			cs[j] = cblas_sdot((int)dims, w, 1, u + (size_t)j * dims, 1) / norm;
		out[i].cos_a = cs[0];
		out[i].cos_b = cs[1];
		out[i].cos_c = cs[2];
		out[i].cosadd = cblas_sdot((int)dims, w, 1, u + 3 * dims, 1) / norm;
		out[i].cosmul = ((1.0f + cs[1]) / 2.0f) * ((1.0f + cs[2]) / 2.0f) / ((1.0f + cs[0]) / 2.0f + 0.000001f);
	}
	free(u);
	return 0;
}
