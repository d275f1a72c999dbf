/* t-SNE as scikit-learn's TSNE (1.2) runs it: conditional probabilities by a
 * binary search on each point's precision to the perplexity (100 steps,
 * entropy within 1e-5), over all points (exact) or the 3 x perplexity + 1
 * nearest (Barnes-Hut); joint P symmetrised and normalised; the embedding
 * from PCA scaled to a standard deviation of 1e-4 on its first axis; 250
 * iterations of gradient descent with P exaggerated 12 times and momentum
 * 0.5, then momentum 0.8 up to n_iter; gains (+0.2 / x0.8, at least 0.01);
 * learning rate max(n / 12 / 4, 50); a check every 50 iterations that stops
 * after n_iter_without_progress or a gradient norm under 1e-7. The
 * gradient is exact (every pair), or Barnes-Hut's over a quadtree with
 * angle 0.5. In double precision (scikit-learn keeps the embedding in
 * float32), so runs agree on the final KL divergence, not to the last bit. */
#include "viz/viz.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MACHINE_EPSILON DBL_EPSILON
#define PERPLEXITY_TOLERANCE 1e-5
#define EXPLORATION_N_ITER 250
#define N_ITER_CHECK 50

/* ---- Affinities */

/* Row i of the conditional P from the squared distances d[0..m) to its
 * candidates (scikit-learn's _binary_search_perplexity). */
static void search_row(const float *d, size_t m, double perplexity, double *p)
{
	double beta = 1, beta_min = -INFINITY, beta_max = INFINITY, want = log(perplexity);
	for (int step = 0; step < 100; step++) {
		double sum = 0, sum_dp = 0;
		for (size_t j = 0; j < m; j++)
			sum += p[j] = exp(-(double)d[j] * beta);
		if (sum == 0)
			sum = 1e-8;
		for (size_t j = 0; j < m; j++) {
			p[j] /= sum;
			sum_dp += (double)d[j] * p[j];
		}
		double diff = log(sum) + beta * sum_dp - want;
		if (fabs(diff) <= PERPLEXITY_TOLERANCE)
			break;
		if (diff > 0) {
			beta_min = beta;
			beta = beta_max == INFINITY ? beta * 2 : (beta + beta_max) / 2;
		} else {
			beta_max = beta;
			beta = beta_min == -INFINITY ? beta / 2 : (beta + beta_min) / 2;
		}
	}
}

/* Squared Euclidean distances of every pair (float32, as scikit-learn
 * casts them), through one dgemm. */
static float *sq_distances(const float *x, size_t n, size_t d)
{
	double *xd = malloc(n * d * sizeof *xd), *g = malloc(n * n * sizeof *g);
	float *out = malloc(n * n * sizeof *out);
	if (!xd || !g || !out) {
		free(xd), free(g), free(out);
		return NULL;
	}
	for (size_t i = 0; i < n * d; i++)
		xd[i] = x[i];
	cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, (int)d, 1.0, xd, (int)d, xd, (int)d, 0.0, g,
	            (int)n);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			double v = g[i * n + i] + g[j * n + j] - 2 * g[i * n + j];
			out[i * n + j] = i == j ? 0.0f : (float)(v > 0 ? v : 0);
		}
	free(xd), free(g);
	return out;
}

/* The joint P: dense n x n (exact), or each point's nn neighbours (sparse:
 * nbr[i * nn + j], p symmetrised into rows of variable length). */
typedef struct affinities {
	size_t n;
	double *dense;          /* exact: n x n */
	size_t *start, *col;    /* Barnes-Hut: CSR rows */
	double *val;
} affinities;

static int exact_p(const float *x, size_t n, size_t d, double perplexity, affinities *a)
{
	float *dist = sq_distances(x, n, d), *row = malloc(n * sizeof *row);
	double *cond = malloc(n * n * sizeof *cond), *p = malloc(n * sizeof *p);
	a->dense = malloc(n * n * sizeof *a->dense);
	if (!dist || !row || !cond || !p || !a->dense) {
		free(dist), free(row), free(cond), free(p);
		return -1;
	}
	for (size_t i = 0; i < n; i++) { /* the others (the point itself has p 0) */
		size_t m = 0;
		for (size_t j = 0; j < n; j++)
			if (j != i)
				row[m++] = dist[i * n + j];
		search_row(row, m, perplexity, p);
		for (size_t j = 0, k = 0; j < n; j++)
			cond[i * n + j] = j == i ? 0 : p[k++];
	}
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			sum += cond[i * n + j] + cond[j * n + i];
	sum = fmax(sum, MACHINE_EPSILON);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			a->dense[i * n + j] = i == j ? 0 : fmax((cond[i * n + j] + cond[j * n + i]) / sum, MACHINE_EPSILON);
	free(dist), free(row), free(cond), free(p);
	return 0;
}

