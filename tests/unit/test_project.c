/* Unit tests: PCA against a known answer, and plots. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "vectors/vectors.h"
#include "viz/viz.h"

static void pca_known_answer(void **state)
{
	(void)state;
	/* a cross in the x-y plane of 3-D space, centred: (a,0) (-a,0) (0,b) (0,-b), a = 3, b = 1.
	 * The covariance is diag(2a^2/3, 2b^2/3, 0): the components are x then y, with
	 * ratios a^2/(a^2+b^2) = 0.9 and b^2/(a^2+b^2) = 0.1; the first point farthest
	 * along each component is positive, as in scikit-learn. */
	const float rows[] = {3, 0, 0, -3, 0, 0, 0, 1, 0, 0, -1, 0};
	double c[8], ratio[2];
	vs_error err;
	assert_int_equal(vs_pca(rows, 4, 3, 2, c, ratio, &err), 0);
	const double want[8] = {3, 0, -3, 0, 0, 1, 0, -1};
	for (int i = 0; i < 8; i++)
		assert_true(fabs(c[i] - want[i]) < 1e-9);
	assert_true(fabs(ratio[0] - 0.9) < 1e-12);
	assert_true(fabs(ratio[1] - 0.1) < 1e-12);
	/* translation does not matter; a line has all its variance on one component */
	const float line[] = {10, 11, 12, 11, 12, 13, 12, 13, 14, 13, 14, 15};
	assert_int_equal(vs_pca(line, 4, 3, 2, c, ratio, &err), 0);
	assert_true(fabs(ratio[0] - 1.0) < 1e-12);
	/* points 0 and 3 tie for the farthest: the first is made positive, as svd_flip does */
	assert_true(fabs(c[0] - 1.5 * sqrt(3.0)) < 1e-9);
	assert_true(fabs(c[6] + 1.5 * sqrt(3.0)) < 1e-9);
	assert_int_equal(vs_pca(rows, 1, 3, 2, c, ratio, &err), -1);
	assert_int_equal(vs_pca(rows, 4, 3, 4, c, ratio, &err), -1);
}

static void plots_are_written_whole(void **state)
{
	(void)state;
	char dir[] = "/tmp/vecsh-plot-XXXXXX", svg[64], png[64], bad[64];
	assert_non_null(mkdtemp(dir));
	snprintf(svg, sizeof svg, "%s/p.svg", dir);
	snprintf(png, sizeof png, "%s/p.png", dir);
	snprintf(bad, sizeof bad, "%s/p.gif", dir);
	vs_plot_point pts[3] = {{"a<b&c", 0, 0, 1}, {"é", 1, 1, 0}, {"z", 2, 0.5, 0}};
	vs_plot_arrow ar[1] = {{0, 1}};
	vs_plot p = {"title \"quoted\"", pts, 3, ar, 1, 400, 300};
	vs_error err;
	assert_int_equal(vs_plot_write(&p, svg, &err), 0);
	assert_int_equal(vs_plot_write(&p, png, &err), 0);
	assert_int_equal(vs_plot_write(&p, bad, &err), -1);
	FILE *f = fopen(svg, "r");
	char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "a&lt;b&amp;c"));
	assert_non_null(strstr(buf, "title &quot;quoted&quot;"));
	int points = 0;
	for (char *q = buf; (q = strstr(q, "class=\"point\"")); q++)
		points++;
	assert_int_equal(points, 3);
	f = fopen(png, "rb");
	unsigned char sig[8];
	assert_int_equal(fread(sig, 1, 8, f), 8);
	fclose(f);
	assert_memory_equal(sig, "\x89PNG\r\n\x1a\n", 8);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* k-means against scikit-learn's KMeans from the same initial centres
 * (tests/reference/make-kmeans.py): labels equal, centres to 1e-5. */
