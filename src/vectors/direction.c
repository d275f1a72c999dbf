/* Directions in a set's space (he->she, good->bad): a named axis, words'
 * positions along it, and neighbours with it removed from every vector (the
 * "neutralise" step of Bolukbasi et al.'s hard debiasing). */
#include "vectors/internal.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int vs_direction(const vs_vecset *set, const long *from, const long *to, size_t npairs, float *out, vs_error *err)
{
	size_t d = set->dims;
	if (npairs == 0)
		return vs_fail(err, "a direction needs at least one pair of words");
	if (vs_check_nonzero(set, from, npairs, err) < 0 || vs_check_nonzero(set, to, npairs, err) < 0)
		return -1;
	double *sum = calloc(d, sizeof *sum);
	float *u = malloc(2 * d * sizeof *u);
	if (!sum || !u) {
		free(sum), free(u);
		return vs_oom(err);
	}
	for (size_t p = 0; p < npairs; p++) { /* the mean of the unit vectors' differences */
		vs_unit_vector(set, from[p], u);
		vs_unit_vector(set, to[p], u + d);
		for (size_t j = 0; j < d; j++)
			sum[j] += (double)u[d + j] - u[j];
	}
	double len = 0;
	for (size_t j = 0; j < d; j++)
		len += sum[j] * sum[j];
	len = sqrt(len);
	for (size_t j = 0; j < d; j++)
		out[j] = (float)(sum[j] / len);
	free(sum), free(u);
	if (!(len > 1e-12))
		return vs_fail(err, "the pairs' differences cancel out: the direction is zero");
	return 0;
}

float vs_position(const vs_vecset *set, long w, const float *g)
{
	vs_vecset_need_row(set, (size_t)w);
	const float *v = set->vectors + (size_t)w * set->dims;
	double dot = 0;
	for (size_t j = 0; j < set->dims; j++)
		dot += (double)v[j] * g[j];
	return set->norms[w] > 0 ? (float)(dot / set->norms[w]) : NAN;
}

int vs_most_similar_without(const vs_vecset *set, const long *pos, size_t npos, const long *neg, size_t nneg,
                            const float *g, size_t k, vs_hit *out, float *before, size_t *nout, vs_error *err)
{
	size_t n = set->count, d = set->dims;
	*nout = 0;
	if (vs_vecset_whole(set, "nn --minus", err) < 0)
		return -1;
	if (npos + nneg == 0)
		return vs_fail(err, "cannot compute similarity with no input");
	if (vs_check_nonzero(set, pos, npos, err) < 0 || vs_check_nonzero(set, neg, nneg, err) < 0)
		return -1;
	vs_vecset_need_all(set);
	float *q = calloc(2 * d, sizeof *q), *cos = malloc(2 * n * sizeof *cos), *score = malloc(n * sizeof *score);
	long *ex = malloc((npos + nneg) * sizeof *ex);
	if (!q || !cos || !score || !ex) {
		free(q), free(cos), free(score), free(ex);
		return vs_oom(err);
	}
	/* the query as most_similar makes it: the normalised mean of unit vectors */
	for (size_t i = 0; i < npos + nneg; i++) {
		long w = i < npos ? pos[i] : neg[i - npos];
		vs_unit_vector(set, w, q + d);
		for (size_t j = 0; j < d; j++)
			q[j] += i < npos ? q[d + j] : -q[d + j];
		ex[i] = w;
	}
	vs_unitvec(q, d);
	memcpy(q + d, g, d * sizeof *q);
	/* each row against the query and the direction at once: n x 2 */
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, 2, (int)d, 1.0f, set->vectors, (int)d, q, (int)d,
	            0.0f, cos, 2);
	double qg = 0;
	for (size_t j = 0; j < d; j++)
		qg += (double)q[j] * g[j];
	double qlen = sqrt(fmax(0.0, 1.0 - qg * qg)); /* |q - (q.g) g| for a unit q */
	for (size_t i = 0; i < n; i++) {
		double c = cos[2 * i] / set->norms[i], p = cos[2 * i + 1] / set->norms[i];
		double wlen = sqrt(fmax(0.0, 1.0 - p * p));
		score[i] = qlen > 0 && wlen > 0 ? (float)((c - qg * p) / (qlen * wlen)) : NAN;
	}
	*nout = vs_topk_select(score, n, k, ex, npos + nneg, out);
	for (size_t i = 0; i < *nout; i++)
		before[i] = cos[2 * out[i].index] / set->norms[out[i].index];
	free(q), free(cos), free(score), free(ex);
	if (!(qlen > 0))
		return vs_fail(err, "the query lies along the direction: nothing is left once it is removed");
	return 0;
}