typedef struct nbr {
	float d;
	size_t j;
} nbr;

static int by_distance(const void *x, const void *y)
{
	const nbr *a = x, *b = y;
	return a->d < b->d ? -1 : a->d > b->d ? 1 : a->j < b->j ? -1 : a->j > b->j;
}

static int by_col(const void *x, const void *y)
{
	const nbr *a = x, *b = y;
	return a->j < b->j ? -1 : a->j > b->j;
}

/* Barnes-Hut's P: each point's k nearest (exact search), conditional P over
 * them, then P + P^T normalised, as a CSR matrix. */
static int sparse_p(const float *x, size_t n, size_t d, double perplexity, affinities *a)
{
	enum { ROWS = 256 };
	size_t k = (size_t)(3.0 * perplexity + 1);
	if (k > n - 1)
		k = n - 1;
	double *xd = malloc(n * d * sizeof *xd), *g = malloc((size_t)ROWS * n * sizeof *g), *sq = malloc(n * sizeof *sq);
	float *row = malloc(k * sizeof *row);
	vs_hit *best = malloc(k * sizeof *best);
	nbr *edges = malloc(2 * n * k * sizeof *edges);
	size_t *from = malloc(2 * n * k * sizeof *from);
	double *p = malloc(k * sizeof *p);
	vs_topk top = {0};
	int ok = xd && g && sq && row && best && edges && from && p && vs_topk_init(&top, k) == 0;
	size_t ne = 0;
	for (size_t i = 0; ok && i < n * d; i++)
		xd[i] = x[i];
	for (size_t i = 0; ok && i < n; i++)
		sq[i] = cblas_ddot((int)d, xd + i * d, 1, xd + i * d, 1);
	for (size_t b = 0; ok && b < n; b += ROWS) { /* the squared distances of a block of rows to all */
		size_t m = n - b < ROWS ? n - b : ROWS;
		cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)m, (int)n, (int)d, 1.0, xd + b * d, (int)d, xd,
		            (int)d, 0.0, g, (int)n);
		for (size_t r = 0; r < m; r++) {
			size_t i = b + r;
			for (size_t j = 0; j < n; j++) { /* nearest first: the heap keeps the highest -distance */
				if (j == i)
					continue;
				double v = sq[i] + sq[j] - 2 * g[r * n + j];
				float dist = (float)(v > 0 ? v : 0);
				if (-dist >= vs_topk_threshold(&top))
					vs_topk_push(&top, (long)j, -dist);
			}
			size_t got = vs_topk_sorted(&top, best);
			for (size_t j = 0; j < got; j++)
				row[j] = -best[j].score;
			search_row(row, got, perplexity, p);
			for (size_t j = 0; j < got; j++) { /* p_ij into row i and row j (P + P^T) */
				size_t c = (size_t)best[j].index;
				from[ne] = i, edges[ne++] = (nbr){(float)p[j], c};
				from[ne] = c, edges[ne++] = (nbr){(float)p[j], i};
			}
		}
	}
	vs_topk_free(&top);
	free(xd), free(g), free(sq), free(best);
	float *dist = NULL;
	nbr *cand = NULL;
	/* group by row, then merge equal columns (summing in double) */
	a->start = ok ? calloc(n + 1, sizeof *a->start) : NULL;
	a->col = ok ? malloc(ne * sizeof *a->col) : NULL;
	a->val = ok ? malloc(ne * sizeof *a->val) : NULL;
	nbr *sorted = ok ? malloc(ne * sizeof *sorted) : NULL;
	double *pv = ok ? malloc(ne * sizeof *pv) : NULL;
	ok = ok && a->start && a->col && a->val && sorted && pv;
	if (ok) {
		/* the exact values: recompute p_ij from the edge list in double */
		size_t *fill = calloc(n + 1, sizeof *fill);
		ok = fill != NULL;
		for (size_t e = 0; ok && e < ne; e++)
			fill[from[e] + 1]++;
		for (size_t i = 0; ok && i < n; i++)
			fill[i + 1] += fill[i];
		size_t *pos = ok ? malloc((n + 1) * sizeof *pos) : NULL;
		ok = ok && pos;
		if (ok) {
			memcpy(pos, fill, (n + 1) * sizeof *pos);
			for (size_t e = 0; e < ne; e++)
				sorted[pos[from[e]]++] = edges[e];
		}
		double total = 0;
		size_t out = 0;
		for (size_t i = 0; ok && i < n; i++) {
			qsort(sorted + fill[i], fill[i + 1] - fill[i], sizeof *sorted, by_col);
			a->start[i] = out;
			for (size_t e = fill[i]; e < fill[i + 1]; e++) {
				if (out > a->start[i] && a->col[out - 1] == sorted[e].j) {
					a->val[out - 1] += sorted[e].d;
				} else {
					a->col[out] = sorted[e].j;
					a->val[out++] = sorted[e].d;
				}
			}
		}
		if (ok) {
			a->start[n] = out;
			for (size_t e = 0; e < out; e++)
				total += a->val[e];
			total = fmax(total, MACHINE_EPSILON);
			for (size_t e = 0; e < out; e++)
				a->val[e] /= total;
		}
		free(fill), free(pos);
	}
	free(dist), free(row), free(cand), free(edges), free(from), free(p), free(sorted), free(pv);
	return ok ? 0 : -1;
}

