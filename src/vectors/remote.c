/* remote.c: the scans of a set whose rows live elsewhere, asked of the
 * server: the rows it returns are kept in the set and scored here as the
 * float32 scan would score them. */
#include "vectors/internal.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

/* Keep the rows the server returned, their indexes into rows. */
static int keep_rows(vs_vecset *set, char **names, const float *vecs, size_t got, long *rows, vs_error *err)
{
	for (size_t i = 0; i < got; i++)
		if ((rows[i] = vs_vecset_keep_row(set, names[i], vecs + i * set->dims, err)) < 0)
			return -1;
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
}

/* Is row i one of the excluded? */
static int excluded(long i, const long *ex, size_t nex)
{
	for (size_t e = 0; e < nex; e++)
		if (ex[e] == i)
			return 1;
	return 0;
}

/* The server's nearest rows scored as the brute force scores them (their
 * dots with q by sgemv as the scan's; qn 0: q is a unit vector, dot / norm;
 * else dot / (norm qn)), the excluded left out, best first (the server's
 * order between equal scores). */
static size_t score_rows(const vs_vecset *set, const float *q, double qn, const float *vecs, const long *rows,
                         size_t got, const long *ex, size_t nex, size_t k, float *dots, vs_hit *out)
{
	size_t n = 0;
	if (got)
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)got, (int)set->dims, 1.0f, vecs, (int)set->dims, q, 1, 0.0f,
		            dots, 1);
	for (size_t i = 0; i < got; i++) {
		if (excluded(rows[i], ex, nex) || excluded(rows[i], rows, i)) /* (a name the server gave twice) */
			continue;
		float norm = set->norms[rows[i]];
		float score = qn > 0 ? (norm > 0 ? (float)(dots[i] / (norm * qn)) : 0.0f) : dots[i] / norm;
		if (isnan(score)) /* (a zero row: never in an answer, as in the scan of a set in memory) */
			continue;
		size_t j = n++;
		for (; j > 0 && out[j - 1].score < score; j--)
			out[j] = out[j - 1];
		out[j] = (vs_hit){rows[i], score};
	}
	return n < k ? n : k;
}

int vs_remote_nearest(const vs_vecset *set, const float *q, double qn, size_t k, const long *ex, size_t nex,
                      vs_hit *out, size_t *nout, vs_error *err)
{
	enum { MARGIN = 8 }; /* rows past the k-th by the server's distances, that float32 may order otherwise */
	vs_vecset *own = (vs_vecset *)set; /* the set keeps what it fetches */
	char **names = NULL;
	float *vecs = NULL;
	size_t got = 0;
	*nout = 0;
	if (k == 0)
		return 0;
	if (set->remote->nearest(set->remote_ctx, q, k + nex + MARGIN, &names, &vecs, &got, err) < 0) {
		free(vecs);
		free_names(names, got);
		return -1;
	}
	long *rows = malloc((got ? got : 1) * sizeof *rows);
	vs_hit *all = malloc((got ? got : 1) * sizeof *all);
	float *dots = malloc((got ? got : 1) * sizeof *dots);
	int rc = -1;
	if (!rows || !all || !dots)
		vs_oom(err);
	else if (keep_rows(own, names, vecs, got, rows, err) == 0) {
		*nout = score_rows(set, q, qn, vecs, rows, got, ex, nex, k, dots, all);
		memcpy(out, all, *nout * sizeof *out);
		rc = 0;
	}
	free(rows), free(all), free(dots), free(vecs);
	free_names(names, got);
	return rc;
}

/* float32's cosine distance of a to each of n rows (the scan's rule). */
static int distances(const float *va, float na, const float *vecs, size_t n, size_t dims, float *d, vs_error *err)
{
	float *sq = malloc(dims * sizeof *sq);
	if (!sq)
		return vs_oom(err);
	if (n)
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)dims, 1.0f, vecs, (int)dims, va, 1, 0.0f, d, 1);
	for (size_t i = 0; i < n; i++) {
		const float *v = vecs + i * dims;
		for (size_t j = 0; j < dims; j++)
			sq[j] = v[j] * v[j];
		d[i] = 1.0f - d[i] / (na * sqrtf(vs_pairwise_sum(sq, dims)));
	}
	free(sq);
	return 0;
}

size_t vs_remote_rank(const vs_vecset *set, long a, long b, vs_error *err)
{
	size_t dims = set->dims, closer = 0, got = 0;
	const float *va = set->vectors + (size_t)a * dims, *vb = set->vectors + (size_t)b * dims;
	float na = sqrtf(cblas_sdot((int)dims, va, 1, va, 1));
	float db = 1.0f - cblas_sdot((int)dims, va, 1, vb, 1) / (na * set->norms[b]);
	/* the server's distances are not float32's: the rows within float32's
	 * error of db are fetched and judged here as the scan of every row would */
	double eps = (double)(dims + 8) * 4 * FLT_EPSILON;
	char **names = NULL;
	float *vecs = NULL, *d = NULL;
	int ok = set->remote->closer(set->remote_ctx, va, db - eps, db + eps, vs_vecset_word(set, a), &closer, &names, &vecs, &got,
	                             err) == 0;
	if (ok && !(d = malloc((got ? got : 1) * sizeof *d)))
		ok = vs_oom(err) == 0;
	if (ok && distances(va, na, vecs, got, dims, d, err) < 0)
		ok = 0;
	for (size_t i = 0; ok && i < got; i++) /* b's distance as the band's others are computed */
		if (strcmp(names[i], vs_vecset_word(set, b)) == 0)
			db = d[i];
	for (size_t i = 0; ok && i < got; i++)
		closer += d[i] < db;
	free(d), free(vecs);
	free_names(names, got);
	return ok ? closer + 1 : 0;
}
