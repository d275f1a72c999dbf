#include "core/core.h"

#include <math.h>
#include <stdlib.h>

double vs_pearson(const double *x, const double *y, size_t n)
{
	if (n < 2)
		return NAN;
	double mx = 0, my = 0;
	for (size_t i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
	}
	mx /= (double)n;
	my /= (double)n;
	double sxx = 0, syy = 0, sxy = 0;
	for (size_t i = 0; i < n; i++) {
		double dx = x[i] - mx, dy = y[i] - my;
		sxx += dx * dx;
		syy += dy * dy;
		sxy += dx * dy;
	}
	if (sxx == 0 || syy == 0)
		return NAN;
	double r = sxy / (sqrt(sxx) * sqrt(syy));
	return r > 1 ? 1 : r < -1 ? -1 : r;
}

static const double *rank_keys;
static int cmp_idx(const void *a, const void *b)
{
	double x = rank_keys[*(const size_t *)a], y = rank_keys[*(const size_t *)b];
	if (x < y)
		return -1;
	if (x > y)
		return 1;
	return *(const size_t *)a < *(const size_t *)b ? -1 : *(const size_t *)a > *(const size_t *)b;
}

int vs_rankdata(const double *x, size_t n, double *ranks)
{
	size_t *order = malloc((n ? n : 1) * sizeof *order);
	if (!order)
		return -1;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	rank_keys = x;
	qsort(order, n, sizeof *order, cmp_idx);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1;
		while (j < n && x[order[j]] == x[order[i]])
			j++;
		double avg = (double)(i + 1 + j) / 2.0; /* mean of ranks i+1 .. j */
		for (size_t t = i; t < j; t++)
			ranks[order[t]] = avg;
		i = j;
	}
	free(order);
	return 0;
}

double vs_spearman(const double *x, const double *y, size_t n)
{
	double *rx = malloc((n ? n : 1) * sizeof *rx), *ry = malloc((n ? n : 1) * sizeof *ry);
	double r = NAN;
	if (rx && ry && vs_rankdata(x, n, rx) == 0 && vs_rankdata(y, n, ry) == 0)
		r = vs_pearson(rx, ry, n);
	free(rx);
	free(ry);
	return r;
}
