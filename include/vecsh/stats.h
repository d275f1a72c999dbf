/* stats.h: correlation coefficients as scipy.stats computes them. */
#ifndef VECSH_STATS_H
#define VECSH_STATS_H

#include <stddef.h>

/* Pearson's r of x and y (n >= 2); NaN when either is constant. */
double vs_pearson(const double *x, const double *y, size_t n);

/* Ranks 1..n of x, ties given the average of their ranks (scipy's rankdata). */
int vs_rankdata(const double *x, size_t n, double *ranks);

/* Spearman's rho: Pearson's r of the average ranks. */
double vs_spearman(const double *x, const double *y, size_t n);

#endif
