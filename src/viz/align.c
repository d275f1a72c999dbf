/* Orthogonal Procrustes (scipy.linalg.orthogonal_procrustes): the rotation R
 * that minimises ||A R - B|| over orthogonal matrices is U V^T, where
 * U S V^T is the singular value decomposition of A^T B (LAPACK's dgesvd). */
#include "viz/viz.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vectors/vectors.h"

void dgesvd_(const char *jobu, const char *jobvt, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork, int *info);

int vs_procrustes(const double *a, const double *b, size_t n, size_t d, double *r, vs_error *err)
{
	if (n == 0 || d == 0)
		return vs_fail(err, "an alignment needs at least one shared word");
	double *m = malloc(d * d * sizeof *m), *s = malloc(d * sizeof *s), *u = malloc(d * d * sizeof *u);
	double *vt = malloc(d * d * sizeof *vt), wq = 0;
	int nd = (int)d, info = 0, lwork = -1;
	if (!m || !s || !u || !vt) {
		free(m), free(s), free(u), free(vt);
		return vs_oom(err);
	}
	/* A^T B, column-major for LAPACK: m[i + j d] = sum over rows of a[., i] b[., j] */
	cblas_dgemm(CblasColMajor, CblasNoTrans, CblasTrans, nd, nd, (int)n, 1.0, a, nd, b, nd, 0.0, m, nd);
	dgesvd_("A", "A", &nd, &nd, m, &nd, s, u, &nd, vt, &nd, &wq, &lwork, &info);
	lwork = info == 0 ? (int)wq : 5 * nd;
	double *work = malloc((size_t)lwork * sizeof *work);
	if (!work) {
		free(m), free(s), free(u), free(vt);
		return vs_oom(err);
	}
	dgesvd_("A", "A", &nd, &nd, m, &nd, s, u, &nd, vt, &nd, work, &lwork, &info);
	if (info == 0) /* R = U V^T, then row-major: r[i d + j] = R(i, j) */
		cblas_dgemm(CblasColMajor, CblasTrans, CblasTrans, nd, nd, nd, 1.0, vt, nd, u, nd, 0.0, r, nd);
	free(m), free(s), free(u), free(vt), free(work);
	if (info != 0)
		return vs_fail(err, "the singular value decomposition did not converge (LAPACK dgesvd: %d)", info);
	return 0;
}

/* The shared words' unit vectors (float64), the first max (0: all) of a's
 * words that b also has, in a's order. */
static int shared_units(const vs_vecset *a, const vs_vecset *b, size_t max, double **ua, double **ub, long **ia,
                        size_t *n, vs_error *err)
{
	size_t d = a->dims, cap = max && max < a->count ? max : a->count, k = 0;
	*ua = *ub = NULL;
	*ia = NULL;
	if (vs_vecset_whole(a, "aligning", err) < 0 || vs_vecset_whole(b, "aligning", err) < 0)
		return -1;
	*ua = malloc(cap * d * sizeof **ua);
	*ub = malloc(cap * d * sizeof **ub);
	*ia = malloc(cap * sizeof **ia);
	float *tmp = malloc(2 * d * sizeof *tmp);
	if (!*ua || !*ub || !*ia || !tmp) {
		free(*ua), free(*ub), free(*ia), free(tmp);
		return vs_oom(err);
	}
	vs_vecset_need_all(a);
	vs_vecset_need_all(b);
	for (size_t i = 0; i < a->count && k < cap; i++) {
		long j = vs_vecset_find(b, vs_vecset_word(a, i));
		if (j < 0 || !(a->norms[i] > 0) || !(b->norms[j] > 0))
			continue;
		vs_unit_vector(a, (long)i, tmp);
		vs_unit_vector(b, j, tmp + d);
		for (size_t c = 0; c < d; c++) {
			(*ua)[k * d + c] = tmp[c];
			(*ub)[k * d + c] = tmp[d + c];
		}
		(*ia)[k++] = (long)i;
	}
	free(tmp);
	*n = k;
	if (k == 0) {
		free(*ua), free(*ub), free(*ia);
		return vs_fail(err, "'%s' and '%s' share no word", a->name ? a->name : "a", b->name ? b->name : "b");
	}
	return 0;
}

static int same_dims(const vs_vecset *a, const vs_vecset *b, vs_error *err)
{
	if (a->dims == b->dims)
		return 0;
	return vs_fail(err, "'%s' has %zu dimensions and '%s' %zu: an alignment needs sets of equal dimensions",
	               a->name ? a->name : "a", a->dims, b->name ? b->name : "b", b->dims);
}

int vs_align_sets(const vs_vecset *a, const vs_vecset *b, size_t max_words, double *r, size_t *shared,
                  vs_error *err)
{
	double *ua, *ub;
	long *ia;
	if (same_dims(a, b, err) < 0 || shared_units(a, b, max_words, &ua, &ub, &ia, shared, err) < 0)
		return -1;
	int rc = vs_procrustes(ua, ub, *shared, a->dims, r, err);
	free(ua), free(ub), free(ia);
	return rc;
}

int vs_moved_words(const vs_vecset *a, const vs_vecset *b, size_t max_words, size_t k, vs_hit *out, size_t *nout,
                   size_t *shared, vs_error *err)
{
	double *ua, *ub;
	long *ia;
	size_t d = a->dims;
	*nout = 0;
	if (same_dims(a, b, err) < 0 || shared_units(a, b, max_words, &ua, &ub, &ia, shared, err) < 0)
		return -1;
	size_t n = *shared;
	double *r = malloc(d * d * sizeof *r), *rot = malloc(n * d * sizeof *rot);
	float *dist = malloc(n * sizeof *dist);
	int rc = -1;
	if (!r || !rot || !dist)
		vs_oom(err);
	else if (vs_procrustes(ua, ub, n, d, r, err) == 0) {
		/* the cosine distance of each shared word's turned unit vector to its vector in b */
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)d, (int)d, 1.0, ua, (int)d, r, (int)d,
		            0.0, rot, (int)d);
		for (size_t i = 0; i < n; i++) {
			double dot = cblas_ddot((int)d, rot + i * d, 1, ub + i * d, 1);
			double len = cblas_dnrm2((int)d, rot + i * d, 1);
			dist[i] = (float)(1.0 - dot / len);
		}
		*nout = vs_topk_select(dist, n, k, NULL, 0, out);
		for (size_t i = 0; i < *nout; i++) /* rows of a */
			out[i].index = ia[out[i].index];
		rc = 0;
	}
	free(r), free(rot), free(dist), free(ua), free(ub), free(ia);
	return rc;
}
