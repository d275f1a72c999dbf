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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pca_known_answer),
		cmocka_unit_test(plots_are_written_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
