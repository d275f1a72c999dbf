/* project and plot: principal components of words, as numbers or a picture. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "viz/viz.h"

static const char *const methods[] = {"pca", NULL};
static const char *const dims_choices[] = {"2", "3", NULL};

/* --x AXIS --y AXIS: the axes to place words on instead of principal
 * components (both or neither); 0 without them, 1 with, -1 on error. */
static int axes_of(vs_session *s, const vs_args *a, const vs_vecset *set, const vs_axis **x, const vs_axis **y)
{
	const char *xn = vs_arg_opt(a, "--x"), *yn = vs_arg_opt(a, "--y");
	if (!xn && !yn)
		return 0;
	if (!xn || !yn)
		return vs_session_error(s, "%s: give both --x AXIS and --y AXIS", a->name);
	*x = vs_session_axis(s, a->name, xn, set);
	*y = *x ? vs_session_axis(s, a->name, yn, set) : NULL;
	return *x && *y ? 1 : -1;
}

/* Each word's position along the two axes (n x 2). */
static void place(const vs_vecset *set, const long *idx, size_t n, const vs_axis *x, const vs_axis *y, double *coords)
{
	for (size_t i = 0; i < n; i++) {
		coords[2 * i] = vs_position(set, idx[i], x->g);
		coords[2 * i + 1] = vs_position(set, idx[i], y->g);
	}
}

static int cmd_project_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	const char *d = vs_arg_opt(a, "--dims");
	size_t k = d && strcmp(d, "3") == 0 ? 3 : 2, n, nhigh;
	const vs_axis *ax = NULL, *ay = NULL;
	int on_axes = axes_of(s, a, set, &ax, &ay);
	if (on_axes < 0)
		return -1;
	if (on_axes && d && k != 2)
		return vs_session_error(s, "project: --x and --y place words on two axes (not --dims 3)");
	long *idx;
	if (vs_gather_words(s, a, set, &idx, &n, &nhigh) < 0)
		return -1;
	float *rows = vs_rows_of(set, idx, n);
	double *coords = malloc(n * k * sizeof *coords), ratio[3];
	vs_error err;
	int rc = -1;
	int ok = 0;
	if (!rows || !coords)
		vs_session_oom(s);
	else if (on_axes)
		place(set, idx, n, ax, ay, coords), ok = 1;
	else if (vs_pca(rows, n, set->dims, k, coords, ratio, &err) < 0)
		vs_session_error(s, "project: %s", err.msg);
	else
		ok = 1;
	vs_result *r = ok ? vs_result_new() : NULL;
	if (ok && !r)
		vs_session_oom(s);
	if (r) {
		static const char *const axis[] = {"x", "y", "z"};
		vs_result_col(r, "word", VS_COL_STR, 0);
		for (size_t c = 0; c < k; c++)
			vs_result_col(r, axis[c], VS_COL_FLOAT, 6);
		for (size_t i = 0; i < n; i++) {
			if (vs_result_row(r) < 0)
				break;
			vs_result_str(r, 0, set->words[idx[i]]);
			for (size_t c = 0; c < k; c++)
				vs_result_float(r, 1 + c, coords[i * k + c]);
		}
		static const char *const ratio_names[] = {"variance_pc1", "variance_pc2", "variance_pc3"};
		if (on_axes)
			vs_result_note(r, "x: the cosine with %s (%s), y: with %s (%s)", ax->name, ax->pairs, ay->name,
			               ay->pairs);
		else
			for (size_t c = 0; c < k; c++) /* the explained-variance ratio of each component */
				vs_result_context_float(r, ratio_names[c], ratio[c], 6);
		if (on_axes)
			;
		else if (k == 2)
			vs_result_note(r, "explained variance ratio: %.6f %.6f", ratio[0], ratio[1]);
		else
			vs_result_note(r, "explained variance ratio: %.6f %.6f %.6f", ratio[0], ratio[1], ratio[2]);
		vs_session_show(s, r);
		rc = 0;
	}
	free(idx), free(rows), free(coords);
	return rc;
}

