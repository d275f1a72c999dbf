/* UMAP (McInnes, Healy and Melville), as umap-learn computes it with its
 * defaults: the 15 nearest neighbours (the point itself first), each point's
 * distance to its nearest rho and a scale sigma found by binary search so
 * that its memberships exp(-(d - rho) / sigma) sum to log2(k); the fuzzy
 * union W + W^T - W o W^T; edges under max / n_epochs dropped; a spectral
 * start (the second and third eigenvectors of the normalised adjacency, by
 * subspace iteration), scaled to [0, 10]; then n_epochs (500 up to 10,000
 * points, else 200) of stochastic gradient descent: each edge sampled in
 * proportion to its weight, pulled by 1 / (1 + a d^2b) (a and b fitted to
 * min_dist and spread), 5 negative samples an edge pushed apart, gradients
 * clipped to 4, the learning rate falling linearly from 1. Its random
 * numbers are vecsh's own (umap-learn's come from numba), so runs are
 * checked on structure, not coordinates. */
#include "viz/viz.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t next_u64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double gauss(uint64_t *s)
{
	double u = ((double)(next_u64(s) >> 11) + 0.5) * 0x1p-53, v = ((double)(next_u64(s) >> 11) + 0.5) * 0x1p-53;
	return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* ---- a and b: 1 / (1 + a x^2b) fitted to 1 below min_dist and
 * exp(-(x - min_dist) / spread) above, on 300 points of [0, 3 spread]
 * (umap-learn's find_ab_params, by Gauss-Newton with damping). */
void vs_umap_ab(double spread, double min_dist, double *a, double *b)
{
	enum { N = 300 };
	double xs[N], ys[N];
	for (int i = 0; i < N; i++) {
		xs[i] = 3 * spread * i / (N - 1);
		ys[i] = xs[i] < min_dist ? 1.0 : exp(-(xs[i] - min_dist) / spread);
	}
	double pa = 1, pb = 1, lambda = 1e-3;
	double cost = 0;
	for (int i = 0; i < N; i++) {
		double f = 1 / (1 + pa * pow(xs[i], 2 * pb));
		cost += (f - ys[i]) * (f - ys[i]);
	}
	for (int it = 0; it < 500; it++) {
		double jtj[3] = {0}, jtr[2] = {0};
		for (int i = 0; i < N; i++) {
			double x = xs[i], p = x > 0 ? pow(x, 2 * pb) : 0, den = 1 + pa * p, f = 1 / den, r = f - ys[i];
			double da = -p / (den * den), db = x > 0 ? -pa * p * 2 * log(x) / (den * den) : 0;
			jtj[0] += da * da, jtj[1] += da * db, jtj[2] += db * db;
			jtr[0] += da * r, jtr[1] += db * r;
		}
		double m0 = jtj[0] * (1 + lambda), m2 = jtj[2] * (1 + lambda), det = m0 * m2 - jtj[1] * jtj[1];
		if (fabs(det) < 1e-300)
			break;
		double sa = -(m2 * jtr[0] - jtj[1] * jtr[1]) / det, sb = -(m0 * jtr[1] - jtj[1] * jtr[0]) / det;
		double na = pa + sa, nb = pb + sb, nc = 0;
		for (int i = 0; i < N && na > 0 && nb > 0; i++) {
			double f = 1 / (1 + na * pow(xs[i], 2 * nb));
			nc += (f - ys[i]) * (f - ys[i]);
		}
		if (na > 0 && nb > 0 && nc < cost) {
			int done = cost - nc < 1e-15 * (1 + cost);
			pa = na, pb = nb, cost = nc, lambda /= 10;
			if (done)
				break;
		} else {
			lambda *= 10;
			if (lambda > 1e12)
				break;
		}
	}
	*a = pa;
	*b = pb;
}

/* ---- The fuzzy graph */

typedef struct edge {
	size_t i, j;
	double w;
} edge;

static int by_ij(const void *x, const void *y)
{
	const edge *a = x, *b = y;
	return a->i != b->i ? (a->i < b->i ? -1 : 1) : a->j < b->j ? -1 : a->j > b->j;
}

/* Each point's k nearest (itself first) by Euclidean distance: blocks of
 * rows against all through dgemm, a bounded heap a row. */
static int knn(const float *x, size_t n, size_t d, size_t k, size_t *ind, double *dist)
{
	enum { ROWS = 256 };
	double *xd = malloc(n * d * sizeof *xd), *g = malloc((size_t)ROWS * n * sizeof *g), *sq = malloc(n * sizeof *sq);
	vs_hit *best = malloc(k * sizeof *best);
	vs_topk top = {0};
	int ok = xd && g && sq && best && vs_topk_init(&top, k) == 0;
	for (size_t i = 0; ok && i < n * d; i++)
		xd[i] = x[i];
	for (size_t i = 0; ok && i < n; i++)
		sq[i] = cblas_ddot((int)d, xd + i * d, 1, xd + i * d, 1);
	for (size_t b = 0; ok && b < n; b += ROWS) {
		size_t m = n - b < ROWS ? n - b : ROWS;
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)d, 1.0, xd + b * d, (int)d, xd,
		            (int)d, 0.0, g, (int)n);
		for (size_t r = 0; r < m; r++) {
			size_t i = b + r;
			for (size_t j = 0; j < n; j++) {
				double v = j == i ? 0 : sq[i] + sq[j] - 2 * g[r * n + j];
				float s = (float)-(v > 0 ? v : 0);
				if (s >= vs_topk_threshold(&top))
					vs_topk_push(&top, (long)j, j == i ? INFINITY : s); /* itself first */
			}
			size_t got = vs_topk_sorted(&top, best);
			for (size_t j = 0; j < got; j++) {
				ind[i * k + j] = (size_t)best[j].index;
				dist[i * k + j] = best[j].index == (long)i ? 0 : sqrt(-(double)best[j].score);
			}
		}
	}
	vs_topk_free(&top);
	free(xd), free(g), free(sq), free(best);
	return ok ? 0 : -1;
}

