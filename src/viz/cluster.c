/* k-means as scikit-learn's KMeans runs it (algorithm "lloyd"): from given
 * initial centres, or from greedy k-means++ seeding (n_init runs, the lowest
 * inertia kept), Lloyd iterations until the labels stop changing or the
 * centres move less than tol times the mean variance of the features, empty
 * clusters given the points farthest from their centres, and a last
 * assignment so that the labels are those of the final centres. Centres in
 * double precision; the distances as ||c||^2 - 2 x.c through sgemm, in
 * float32 as scikit-learn computes them for float32 points. */
#include "viz/viz.h"

#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: the seeding's random numbers (vecsh's own; scikit-learn's come
 * from numpy's Mersenne Twister, so seeded runs differ from its runs). */
static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double next_unit(uint64_t *s) { return (double)(next_u64(s) >> 11) * 0x1p-53; }

static double sqdist(const double *a, const double *b, size_t d)
{
	double s = 0;
	for (size_t j = 0; j < d; j++)
		s += (a[j] - b[j]) * (a[j] - b[j]);
	return s;
}

/* Each point's nearest centre (the first of equals) by ||c||^2 - 2 x.c, in
 * float32 through sgemm as scikit-learn computes it for float32 points; f
 * gets n x k + k x d + k floats of scratch. */
static void assign(const float *x, size_t n, size_t d, const double *c, size_t k, float *f, int *labels)
{
	float *dist = f, *cf = f + n * k, *cn = cf + k * d;
	for (size_t j = 0; j < k * d; j++)
		cf[j] = (float)c[j];
	for (size_t j = 0; j < k; j++)
		cn[j] = cblas_sdot((int)d, cf + j * d, 1, cf + j * d, 1);
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)k, (int)d, -2.0f, x, (int)d, cf, (int)d, 0.0f,
	            dist, (int)k);
	for (size_t i = 0; i < n; i++) {
		size_t best = 0;
		float bd = dist[i * k] + cn[0];
		for (size_t j = 1; j < k; j++)
			if (dist[i * k + j] + cn[j] < bd)
				bd = dist[i * k + j] + cn[j], best = j;
		labels[i] = (int)best;
	}
}

/* The new centres: each cluster's mean; an empty cluster takes the point
 * farthest from its (old) centre, as scikit-learn's relocation does. */
static void update(const double *x, size_t n, size_t d, const double *old, size_t k, const int *labels, double *c,
                   double *weight, double *far)
{
	memset(c, 0, k * d * sizeof *c);
	memset(weight, 0, k * sizeof *weight);
	for (size_t i = 0; i < n; i++) {
		weight[labels[i]] += 1;
		cblas_daxpy((int)d, 1.0, x + i * d, 1, c + (size_t)labels[i] * d, 1);
	}
	size_t empty = 0;
	for (size_t j = 0; j < k; j++)
		empty += weight[j] == 0;
	if (empty) {
		for (size_t i = 0; i < n; i++)
			far[i] = sqdist(x + i * d, old + (size_t)labels[i] * d, d);
		for (size_t j = 0; j < k; j++) {
			if (weight[j] != 0)
				continue;
			size_t f = 0; /* the farthest point not taken yet */
			for (size_t i = 1; i < n; i++)
				if (far[i] > far[f])
					f = i;
			far[f] = -1;
			size_t from = (size_t)labels[f];
			cblas_daxpy((int)d, -1.0, x + f * d, 1, c + from * d, 1);
			weight[from] -= 1;
			memcpy(c + j * d, x + f * d, d * sizeof *c);
			weight[j] = 1;
		}
	}
	for (size_t j = 0; j < k; j++)
		if (weight[j] > 0)
			cblas_dscal((int)d, 1.0 / weight[j], c + j * d, 1);
}

/* Greedy k-means++ (scikit-learn's _kmeans_plusplus): the first centre a
 * random point; then 2 + floor(ln k) candidates drawn with probability
 * proportional to the squared distance to the nearest centre, the one that
 * lowers the potential most kept. */
static void plusplus(const double *x, size_t n, size_t d, size_t k, uint64_t *rng, double *c, double *closest,
                     double *trial, double *best, double *xx, double *dots)
{
	size_t trials = 2 + (size_t)log((double)k);
	for (size_t i = 0; i < n; i++) /* squared distances as ||x||^2 + ||y||^2 - 2 x.y, a gemv a candidate */
		xx[i] = cblas_ddot((int)d, x + i * d, 1, x + i * d, 1);
	size_t first = (size_t)(next_unit(rng) * (double)n);
	first = first < n ? first : n - 1;
	memcpy(c, x + first * d, d * sizeof *c);
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1.0, x, (int)d, c, 1, 0.0, dots, 1);
	double pot = 0;
	for (size_t i = 0; i < n; i++)
		pot += closest[i] = fmax(xx[i] + xx[first] - 2 * dots[i], 0);
	for (size_t j = 1; j < k; j++) {
		double best_pot = INFINITY;
		size_t best_cand = 0;
		for (size_t t = 0; t < trials; t++) {
			double r = next_unit(rng) * pot, acc = 0;
			size_t cand = 0;
			while (cand + 1 < n && (acc += closest[cand]) <= r)
				cand++;
			cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1.0, x, (int)d, x + cand * d, 1, 0.0, dots, 1);
			double p = 0;
			for (size_t i = 0; i < n; i++) {
				double dd = fmax(xx[i] + xx[cand] - 2 * dots[i], 0);
				trial[i] = dd < closest[i] ? dd : closest[i];
				p += trial[i];
			}
			if (p < best_pot) {
				best_pot = p, best_cand = cand;
				memcpy(best, trial, n * sizeof *best);
			}
		}
		memcpy(c + j * d, x + best_cand * d, d * sizeof *c);
		memcpy(closest, best, n * sizeof *closest);
		pot = best_pot;
	}
}