/* ---- Gradients (with the KL divergence when asked) */

/* scikit-learn's _kl_divergence for one degree of freedom. */
static double exact_gradient(const affinities *a, const double *y, size_t n, double exag, double *grad, int want_kl,
                             double *w)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++) {
			double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
			w[i * n + j] = i == j ? 0 : 1.0 / (1.0 + dx * dx + dy * dy);
			sum += w[i * n + j];
		}
	double kl = 0;
	for (size_t i = 0; i < n; i++) {
		double gx = 0, gy = 0;
		for (size_t j = 0; j < n; j++) {
			if (i == j)
				continue;
			double p = a->dense[i * n + j] * exag, q = fmax(w[i * n + j] / sum, MACHINE_EPSILON);
			double f = (p - q) * w[i * n + j];
			gx += f * (y[2 * i] - y[2 * j]);
			gy += f * (y[2 * i + 1] - y[2 * j + 1]);
			if (want_kl && j > i)
				kl += 2.0 * p * log(fmax(p, MACHINE_EPSILON) / q);
		}
		grad[2 * i] = 4 * gx;
		grad[2 * i + 1] = 4 * gy;
	}
	return kl;
}

/* A quadtree over the points for Barnes-Hut: a cell's centre of mass and
 * count, its square bounds, four children (or a leaf's point). */
typedef struct cell {
	double cx, cy, w;   /* centre and width of the square */
	double mx, my;      /* centre of mass */
	size_t count;
	long point;         /* a leaf's point, -1 for an inner cell or an empty leaf */
	long child[4];      /* -1: none */
} cell;

typedef struct quadtree {
	cell *c;
	size_t n, cap;
} quadtree;

static long new_cell(quadtree *t, double cx, double cy, double w)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 1024;
		cell *c = realloc(t->c, cap * sizeof *c);
		if (!c)
			return -1;
		t->c = c;
		t->cap = cap;
	}
	t->c[t->n] = (cell){cx, cy, w, 0, 0, 0, -1, {-1, -1, -1, -1}};
	return (long)t->n++;
}

static int insert(quadtree *t, long at, const double *y, long i, int depth)
{
	double px = y[2 * i], py = y[2 * i + 1];
	for (;;) {
		cell *c = &t->c[at];
		c->mx = (c->mx * (double)c->count + px) / (double)(c->count + 1);
		c->my = (c->my * (double)c->count + py) / (double)(c->count + 1);
		c->count++;
		if (c->count == 1) {
			c->point = i;
			return 0;
		}
		if (c->point >= 0) { /* a leaf that held one point (or duplicates): split it */
			long old = c->point;
			if ((y[2 * old] == px && y[2 * old + 1] == py) || depth > 60)
				return 0; /* the same place: the leaf counts it */
			c->point = -1;
			int q = (y[2 * old] >= c->cx) + 2 * (y[2 * old + 1] >= c->cy);
			double h = c->w / 4;
			long ch = new_cell(t, t->c[at].cx + (q & 1 ? h : -h), t->c[at].cy + (q & 2 ? h : -h), t->c[at].w / 2);
			if (ch < 0)
				return -1;
			c = &t->c[at];
			c->child[q] = ch;
			t->c[ch].mx = y[2 * old], t->c[ch].my = y[2 * old + 1], t->c[ch].count = c->count - 1;
			t->c[ch].point = old;
		}
		int q = (px >= c->cx) + 2 * (py >= c->cy);
		if (c->child[q] < 0) {
			double h = c->w / 4;
			long ch = new_cell(t, c->cx + (q & 1 ? h : -h), c->cy + (q & 2 ? h : -h), c->w / 2);
			if (ch < 0)
				return -1;
			t->c[at].child[q] = ch;
		}
		at = t->c[at].child[q];
		depth++;
	}
}