/* smooth_knn_dist and the memberships of each point's neighbours. */
static void memberships(const double *dist, size_t n, size_t k, double *w)
{
	double mean_all = 0;
	for (size_t i = 0; i < n * k; i++)
		mean_all += dist[i];
	mean_all /= (double)(n * k);
	double target = log2((double)k);
	for (size_t i = 0; i < n; i++) {
		const double *di = dist + i * k;
		double rho = 0, mean = 0;
		for (size_t j = 0; j < k; j++) {
			mean += di[j];
			if (rho == 0 && di[j] > 0)
				rho = di[j];
		}
		mean /= (double)k;
		double lo = 0, hi = INFINITY, mid = 1;
		for (int it = 0; it < 64; it++) {
			double psum = 0;
			for (size_t j = 1; j < k; j++) {
				double dd = di[j] - rho;
				psum += dd > 0 ? exp(-dd / mid) : 1.0;
			}
			if (fabs(psum - target) < 1e-5)
				break;
			if (psum > target) {
				hi = mid;
				mid = (lo + hi) / 2;
			} else {
				lo = mid;
				mid = hi == INFINITY ? mid * 2 : (lo + hi) / 2;
			}
		}
		double floor = 1e-3 * (rho > 0 ? mean : mean_all);
		if (mid < floor)
			mid = floor;
		for (size_t j = 0; j < k; j++) {
			double dd = di[j] - rho;
			w[i * k + j] = j == 0 && di[j] == 0 ? 0 : dd <= 0 ? 1.0 : exp(-dd / mid);
		}
	}
}

