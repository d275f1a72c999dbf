/* viz.h: projections (PCA) and plots (SVG, PNG). */
#ifndef VECSH_VIZ_H
#define VECSH_VIZ_H

#include "core/core.h"

/* ---- Principal component analysis of a few vectors (LAPACK through
 * OpenBLAS), and plots of the projected points as SVG or PNG. */

#include <stddef.h>
#include <stdint.h>

/* PCA of n rows of d floats onto k components: centre, then the leading
 * eigenvectors of the covariance (dsyev). coords gets n x k values, ratio the
 * explained-variance ratio of each component. Each component's sign is
 * chosen as scikit-learn's PCA does: the point farthest along it is
 * positive. */
int vs_pca(const float *rows, size_t n, size_t d, size_t k, double *coords, double *ratio, vs_error *err);

/* ---- t-SNE (scikit-learn's TSNE, 2 components, PCA start). */

typedef struct vs_tsne_options {
	double perplexity;            /* 0: 30 */
	int exact;                    /* every pair (O(n^2)) rather than Barnes-Hut */
	double angle;                 /* Barnes-Hut's theta; 0: 0.5 */
	int n_iter;                   /* 0: 1000 */
	int n_iter_without_progress;  /* 0: 300 */
} vs_tsne_options;

typedef struct vs_tsne_report {
	double kl_divergence;         /* the last computed, as scikit-learn's kl_divergence_ */
	int iterations;
} vs_tsne_report;

/* y gets n x 2 coordinates. */
int vs_tsne(const float *x, size_t n, size_t d, const vs_tsne_options *opt, double *y, vs_tsne_report *rep,
            vs_error *err);
/* sklearn.manifold.trustworthiness of an embedding y (n x e) of x (n x d)
 * with k neighbours (Euclidean); NaN when k >= n / 2. */
double vs_trustworthiness(const float *x, size_t n, size_t d, const double *y, size_t e, size_t k);

/* ---- UMAP (umap-learn's defaults; its own random numbers). */

typedef struct vs_umap_options {
	size_t n_neighbors;   /* 0: 15 */
	double min_dist;      /* 0: 0.1 */
	int n_epochs;         /* 0: 500 up to 10,000 points, else 200 */
	uint64_t seed;        /* 0: 1 */
} vs_umap_options;

/* y gets n x 2 coordinates. */
int vs_umap(const float *x, size_t n, size_t d, const vs_umap_options *opt, double *y, vs_error *err);
/* The curve 1 / (1 + a d^2b) fitted to min_dist and spread (find_ab_params). */
void vs_umap_ab(double spread, double min_dist, double *a, double *b);

/* ---- k-means (scikit-learn's KMeans, algorithm "lloyd"). */

typedef struct vs_kmeans_options {
	size_t k;
	const double *init; /* k x d initial centres, or NULL for k-means++ seeding */
	int n_init;         /* seeded runs, the lowest inertia kept (scikit-learn 1.2: 10) */
	int max_iter;       /* 0: 300 */
	double tol;         /* relative to the mean variance of the features (1e-4) */
	uint64_t seed;
} vs_kmeans_options;

typedef struct vs_kmeans_result {
	size_t k, dims, n;
	double *centers;    /* k x dims */
	int *labels;        /* n */
	double inertia;     /* the sum of squared distances to the centres */
	int iterations;
} vs_kmeans_result;

int vs_kmeans(const float *rows, size_t n, size_t d, const vs_kmeans_options *opt, vs_kmeans_result *out,
              vs_error *err);
void vs_kmeans_free(vs_kmeans_result *r);

/* ---- Two sets in one space: orthogonal Procrustes. */

/* The orthogonal d x d matrix R (row-major) that minimises ||A R - B|| for
 * n x d row-major a and b: U V^T of the SVD of A^T B, as
 * scipy.linalg.orthogonal_procrustes. */
int vs_procrustes(const double *a, const double *b, size_t n, size_t d, double *r, vs_error *err);

struct vs_vecset;
/* Align set a to set b: R fitted on the unit vectors of the words both have
 * (the first max_words of a's that b has; 0: all), as histwords aligns
 * decades. *shared gets how many words it was fitted on. */
int vs_align_sets(const struct vs_vecset *a, const struct vs_vecset *b, size_t max_words, double *r, size_t *shared,
                  vs_error *err);
/* The shared words that moved most: the cosine distance between each word's
 * aligned vector in a and its vector in b, the k largest (hits index a's
 * rows, scores the distances). */
int vs_moved_words(const struct vs_vecset *a, const struct vs_vecset *b, size_t max_words, size_t k, vs_hit *out,
                   size_t *nout, size_t *shared, vs_error *err);

typedef struct vs_plot_point {
	const char *label;
	double x, y;
	int highlight;   /* drawn in the accent colour */
	int group;       /* 0, or 1 + a cluster: drawn in that cluster's colour */
} vs_plot_point;

typedef struct vs_plot_arrow {
	size_t from, to; /* point indices */
} vs_plot_arrow;

typedef struct vs_plot {
	const char *title;
	const vs_plot_point *points;
	size_t npoints;
	const vs_plot_arrow *arrows;
	size_t narrows;
	int width, height;
} vs_plot;

/* Write the plot as SVG (by hand) or PNG (through cairo), chosen by the
 * file name's ending, through a temporary file renamed into place. */
int vs_plot_write(const vs_plot *p, const char *path, vs_error *err);

#endif