/* The tree, flattened in depth-first order for the traversals: a cell's
 * centre of mass, count, squared width and children (-1: none), or its
 * point (a leaf). */
typedef struct flat {
	double mx, my;
	double w2;
	int32_t count, point;
	int32_t child[4];
} flat;

static size_t flatten(const quadtree *t, long at, flat *out, size_t next)
{
	const cell *c = &t->c[at];
	size_t me = next++;
	out[me] = (flat){c->mx, c->my, c->w * c->w, (int32_t)c->count, (int32_t)c->point, {-1, -1, -1, -1}};
	for (int k = 0; k < 4; k++)
		if (c->child[k] >= 0) {
			out[me].child[k] = (int32_t)next;
			next = flatten(t, c->child[k], out, next);
		}
	return next;
}

/* The repulsive force on point i and its share of the normalisation: a cell
 * far enough (width / distance under theta), or a leaf, counts as its points
 * at their centre of mass. */
static void repulse(const flat *f, const double *y, long i, double theta2, double *fx, double *fy, double *sq)
{
	int32_t stack[256];
	int top = 0;
	double x0 = y[2 * i], y0 = y[2 * i + 1], ax = 0, ay = 0, s = 0;
	stack[top++] = 0;
	while (top) {
		const flat *c = &f[stack[--top]];
		if (c->count == 0 || (c->point == i && c->count == 1))
			continue;
		double dx = x0 - c->mx, dy = y0 - c->my, d2 = dx * dx + dy * dy;
		int leaf = c->point >= 0;
		if (leaf || (d2 > 0 && c->w2 < theta2 * d2)) {
			double count = (double)c->count - (leaf && c->point == i ? 1 : 0);
			double q = 1.0 / (1.0 + d2), m = count * q;
			s += m;
			m *= q;
			ax += m * dx;
			ay += m * dy;
			continue;
		}
		for (int k = 3; k >= 0; k--)
			if (c->child[k] >= 0 && top < 256)
				stack[top++] = c->child[k];
	}
	*fx = ax, *fy = ay, *sq = s;
}

typedef struct bh_ctx {
	const flat *t;
	const affinities *a;
	const double *y;
	double theta2, exag, sq;
	double *neg, *sqpart, *grad, *klpart;
	size_t parts;
	int want_kl;
} bh_ctx;

/* The repulsive forces of points from..to, and their shares of sum Q. */
static void bh_negative(void *arg, size_t from, size_t to)
{
	bh_ctx *c = arg;
	for (size_t i = from; i < to; i++) {
		double fx = 0, fy = 0, s = 0;
		repulse(c->t, c->y, (long)i, c->theta2, &fx, &fy, &s);
		c->neg[2 * i] = fx, c->neg[2 * i + 1] = fy;
		c->sqpart[i] = s;
	}
}

/* The attractive forces over P's neighbours, the gradient, the KL terms. */
static void bh_positive(void *arg, size_t from, size_t to)
{
	bh_ctx *c = arg;
	const affinities *a = c->a;
	const double *y = c->y;
	for (size_t i = from; i < to; i++) {
		double px = 0, py = 0, kl = 0;
		for (size_t e = a->start[i]; e < a->start[i + 1]; e++) {
			size_t j = a->col[e];
			double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
			double q = 1.0 / (1.0 + dx * dx + dy * dy), p = a->val[e] * c->exag;
			px += p * q * dx;
			py += p * q * dy;
			if (c->want_kl)
				kl += p * log(fmax(p, FLT_MIN) / fmax(q / c->sq, FLT_MIN));
		}
		c->grad[2 * i] = 4 * (px - c->neg[2 * i] / c->sq);
		c->grad[2 * i + 1] = 4 * (py - c->neg[2 * i + 1] / c->sq);
		c->klpart[i] = kl;
	}
}