static void kmeans_case(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "tests/data/kmeans/%s.tsv", name);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	vs_error err;
	vs_load_options lo = {0};
	vs_vecset *set = vs_load("examples/data/glove-demo.txt.gz", &lo, NULL, &err);
	assert_non_null(set);
	size_t d = set->dims, n = 0, k = 0;
	static char line[1 << 16];
	double want_inertia = 0, *init = NULL, *centers = NULL;
	int *labels = NULL, iterations = 0;
	float *rows = NULL;
	size_t nl = 0;
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');
		assert_non_null(tab);
		*tab = 0;
		char *v = tab + 1;
		if (strcmp(line, "points") == 0) {
			n = strtoul(v, NULL, 10);
			rows = malloc(n * d * sizeof *rows);
			labels = malloc(n * sizeof *labels);
			for (size_t i = 0; i < n; i++)
				vs_unit_vector(set, (long)i, rows + i * d);
		} else if (strcmp(line, "init") == 0) {
			init = malloc(64 * d * sizeof *init);
			for (char *p = v, *e; (k < 64) && (strtol(p, &e, 10), e != p); p = e, k++)
				for (size_t j = 0; j < d; j++)
					init[k * d + j] = rows[strtoul(p, NULL, 10) * d + j];
			centers = malloc(k * d * sizeof *centers);
		} else if (strcmp(line, "inertia") == 0) {
			want_inertia = strtod(v, NULL);
		} else if (strcmp(line, "iterations") == 0) {
			iterations = atoi(v);
		} else if (strcmp(line, "label") == 0) {
			char *t2 = strrchr(v, '\t');
			labels[nl++] = atoi(t2 + 1);
		} else if (strcmp(line, "center") == 0) {
			char *p = v, *e;
			size_t j = strtoul(p, &e, 10);
			for (size_t c = 0; c < d; c++, p = e)
				centers[j * d + c] = strtod(e, &e);
		}
	}
	fclose(f);
	assert_int_equal(nl, n);
	vs_kmeans_options opt = {.k = k, .init = init, .tol = 1e-4};
	vs_kmeans_result r;
	assert_int_equal(vs_kmeans(rows, n, d, &opt, &r, &err), 0);
	size_t diff = 0;
	for (size_t i = 0; i < n; i++)
		diff += r.labels[i] != labels[i];
	double worst = 0;
	for (size_t i = 0; i < k * d; i++)
		worst = fmax(worst, fabs(r.centers[i] - centers[i]));
	print_message("%s: %zu of %zu labels differ, centres within %.2g, inertia %.9g (scikit-learn %.9g), "
	              "%d iterations (%d)\n", name, diff, n, worst, r.inertia, want_inertia, r.iterations, iterations);
	assert_int_equal(diff, 0);
	assert_true(worst < 1e-5);
	assert_true(fabs(r.inertia - want_inertia) < 1e-5 * want_inertia);
	assert_int_equal(r.iterations, iterations);
	vs_kmeans_free(&r);
	free(rows), free(labels), free(init), free(centers);
	vs_vecset_free(set);
}

static void kmeans_equals_scikit_learn(void **state)
{
	(void)state;
	kmeans_case("first-10");
	kmeans_case("empty");
}

/* Seeded runs: the same seed, the same clusters; every point labelled;
 * k-means++ never worse than the first k points as centres here. */
static void kmeans_plusplus_runs(void **state)
{
	(void)state;
	enum { N = 400, D = 5, K = 4 };
	float rows[N * D];
	srand(3);
	for (int i = 0; i < N; i++) /* four blobs */
		for (int j = 0; j < D; j++)
			rows[i * D + j] = (float)((i % K) * 10 * (j == i % K % D)) + (float)rand() / RAND_MAX;
	vs_kmeans_options opt = {.k = K, .n_init = 10, .tol = 1e-4, .seed = 7};
	vs_kmeans_result a, b;
	vs_error err;
	assert_int_equal(vs_kmeans(rows, N, D, &opt, &a, &err), 0);
	assert_int_equal(vs_kmeans(rows, N, D, &opt, &b, &err), 0);
	assert_memory_equal(a.labels, b.labels, N * sizeof *a.labels);
	for (int i = 0; i < N; i++) /* the blobs found: points of a blob share a label */
		assert_int_equal(a.labels[i], a.labels[i % K]);
	assert_true(a.inertia < N * D * 0.2);
	vs_kmeans_free(&a);
	vs_kmeans_free(&b);
	opt.k = N + 1;
	assert_int_equal(vs_kmeans(rows, N, D, &opt, &b, &err), -1);
}

/* align: the rotation equals scipy's orthogonal_procrustes on the shared
 * words' unit vectors (tests/reference/make-align.py), and is orthogonal. */