static const vs_option cmd_project_options[] = {
	{"--method", "pca", "the projection (principal components)", VS_COMPLETE_CHOICE, methods},
	{"--dims", "2|3", "how many components (default 2)", VS_COMPLETE_CHOICE, dims_choices},
	{"--x", "AXIS", "place words on two axes (see axis): the first", VS_COMPLETE_NONE, NULL},
	{"--y", "AXIS", "and the second", VS_COMPLETE_NONE, NULL},
	{"--top", "N", "the first (most frequent) N words of the set", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_project_entry = {
	.name = "project",
	.usage = "[WORD...] [--method pca] [--dims 2|3] [--top N] [--x AXIS --y AXIS]",
	.summary = "principal-component coordinates of words",
	.help = "Centres the vectors and projects them on the leading eigenvectors of their\n"
	        "covariance (LAPACK through OpenBLAS). Without words, the words of the last\n"
	        "result (nn, analogy) are projected. The explained-variance ratio of each\n"
	        "component is reported; signs follow scikit-learn's PCA. --x AXIS --y AXIS\n"
	        "place the words on two named directions instead (see axis): each\n"
	        "coordinate is the cosine of the word's vector with the direction.",
	.example = "project king queen man woman prince princess\nnn frog -k 20\nproject --dims 3",
	.min_args = 0,
	.max_args = -1,
	.args_complete = VS_COMPLETE_WORD,
	.options = cmd_project_options,
	.exec = cmd_project_exec,
};

static int cmd_plot_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	const char *out = vs_arg_opt(a, "--out");
	if (!out)
		out = "vecsh-plot.svg";
	int analogy = vs_arg_flag(a, "--analogy");
	if (analogy && a->argc != 4)
		return vs_session_error(s, "plot: --analogy takes four words: A B C D (A is to B as C is to D)");
	size_t n, nhigh;
	const vs_axis *ax = NULL, *ay = NULL;
	int on_axes = axes_of(s, a, set, &ax, &ay);
	if (on_axes < 0)
		return -1;
	long *idx;
	if (vs_gather_words(s, a, set, &idx, &n, &nhigh) < 0)
		return -1;
	float *rows = vs_rows_of(set, idx, n);
	double *coords = malloc(n * 2 * sizeof *coords), ratio[2];
	vs_plot_point *pts = malloc(n * sizeof *pts);
	vs_error err;
	int rc = -1;
	if (!rows || !coords || !pts) {
		vs_session_oom(s);
	} else if (!on_axes && vs_pca(rows, n, set->dims, 2, coords, ratio, &err) < 0) {
		vs_session_error(s, "plot: %s", err.msg);
	} else {
		if (on_axes)
			place(set, idx, n, ax, ay, coords);
		/* coloured by the last clustering when it was of this set */
		int clustered = s->cluster_set == set && !analogy;
		for (size_t i = 0; i < n; i++)
			pts[i] = (vs_plot_point){set->words[idx[i]], coords[2 * i], coords[2 * i + 1],
			                         analogy ? i == 3 : i < nhigh && !clustered,
			                         clustered ? 1 + s->cluster_of[idx[i]] : 0};
		vs_plot_arrow arrows[2] = {{0, 1}, {2, 3}};
		char title[512];
		if (analogy)
			snprintf(title, sizeof title, "%s is to %s as %s is to %s (PCA, %.0f%% of the variance)",
			         set->words[idx[0]], set->words[idx[1]], set->words[idx[2]], set->words[idx[3]],
			         100 * (ratio[0] + ratio[1]));
		else if (on_axes)
			snprintf(title, sizeof title, "%zu words of %s along %s (x) and %s (y)%s", n, set->name, ax->name,
			         ay->name, clustered ? "; colours: k-means clusters" : "");
		else
			snprintf(title, sizeof title, "%zu words of %s (PCA, %.0f%% of the variance%s)", n, set->name,
			         100 * (ratio[0] + ratio[1]), clustered ? "; colours: k-means clusters" : "");
		vs_plot p = {title, pts, n, analogy ? arrows : NULL, analogy ? 2 : 0, 900, 650};
		if (vs_plot_write(&p, out, &err) < 0)
			vs_session_error(s, "plot: %s", err.msg);
		else {
			vs_session_info(s, "wrote %s (%zu points)", out, n);
			rc = 0;
		}
	}
	free(idx), free(rows), free(coords), free(pts);
	return rc;
}

static const vs_option cmd_plot_options[] = {
	{"--out", "FILE", "FILE.svg (the default is vecsh-plot.svg) or FILE.png", VS_COMPLETE_FILE, NULL},
	{"--analogy", NULL, "four words A B C D: draw the offsets A->B and C->D", VS_COMPLETE_NONE, NULL},
	{"--x", "AXIS", "place words on two axes (see axis): the first", VS_COMPLETE_NONE, NULL},
	{"--y", "AXIS", "and the second", VS_COMPLETE_NONE, NULL},
	{"--top", "N", "the first (most frequent) N words of the set", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_plot_entry = {
	.name = "plot",
	.usage = "[WORD...] [--out FILE.svg|FILE.png] [--analogy] [--top N] [--x AXIS --y AXIS]",
	.summary = "draw words in the plane of their first two principal components",
	.help = "Writes labelled points, the first word (or the last query's words)\n"
	        "highlighted. With --analogy A B C D, arrows show the two offsets, the picture\n"
	        "every word2vec lecture shows. SVG is written directly, PNG through cairo.",
	.example = "plot --analogy man king woman queen --out analogy.svg\nnn frog -k 15\nplot --out frog.png",
	.min_args = 0,
	.max_args = -1,
	.args_complete = VS_COMPLETE_WORD,
	.options = cmd_plot_options,
	.exec = cmd_plot_exec,
};