/* One run of Lloyd's iterations from the centres in c (replaced by the final ones). */
static void lloyd(const double *x, const float *xf, size_t n, size_t d, size_t k, int max_iter, double tol, double *c,
                  int *labels, double *inertia, int *iterations, double *work, float *fs)
{
	double *cnew = work, *weight = cnew + k * d, *far = weight + k;
	int *old = (int *)(far + n);
	for (size_t i = 0; i < n; i++)
		old[i] = -1;
	int strict = 0, it;
	for (it = 0; it < max_iter; it++) {
		assign(xf, n, d, c, k, fs, labels);
		update(x, n, d, c, k, labels, cnew, weight, far);
		double shift = 0;
		for (size_t j = 0; j < k * d; j++)
			shift += (cnew[j] - c[j]) * (cnew[j] - c[j]);
		memcpy(c, cnew, k * d * sizeof *c);
		if (memcmp(labels, old, n * sizeof *labels) == 0) {
			strict = 1;
			break;
		}
		if (shift <= tol)
			break;
		memcpy(old, labels, n * sizeof *labels);
	}
	if (!strict) /* the labels of the final centres */
		assign(xf, n, d, c, k, fs, labels);
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += sqdist(x + i * d, c + (size_t)labels[i] * d, d);
	*inertia = s;
	*iterations = it < max_iter ? it + 1 : max_iter;
}

int vs_kmeans(const float *rows, size_t n, size_t d, const vs_kmeans_options *opt, vs_kmeans_result *out,
              vs_error *err)
{
	size_t k = opt->k;
	memset(out, 0, sizeof *out);
	if (k < 1 || k > n)
		return vs_fail(err, "cannot make %zu clusters of %zu points", k, n);
	double *x = malloc(n * d * sizeof *x), *c = malloc(k * d * sizeof *c), *bestc = malloc(k * d * sizeof *c);
	int *labels = malloc(n * sizeof *labels), *bestl = malloc(n * sizeof *bestl);
	/* new centres k x d, weights k, far n, old labels n (ints in n doubles), and seeding's 5 n; the
	 * float32 distances n x k, centres k x d and their norms k */
	double *work = malloc((k * d + k + n + n + 5 * n) * sizeof *work);
	float *fs = malloc((n * k + k * d + k) * sizeof *fs);
	if (!x || !c || !bestc || !labels || !bestl || !work || !fs) {
		free(x), free(c), free(bestc), free(labels), free(bestl), free(work), free(fs);
		return vs_oom(err);
	}
	for (size_t i = 0; i < n * d; i++)
		x[i] = rows[i];
	/* tol relative to the mean variance of the features (np.var, ddof 0) */
	double var = 0;
	for (size_t j = 0; j < d; j++) {
		double m = 0, v = 0;
		for (size_t i = 0; i < n; i++)
			m += x[i * d + j];
		m /= (double)n;
		for (size_t i = 0; i < n; i++)
			v += (x[i * d + j] - m) * (x[i * d + j] - m);
		var += v / (double)n;
	}
	double tol = var / (double)d * opt->tol;
	uint64_t rng = opt->seed;
	int runs = opt->init ? 1 : opt->n_init > 0 ? opt->n_init : 1, iters = 0;
	double best = INFINITY;
	for (int r = 0; r < runs; r++) {
		if (opt->init) {
			for (size_t i = 0; i < k * d; i++)
				c[i] = opt->init[i];
		} else {
			double *seedw = work + k * d + k + n + n;
			plusplus(x, n, d, k, &rng, c, seedw, seedw + n, seedw + 2 * n, seedw + 3 * n, seedw + 4 * n);
		}
		double inertia;
		int it;
		lloyd(x, rows, n, d, k, opt->max_iter > 0 ? opt->max_iter : 300, tol, c, labels, &inertia, &it, work, fs);
		if (inertia < best) { /* the first of equal runs, as scikit-learn keeps */
			best = inertia;
			iters = it;
			memcpy(bestc, c, k * d * sizeof *c);
			memcpy(bestl, labels, n * sizeof *labels);
		}
	}
	free(x), free(c), free(labels), free(work), free(fs);
	out->k = k;
	out->dims = d;
	out->n = n;
	out->centers = bestc;
	out->labels = bestl;
	out->inertia = best;
	out->iterations = iters;
	return 0;
}

void vs_kmeans_free(vs_kmeans_result *r)
{
	free(r->centers);
	free(r->labels);
	memset(r, 0, sizeof *r);
}