static void procrustes_equals_scipy(void **state)
{
	(void)state;
	vs_error err;
	vs_load_options lo = {0};
	vs_vecset *a = vs_load("tests/data/align/a.txt", &lo, NULL, &err), *b = vs_load("tests/data/align/b.txt", &lo, NULL, &err);
	assert_non_null(a);
	assert_non_null(b);
	double r[16 * 16], want;
	size_t shared;
	assert_int_equal(vs_align_sets(a, b, 0, r, &shared, &err), 0);
	assert_int_equal(shared, 280);
	FILE *f = fopen("tests/data/align/r.tsv", "r");
	assert_non_null(f);
	double worst = 0;
	for (int i = 0; i < 16 * 16; i++) {
		assert_int_equal(fscanf(f, "%lf", &want), 1);
		worst = fmax(worst, fabs(r[i] - want));
	}
	fclose(f);
	print_message("procrustes: within %.2g of scipy's\n", worst);
	assert_true(worst < 1e-5);
	for (int i = 0; i < 16; i++) /* R R^T = I */
		for (int j = 0; j < 16; j++) {
			double dot = 0;
			for (int c = 0; c < 16; c++)
				dot += r[i * 16 + c] * r[j * 16 + c];
			assert_true(fabs(dot - (i == j)) < 1e-12);
		}
	vs_vecset_free(a);
	vs_vecset_free(b);
}

static float *demo_units(size_t n, size_t *dims)
{
	vs_error err;
	vs_load_options lo = {0};
	vs_vecset *set = vs_load("examples/data/glove-demo.txt.gz", &lo, NULL, &err);
	assert_non_null(set);
	float *x = malloc(n * set->dims * sizeof *x);
	assert_non_null(x);
	for (size_t i = 0; i < n; i++)
		vs_unit_vector(set, (long)i, x + i * set->dims);
	*dims = set->dims;
	vs_vecset_free(set);
	return x;
}

/* trustworthiness equals scikit-learn's on a given embedding. */
static void trustworthiness_equals_scikit_learn(void **state)
{
	(void)state;
	size_t d;
	float *x = demo_units(200, &d);
	FILE *f = fopen("tests/data/tsne/trust.tsv", "r");
	assert_non_null(f);
	double want, y[400];
	assert_int_equal(fscanf(f, "%lf", &want), 1);
	for (int i = 0; i < 400; i++)
		assert_int_equal(fscanf(f, "%lf", &y[i]), 1);
	fclose(f);
	double got = vs_trustworthiness(x, 200, d, y, 2, 10);
	print_message("trustworthiness %.12f (scikit-learn %.12f)\n", got, want);
	assert_true(fabs(got - want) < 1e-9);
	assert_true(isnan(vs_trustworthiness(x, 200, d, y, 2, 100))); /* k must be under n / 2 */
	free(x);
}

/* t-SNE against scikit-learn's TSNE from the same start: the final KL
 * divergence and the trustworthiness. t-SNE's descent is chaotic: rounding
 * alone moves scikit-learn's own result (float32 or float64 input: 0.83 or
 * 0.87 on 300 points), so the small exact case is held to 10%, the 2,000
 * point Barnes-Hut case (where chaos averages out) to 1% and 0.01. */
static void tsne_case(size_t n, int exact, double tol)
{
	FILE *f = fopen("tests/data/tsne/kl.tsv", "r");
	assert_non_null(f);
	char method[32];
	size_t rn;
	double kl = 0, trust = 0, k1, t1;
	while (fscanf(f, "%zu %31s %lf %lf", &rn, method, &k1, &t1) == 4)
		if (rn == n && (strcmp(method, "exact") == 0) == exact)
			kl = k1, trust = t1;
	fclose(f);
	assert_true(kl > 0);
	size_t d;
	float *x = demo_units(n, &d);
	double *y = malloc(2 * n * sizeof *y);
	vs_tsne_options opt = {.exact = exact};
	vs_tsne_report rep;
	vs_error err;
	assert_int_equal(vs_tsne(x, n, d, &opt, y, &rep, &err), 0);
	double tw = vs_trustworthiness(x, n, d, y, 2, 10);
	print_message("t-SNE %zu points (%s): KL %.6f (scikit-learn %.6f, %+.2f%%), trustworthiness %.4f (%.4f)\n", n,
	              exact ? "exact" : "Barnes-Hut", rep.kl_divergence, kl, 100 * (rep.kl_divergence / kl - 1), tw,
	              trust);
	assert_true(fabs(rep.kl_divergence / kl - 1) < tol);
	assert_true(fabs(tw - trust) < 0.01);
	assert_int_equal(rep.iterations, 1000);
	free(x), free(y);
}