static int bh_gradient(const affinities *a, const double *y, size_t n, double exag, double theta, double *grad,
                       int want_kl, double *kl_out)
{
	quadtree t = {0};
	double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 2; k++)
			lo[k] = fmin(lo[k], y[2 * i + k]), hi[k] = fmax(hi[k], y[2 * i + k]);
	double w = fmax(hi[0] - lo[0], hi[1] - lo[1]) * (1 + 1e-3) + 1e-12;
	long root = new_cell(&t, (lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2, w);
	int ok = root == 0;
	for (size_t i = 0; ok && i < n; i++)
		ok = insert(&t, root, y, (long)i, 0) == 0;
	double *work = ok ? malloc(4 * n * sizeof *work) : NULL;
	flat *f = ok ? malloc(t.n * sizeof *f) : NULL;
	if (!work || !f) {
		free(t.c), free(work), free(f);
		return -1;
	}
	flatten(&t, root, f, 0);
	bh_ctx c = {f, a, y, theta * theta, exag, 0, work, work + 2 * n, grad, work + 3 * n, 0, want_kl};
	vs_parallel_ranges(n, 256, 0, bh_negative, &c);
	for (size_t i = 0; i < n; i++) /* in point order: the same sum on any number of cores */
		c.sq += c.sqpart[i];
	vs_parallel_ranges(n, 256, 0, bh_positive, &c);
	double kl = 0;
	for (size_t i = 0; i < n; i++)
		kl += c.klpart[i];
	free(work);
	free(f);
	free(t.c);
	*kl_out = kl;
	return 0;
}

/* ---- The optimisation */

typedef struct run {
	const affinities *a;
	size_t n;
	int exact;
	double theta, lr;
	double *y, *update, *gains, *grad, *w;
} run;

/* One stage of scikit-learn's _gradient_descent: iterations it..n_iter-1. */
static int descend(run *r, int it, int n_iter, double momentum, double exag, int without_progress, double *error,
                   int *last)
{
	double best = DBL_MAX;
	int best_it = it, i;
	*error = DBL_MAX;
	for (i = it; i < n_iter; i++) {
		int check = (i + 1) % N_ITER_CHECK == 0, want = check || i == n_iter - 1;
		double kl = 0;
		if (r->exact)
			kl = exact_gradient(r->a, r->y, r->n, exag, r->grad, want, r->w);
		else if (bh_gradient(r->a, r->y, r->n, exag, r->theta, r->grad, want, &kl) < 0)
			return -1;
		if (want)
			*error = kl;
		/* in float32, as scikit-learn keeps the embedding, its gradient, gains
		 * and updates: the same steps, rounded the same way */
		float lr = (float)r->lr, mom = (float)momentum;
		for (size_t p = 0; p < 2 * r->n; p++) {
			float g = (float)r->grad[p], u = (float)r->update[p], gain = (float)r->gains[p];
			if (u * g < 0.0f)
				gain = gain + 0.2f;
			else
				gain = gain * 0.8f;
			if (gain < 0.01f)
				gain = 0.01f;
			g = g * gain;
			u = mom * u - lr * g;
			r->gains[p] = gain;
			r->grad[p] = g;
			r->update[p] = u;
			r->y[p] = (float)((float)r->y[p] + u);
		}
		if (check) {
			double gn = cblas_dnrm2((int)(2 * r->n), r->grad, 1);
			if (kl < best) {
				best = kl;
				best_it = i;
			} else if (i - best_it > without_progress) {
				break;
			}
			if (gn <= 1e-7)
				break;
		}
	}
	*last = i < n_iter ? i : n_iter - 1;
	return 0;
}