/* W + W^T - W o W^T over the kNN edges, as a list sorted by (i, j). */
static edge *fuzzy_union(const size_t *ind, const double *w, size_t n, size_t k, size_t *ne)
{
	edge *e = malloc(2 * n * k * sizeof *e);
	if (!e)
		return NULL;
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < k; j++)
			if (ind[i * k + j] != i && w[i * k + j] > 0) {
				e[m++] = (edge){i, ind[i * k + j], w[i * k + j]};
				e[m++] = (edge){ind[i * k + j], i, -w[i * k + j]}; /* the transpose, marked */
			}
	qsort(e, m, sizeof *e, by_ij);
	size_t out = 0;
	for (size_t a = 0; a < m;) {
		double fwd = 0, back = 0;
		size_t b = a;
		for (; b < m && e[b].i == e[a].i && e[b].j == e[a].j; b++) {
			if (e[b].w > 0)
				fwd = e[b].w;
			else
				back = -e[b].w;
		}
		e[out++] = (edge){e[a].i, e[a].j, fwd + back - fwd * back};
		a = b;
	}
	*ne = out;
	return e;
}

/* ---- The spectral start: the eigenvectors of D^-1/2 W D^-1/2 after the
 * first, by subspace iteration on it plus I (eigenvalues made positive). */
static void spectral(const edge *e, size_t ne, size_t n, uint64_t *rng, double *y)
{
	enum { V = 3 };
	double *deg = calloc(n, sizeof *deg), *q = malloc(V * n * sizeof *q), *z = malloc(V * n * sizeof *z);
	if (!deg || !q || !z) {
		for (size_t i = 0; i < 2 * n; i++)
			y[i] = gauss(rng);
		free(deg), free(q), free(z);
		return;
	}
	for (size_t a = 0; a < ne; a++)
		deg[e[a].i] += e[a].w;
	for (size_t i = 0; i < n; i++)
		deg[i] = deg[i] > 0 ? 1 / sqrt(deg[i]) : 0;
	for (size_t i = 0; i < V * n; i++)
		q[i] = gauss(rng);
	for (int it = 0; it < 300; it++) {
		for (int v = 0; v < V; v++) { /* z = (D^-1/2 W D^-1/2 + I) q */
			double *zv = z + v * n, *qv = q + v * n;
			memcpy(zv, qv, n * sizeof *zv);
			for (size_t a = 0; a < ne; a++)
				zv[e[a].i] += deg[e[a].i] * e[a].w * deg[e[a].j] * qv[e[a].j];
		}
		for (int v = 0; v < V; v++) { /* Gram-Schmidt */
			double *zv = z + v * n;
			for (int u = 0; u < v; u++) {
				double dot = cblas_ddot((int)n, zv, 1, z + u * n, 1);
				cblas_daxpy((int)n, -dot, z + u * n, 1, zv, 1);
			}
			double len = cblas_dnrm2((int)n, zv, 1);
			if (len > 0)
				cblas_dscal((int)n, 1 / len, zv, 1);
		}
		memcpy(q, z, V * n * sizeof *q);
	}
	for (size_t i = 0; i < n; i++) {
		y[2 * i] = q[n + i];
		y[2 * i + 1] = q[2 * n + i];
	}
	free(deg), free(q), free(z);
}

/* ---- The layout */

static double clip4(double g) { return g > 4 ? 4 : g < -4 ? -4 : g; }