static void tsne_near_scikit_learn(void **state)
{
	(void)state;
	tsne_case(2000, 0, 0.01);
	tsne_case(300, 1, 0.10);
	size_t d;
	float *x = demo_units(10, &d);
	double y[20];
	vs_tsne_options opt = {.perplexity = 30};
	vs_tsne_report rep;
	vs_error err;
	assert_int_equal(vs_tsne(x, 10, d, &opt, y, &rep, &err), -1); /* perplexity over the points */
	assert_int_equal(vs_tsne(x, 3, d, &opt, y, &rep, &err), -1);
	free(x);
}

/* UMAP: umap-learn's curve parameters (find_ab_params: a 1.5769434604,
 * b 0.8950608781 for min_dist 0.1), labelled blobs kept apart, the same
 * seed the same layout, and the words' neighbourhoods kept (trustworthiness). */
static void umap_structure(void **state)
{
	(void)state;
	double a, b;
	vs_umap_ab(1.0, 0.1, &a, &b);
	assert_true(fabs(a - 1.5769434604) < 1e-5 && fabs(b - 0.8950608781) < 1e-5);
	enum { B = 4, PER = 80, D = 20, N = B * PER };
	float *x = malloc(N * D * sizeof *x);
	srand(9);
	for (int i = 0; i < N; i++) /* blob i % B around a corner of its own */
		for (int j = 0; j < D; j++)
			x[i * D + j] = (float)(5.0 * (j == i % B) + ((double)rand() / RAND_MAX - 0.5));
	double y[2 * N], y2[2 * N];
	vs_umap_options o = {.seed = 4};
	vs_error err;
	assert_int_equal(vs_umap(x, N, D, &o, y, &err), 0);
	assert_int_equal(vs_umap(x, N, D, &o, y2, &err), 0);
	assert_memory_equal(y, y2, sizeof y);
	size_t same = 0, all = 0; /* each point's 10 nearest in the layout: of its blob */
	for (int i = 0; i < N; i++) {
		double best[10];
		int lab[10], m = 0;
		for (int j = 0; j < N; j++) {
			if (j == i)
				continue;
			double d2 = (y[2 * i] - y[2 * j]) * (y[2 * i] - y[2 * j]) + (y[2 * i + 1] - y[2 * j + 1]) * (y[2 * i + 1] - y[2 * j + 1]);
			int at = m < 10 ? m++ : 10;
			while (at > 0 && best[at - 1] > d2) {
				if (at < 10)
					best[at] = best[at - 1], lab[at] = lab[at - 1];
				at--;
			}
			if (at < 10)
				best[at] = d2, lab[at] = j % B;
		}
		for (int k = 0; k < 10; k++)
			same += lab[k] == i % B, all++;
	}
	print_message("UMAP: %zu of %zu nearest in the layout from the same blob\n", same, all);
	assert_true(same == all);
	assert_int_equal(vs_umap(x, 3, D, &o, y, &err), -1);
	free(x);
	size_t d;
	float *w = demo_units(1000, &d);
	double *yw = malloc(2000 * sizeof *yw);
	vs_umap_options ow = {0};
	assert_int_equal(vs_umap(w, 1000, d, &ow, yw, &err), 0);
	/* umap-learn's own layouts of these words (five seeds, tests/reference/make-umap.py) */
	double lo = 1, hi = 0, v;
	FILE *f = fopen("tests/data/umap/trust.tsv", "r");
	assert_non_null(f);
	char line[256];
	while (fgets(line, sizeof line, f))
		if (line[0] != '#' && sscanf(line, "%*d %lf", &v) == 1)
			lo = v < lo ? v : lo, hi = v > hi ? v : hi;
	fclose(f);
	assert_true(lo <= hi);
	for (unsigned seed = 1; seed <= 2; seed++) {
		ow.seed = seed;
		assert_int_equal(vs_umap(w, 1000, d, &ow, yw, &err), 0);
		double t = vs_trustworthiness(w, 1000, d, yw, 2, 10);
		print_message("UMAP of 1,000 words, seed %u: trustworthiness %.4f (umap-learn's five seeds %.4f to %.4f)\n",
		              seed, t, lo, hi);
		assert_true(t > lo - 0.01 && t < hi + 0.01);
	}
	free(w), free(yw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pca_known_answer),
		cmocka_unit_test(kmeans_equals_scikit_learn),
		cmocka_unit_test(kmeans_plusplus_runs),
		cmocka_unit_test(procrustes_equals_scipy),
		cmocka_unit_test(trustworthiness_equals_scikit_learn),
		cmocka_unit_test(tsne_near_scikit_learn),
		cmocka_unit_test(umap_structure),
		cmocka_unit_test(plots_are_written_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