int vs_tsne(const float *x, size_t n, size_t d, const vs_tsne_options *opt, double *y, vs_tsne_report *rep,
            vs_error *err)
{
	memset(rep, 0, sizeof *rep);
	double perplexity = opt->perplexity > 0 ? opt->perplexity : 30;
	if (n < 4)
		return vs_fail(err, "t-SNE needs at least four points");
	if (!(perplexity < (double)n))
		return vs_fail(err, "the perplexity (%g) must be less than the number of points (%zu)", perplexity, n);
	int exact = opt->exact;
	/* the start: principal components, the first scaled to a standard deviation of 1e-4 */
	double ratio[2];
	if (vs_pca(x, n, d, 2, y, ratio, err) < 0)
		return -1;
	double mean = 0, var = 0;
	for (size_t i = 0; i < n; i++)
		mean += y[2 * i];
	mean /= (double)n;
	for (size_t i = 0; i < n; i++)
		var += (y[2 * i] - mean) * (y[2 * i] - mean);
	double sd = sqrt(var / (double)n);
	float sdf = (float)sd; /* in float32, as scikit-learn scales its float32 PCA start */
	for (size_t i = 0; i < 2 * n; i++)
		y[i] = (float)((float)((float)y[i] / sdf) * 1e-4f);
	affinities a = {n, NULL, NULL, NULL, NULL};
	int rc = exact ? exact_p(x, n, d, perplexity, &a) : sparse_p(x, n, d, perplexity, &a);
	run r = {&a, n, exact, opt->angle > 0 ? opt->angle : 0.5, fmax((double)n / 12.0 / 4.0, 50), y, NULL, NULL, NULL,
	         NULL};
	r.update = calloc(2 * n, sizeof *r.update);
	r.gains = malloc(2 * n * sizeof *r.gains);
	r.grad = malloc(2 * n * sizeof *r.grad);
	r.w = exact ? malloc(n * n * sizeof *r.w) : NULL;
	if (rc < 0 || !r.update || !r.gains || !r.grad || (exact && !r.w)) {
		rc = vs_oom(err);
	} else {
		int n_iter = opt->n_iter > 0 ? opt->n_iter : 1000, last = 0;
		for (size_t i = 0; i < 2 * n; i++)
			r.gains[i] = 1;
		double kl;
		rc = descend(&r, 0, EXPLORATION_N_ITER, 0.5, 12.0, EXPLORATION_N_ITER, &kl, &last);
		if (rc == 0 && (last < EXPLORATION_N_ITER || n_iter > EXPLORATION_N_ITER)) {
			/* scikit-learn starts the second stage with fresh gains and updates */
			for (size_t i = 0; i < 2 * n; i++)
				r.gains[i] = 1, r.update[i] = 0;
			rc = descend(&r, last + 1, n_iter, 0.8, 1.0, opt->n_iter_without_progress > 0 ? opt->n_iter_without_progress : 300,
			             &kl, &last);
		}
		if (rc < 0)
			rc = vs_oom(err);
		rep->kl_divergence = kl;
		rep->iterations = last + 1;
	}
	free(a.dense), free(a.start), free(a.col), free(a.val);
	free(r.update), free(r.gains), free(r.grad), free(r.w);
	return rc;
}

/* ---- Trustworthiness (sklearn.manifold.trustworthiness) */

double vs_trustworthiness(const float *x, size_t n, size_t d, const double *y, size_t e, size_t k)
{
	float *dist = sq_distances(x, n, d);
	nbr *order = malloc(n * sizeof *order), *emb = malloc(n * sizeof *emb);
	size_t *rank = malloc(n * sizeof *rank);
	if (!dist || !order || !emb || !rank || k == 0 || 2 * k >= n) {
		free(dist), free(order), free(emb), free(rank);
		return NAN;
	}
	double t = 0;
	for (size_t i = 0; i < n; i++) {
		size_t m = 0;
		for (size_t j = 0; j < n; j++) /* the input ranks, by distance (then index, as a stable argsort) */
			if (j != i)
				order[m++] = (nbr){dist[i * n + j], j};
		qsort(order, m, sizeof *order, by_distance);
		for (size_t r = 0; r < m; r++)
			rank[order[r].j] = r + 1;
		m = 0;
		for (size_t j = 0; j < n; j++)
			if (j != i) {
				double s = 0;
				for (size_t c = 0; c < e; c++)
					s += (y[i * e + c] - y[j * e + c]) * (y[i * e + c] - y[j * e + c]);
				emb[m++] = (nbr){(float)s, j};
			}
		qsort(emb, m, sizeof *emb, by_distance);
		for (size_t r = 0; r < k; r++)
			if (rank[emb[r].j] > k)
				t += (double)(rank[emb[r].j] - k);
	}
	free(dist), free(order), free(emb), free(rank);
	return 1.0 - t * 2.0 / ((double)n * (double)k * (2.0 * (double)n - 3.0 * (double)k - 1.0));
}
