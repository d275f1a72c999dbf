/* PCA through LAPACK's dsyev (OpenBLAS), in double precision. */
#include "viz/viz.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* LAPACK's symmetric eigensolver (Fortran calling convention). */
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
            const int *lwork, int *info);

int vs_pca(const float *rows, size_t n, size_t d, size_t k, double *coords, double *ratio, vs_error *err)
{
	if (n < 2)
		return vs_fail(err, "a projection needs at least two vectors");
	if (k < 1 || k > d)
		return vs_fail(err, "cannot project %zu-dimensional vectors onto %zu components", d, k);
	double *x = malloc(n * d * sizeof *x), *c = calloc(d * d, sizeof *c), *w = malloc(d * sizeof *w);
	double *mean = calloc(d, sizeof *mean);
	int rc = -1;
	if (!x || !c || !w || !mean) {
		vs_oom(err);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			mean[j] += rows[i * d + j];
	for (size_t j = 0; j < d; j++)
		mean[j] /= (double)n;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			x[i * d + j] = rows[i * d + j] - mean[j];
	/* covariance: X^T X / (n - 1), upper triangle in column-major = lower in row-major */
	cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, (int)d, (int)n, 1.0 / (double)(n - 1), x, (int)d, 0.0, c,
	            (int)d);
	int nd = (int)d, info = 0, lwork = -1;
	double wq;
	dsyev_("V", "U", &nd, c, &nd, w, &wq, &lwork, &info);
	lwork = info == 0 ? (int)wq : 3 * nd;
	double *work = malloc((size_t)lwork * sizeof *work);
	if (!work) {
		vs_oom(err);
		goto out;
	}
	dsyev_("V", "U", &nd, c, &nd, w, work, &lwork, &info);
	free(work);
	if (info != 0) {
		vs_fail(err, "the eigensolver failed (dsyev info %d)", info);
		goto out;
	}
	double total = 0;
	for (size_t j = 0; j < d; j++)
		total += w[j] > 0 ? w[j] : 0;
	/* eigenvalues ascend: component m is column d - 1 - m (column-major) */
	for (size_t m = 0; m < k; m++) {
		const double *v = c + (d - 1 - m) * d;
		double best = 0;
		for (size_t i = 0; i < n; i++) {
			double s = 0;
			for (size_t j = 0; j < d; j++)
				s += x[i * d + j] * v[j];
			coords[i * k + m] = s;
			if (fabs(s) > fabs(best))
				best = s;
		}
		if (best < 0)
			for (size_t i = 0; i < n; i++)
				coords[i * k + m] = -coords[i * k + m];
		double lambda = w[d - 1 - m] > 0 ? w[d - 1 - m] : 0;
		ratio[m] = total > 0 ? lambda / total : 0;
	}
	rc = 0;
out:
	free(x), free(c), free(w), free(mean);
	return rc;
}
