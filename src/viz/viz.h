/* viz.h: projections (PCA) and plots (SVG, PNG). */
#ifndef VECSH_VIZ_H
#define VECSH_VIZ_H

#include "core/core.h"

/* ---- Principal component analysis of a few vectors (LAPACK through
 * OpenBLAS), and plots of the projected points as SVG or PNG. */

#include <stddef.h>

/* PCA of n rows of d floats onto k components: centre, then the leading
 * eigenvectors of the covariance (dsyev). coords gets n x k values, ratio the
 * explained-variance ratio of each component. Each component's sign is
 * chosen as scikit-learn's PCA does: the point farthest along it is
 * positive. */
int vs_pca(const float *rows, size_t n, size_t d, size_t k, double *coords, double *ratio, vs_error *err);

typedef struct vs_plot_point {
	const char *label;
	double x, y;
	int highlight;   /* drawn in the accent colour */
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