int vs_umap(const float *x, size_t n, size_t d, const vs_umap_options *opt, double *y, vs_error *err)
{
	size_t k = opt->n_neighbors ? opt->n_neighbors : 15;
	if (n < 4)
		return vs_fail(err, "UMAP needs at least four points");
	if (k > n)
		k = n;
	if (k < 2)
		return vs_fail(err, "UMAP needs at least two neighbours");
	double min_dist = opt->min_dist > 0 ? opt->min_dist : 0.1, spread = 1.0, a, b;
	if (min_dist > spread)
		return vs_fail(err, "the minimum distance (%g) must not exceed the spread (1)", min_dist);
	vs_umap_ab(spread, min_dist, &a, &b);
	int epochs = opt->n_epochs > 0 ? opt->n_epochs : n <= 10000 ? 500 : 200;
	uint64_t rng = opt->seed ? opt->seed : 1;
	size_t *ind = malloc(n * k * sizeof *ind);
	double *dist = malloc(n * k * sizeof *dist), *w = malloc(n * k * sizeof *w);
	edge *e = NULL;
	size_t ne = 0;
	if (!ind || !dist || !w || knn(x, n, d, k, ind, dist) < 0 || (memberships(dist, n, k, w), 0) ||
	    !(e = fuzzy_union(ind, w, n, k, &ne))) {
		free(ind), free(dist), free(w), free(e);
		return vs_oom(err);
	}
	free(ind), free(dist), free(w);
	/* drop the edges too weak to be sampled once */
	double wmax = 0;
	for (size_t a2 = 0; a2 < ne; a2++)
		wmax = fmax(wmax, e[a2].w);
	size_t kept = 0;
	for (size_t a2 = 0; a2 < ne; a2++)
		if (e[a2].w >= wmax / epochs)
			e[kept++] = e[a2];
	ne = kept;
	/* the start: spectral, scaled to 10 at most, a little noise, then each axis to [0, 10] */
	spectral(e, ne, n, &rng, y);
	double m = 0;
	for (size_t i = 0; i < 2 * n; i++)
		m = fmax(m, fabs(y[i]));
	for (size_t i = 0; i < 2 * n; i++)
		y[i] = y[i] * (m > 0 ? 10 / m : 1) + 1e-4 * gauss(&rng);
	for (int c = 0; c < 2; c++) {
		double lo = INFINITY, hi = -INFINITY;
		for (size_t i = 0; i < n; i++)
			lo = fmin(lo, y[2 * i + c]), hi = fmax(hi, y[2 * i + c]);
		for (size_t i = 0; i < n; i++)
			y[2 * i + c] = hi > lo ? 10 * (y[2 * i + c] - lo) / (hi - lo) : 0;
	}
	double *every = malloc(ne * 4 * sizeof *every);
	if (!every) {
		free(e);
		return vs_oom(err);
	}
	double *next = every + ne, *every_neg = next + ne, *next_neg = every_neg + ne;
	for (size_t a2 = 0; a2 < ne; a2++) {
		double samples = epochs * (e[a2].w / wmax);
		every[a2] = samples > 0 ? epochs / samples : -1;
		next[a2] = every[a2];
		every_neg[a2] = every[a2] / 5;
		next_neg[a2] = every_neg[a2];
	}
	for (int ep = 0; ep < epochs; ep++) {
		double alpha = 1.0 * (1.0 - (double)ep / epochs);
		for (size_t a2 = 0; a2 < ne; a2++) {
			if (every[a2] < 0 || next[a2] > ep)
				continue;
			double *cur = y + 2 * e[a2].i, *oth = y + 2 * e[a2].j;
			double dx = cur[0] - oth[0], dy = cur[1] - oth[1], d2 = dx * dx + dy * dy;
			double coeff = d2 > 0 ? -2 * a * b * pow(d2, b - 1) / (a * pow(d2, b) + 1) : 0;
			double gx = clip4(coeff * dx), gy = clip4(coeff * dy);
			cur[0] += gx * alpha, cur[1] += gy * alpha;
			oth[0] -= gx * alpha, oth[1] -= gy * alpha;
			next[a2] += every[a2];
			int negs = (int)(((double)ep - next_neg[a2]) / every_neg[a2]);
			for (int p = 0; p < negs; p++) {
				size_t j = (size_t)(next_u64(&rng) % n);
				if (j == e[a2].i)
					continue;
				oth = y + 2 * j;
				dx = cur[0] - oth[0], dy = cur[1] - oth[1], d2 = dx * dx + dy * dy;
				if (d2 > 0) {
					coeff = 2 * b / ((0.001 + d2) * (a * pow(d2, b) + 1));
					cur[0] += clip4(coeff * dx) * alpha;
					cur[1] += clip4(coeff * dy) * alpha;
				} else {
					cur[0] += 4 * alpha;
					cur[1] += 4 * alpha;
				}
			}
			next_neg[a2] += negs * every_neg[a2];
		}
	}
	free(every);
	free(e);
	return 0;
}
