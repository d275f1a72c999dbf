/* project and plot: principal components of words, as numbers or a picture. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "viz/viz.h"

static const char *const methods[] = {"pca", "tsne", "umap", NULL};
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

/* How the coordinates were made, for the result's note and the plot's title. */
typedef struct layout_info {
	int on_axes, tsne, umap;
	const vs_axis *ax, *ay;
	double ratio[3];
	vs_tsne_report tsne_rep;
} layout_info;

/* --method tsne's options: perplexity (default 30) and --exact. */
static int tsne_options(vs_session *s, const vs_args *a, vs_tsne_options *o)
{
	memset(o, 0, sizeof *o);
	o->exact = vs_arg_flag(a, "--exact");
	const char *p = vs_arg_opt(a, "--perplexity");
	if (p) {
		char *end;
		o->perplexity = strtod(p, &end);
		if (!*p || *end || !(o->perplexity >= 1 && o->perplexity <= 1000))
			return vs_session_error(s, "%s: --perplexity takes a number from 1 to 1000, not '%s'", a->name, p);
	}
	return 0;
}

/* --method umap: umap-learn's defaults, --neighbors, --min-dist, --seed. */
static int umap_layout(vs_session *s, const vs_args *a, const vs_vecset *set, const long *idx, size_t n,
                       double *coords)
{
	vs_umap_options o = {0};
	size_t seed;
	if (vs_arg_size(s, a, "--neighbors", 15, &o.n_neighbors) < 0 || vs_arg_size(s, a, "--seed", 1, &seed) < 0)
		return -1;
	o.seed = seed;
	const char *md = vs_arg_opt(a, "--min-dist");
	if (md) {
		char *end;
		o.min_dist = strtod(md, &end);
		if (!*md || *end || !(o.min_dist > 0 && o.min_dist <= 1))
			return vs_session_error(s, "%s: --min-dist takes a number over 0, at most 1, not '%s'", a->name, md);
	}
	if (o.n_neighbors < 2 || o.n_neighbors > 200)
		return vs_session_error(s, "%s: --neighbors takes 2 to 200, not %zu", a->name, o.n_neighbors);
	float *unit = malloc(n * set->dims * sizeof *unit);
	if (!unit)
		return vs_session_oom(s);
	for (size_t i = 0; i < n; i++)
		vs_unit_vector(set, idx[i], unit + i * set->dims);
	vs_error err;
	int rc = vs_umap(unit, n, set->dims, &o, coords, &err);
	free(unit);
	return rc < 0 ? vs_session_error(s, "%s: %s", a->name, err.msg) : 0;
}

/* The words' coordinates (n x k): on two axes, by t-SNE (of the unit
 * vectors), or by PCA (of the vectors). */
static int layout(vs_session *s, const vs_args *a, const vs_vecset *set, const long *idx, size_t n, size_t k,
                  const float *rows, double *coords, layout_info *li)
{
	vs_error err;
	const char *m = vs_arg_opt(a, "--method");
	li->tsne = m && strcmp(m, "tsne") == 0;
	li->umap = m && strcmp(m, "umap") == 0;
	if (!li->tsne && (vs_arg_opt(a, "--perplexity") || vs_arg_flag(a, "--exact")))
		return vs_session_error(s, "%s: --perplexity and --exact are options of --method tsne", a->name);
	if (!li->umap && (vs_arg_opt(a, "--neighbors") || vs_arg_opt(a, "--min-dist") || vs_arg_opt(a, "--seed")))
		return vs_session_error(s, "%s: --neighbors, --min-dist and --seed are options of --method umap", a->name);
	if (li->on_axes) {
		place(set, idx, n, li->ax, li->ay, coords);
		return 0;
	}
	if (li->umap)
		return umap_layout(s, a, set, idx, n, coords);
	if (!li->tsne) {
		if (vs_pca(rows, n, set->dims, k, coords, li->ratio, &err) < 0)
			return vs_session_error(s, "%s: %s", a->name, err.msg);
		return 0;
	}
	vs_tsne_options o;
	if (tsne_options(s, a, &o) < 0)
		return -1;
	if (o.exact && n > 5000)
		return vs_session_error(s, "%s: --exact t-SNE takes every pair: at most 5000 words, not %zu", a->name, n);
	float *unit = malloc(n * set->dims * sizeof *unit);
	if (!unit)
		return vs_session_oom(s);
	for (size_t i = 0; i < n; i++)
		vs_unit_vector(set, idx[i], unit + i * set->dims);
	int rc = vs_tsne(unit, n, set->dims, &o, coords, &li->tsne_rep, &err);
	free(unit);
	return rc < 0 ? vs_session_error(s, "%s: %s", a->name, err.msg) : 0;
}

/* project --out: word, coordinates (and cluster, after cluster) as TSV. */
static int write_coords(const char *path, const vs_vecset *set, const long *idx, size_t n, size_t k,
                        const double *coords, const int *clusters, vs_error *err)
{
	static const char *const axis[] = {"x", "y", "z"};
	char *tmp;
	FILE *f = vs_tmpfile_open(path, &tmp, err);
	if (!f)
		return -1;
	int bad = fputs("word", f) == EOF;
	for (size_t c = 0; c < k; c++)
		bad = bad || fprintf(f, "\t%s", axis[c]) < 0;
	bad = bad || fputs(clusters ? "\tcluster\n" : "\n", f) == EOF;
	for (size_t i = 0; i < n && !bad; i++) {
		bad = fputs(vs_vecset_word(set, idx[i]), f) == EOF;
		for (size_t c = 0; c < k; c++)
			bad = bad || fprintf(f, "\t%.6f", coords[i * k + c]) < 0;
		if (clusters)
			bad = bad || fprintf(f, "\t%d", clusters[idx[i]]) < 0;
		bad = bad || fputc('\n', f) == EOF;
	}
	return vs_tmpfile_finish(f, tmp, path, bad, err);
}

static int cmd_project_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	const char *d = vs_arg_opt(a, "--dims"), *m = vs_arg_opt(a, "--method");
	size_t k = d && strcmp(d, "3") == 0 ? 3 : 2, n, nhigh;
	layout_info li = {0};
	li.on_axes = axes_of(s, a, set, &li.ax, &li.ay);
	if (li.on_axes < 0)
		return -1;
	if ((li.on_axes || (m && strcmp(m, "pca") != 0)) && k != 2)
		return vs_session_error(s, "project: --dims 3 is for principal components");
	long *idx;
	if (vs_gather_words(s, a, set, &idx, &n, &nhigh) < 0)
		return -1;
	float *rows = vs_rows_of(set, idx, n);
	double *coords = malloc(n * k * sizeof *coords);
	int rc = -1;
	int ok = 0;
	if (!rows || !coords)
		vs_session_oom(s);
	else
		ok = layout(s, a, set, idx, n, k, rows, coords, &li) == 0;
	const vs_axis *ax = li.ax, *ay = li.ay;
	int on_axes = li.on_axes;
	double *ratio = li.ratio;
	const char *out = vs_arg_opt(a, "--out");
	vs_error err;
	if (ok && out &&
	    write_coords(out, set, idx, n, k, coords, s->cluster_set == set ? s->cluster_of : NULL, &err) < 0) {
		vs_session_error(s, "project: %s", err.msg);
		ok = 0;
	}
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
			vs_result_str(r, 0, vs_vecset_word(set, idx[i]));
			for (size_t c = 0; c < k; c++)
				vs_result_float(r, 1 + c, coords[i * k + c]);
		}
		static const char *const ratio_names[] = {"variance_pc1", "variance_pc2", "variance_pc3"};
		if (on_axes)
			vs_result_note(r, "x: the cosine with %s (%s), y: with %s (%s)", ax->name, ax->pairs, ay->name,
			               ay->pairs);
		else if (li.umap)
			vs_result_note(r, "UMAP of %zu unit vectors", n);
		else if (li.tsne) {
			vs_result_context_float(r, "kl_divergence", li.tsne_rep.kl_divergence, 6);
			vs_result_note(r, "t-SNE of %zu unit vectors: KL divergence %.6f after %d iterations", n,
			               li.tsne_rep.kl_divergence, li.tsne_rep.iterations);
		} else
			for (size_t c = 0; c < k; c++) /* the explained-variance ratio of each component */
				vs_result_context_float(r, ratio_names[c], ratio[c], 6);
		if (on_axes || li.tsne || li.umap)
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
	{"--method", "pca|tsne", "principal components (default), t-SNE or UMAP", VS_COMPLETE_CHOICE, methods},
	{"--perplexity", "P", "t-SNE's perplexity (default 30)", VS_COMPLETE_NONE, NULL},
	{"--exact", NULL, "t-SNE over every pair rather than Barnes-Hut's tree", VS_COMPLETE_NONE, NULL},
	{"--neighbors", "K", "UMAP's neighbours (default 15)", VS_COMPLETE_NONE, NULL},
	{"--min-dist", "D", "UMAP's minimum distance (default 0.1)", VS_COMPLETE_NONE, NULL},
	{"--seed", "S", "UMAP's random numbers (default 1)", VS_COMPLETE_NONE, NULL},
	{"--dims", "2|3", "how many components (default 2)", VS_COMPLETE_CHOICE, dims_choices},
	{"--x", "AXIS", "place words on two axes (see axis): the first", VS_COMPLETE_NONE, NULL},
	{"--y", "AXIS", "and the second", VS_COMPLETE_NONE, NULL},
	{"--top", "N", "the first (most frequent) N words of the set", VS_COMPLETE_NONE, NULL},
	{"--out", "FILE", "also write the words and coordinates (and clusters) as TSV", VS_COMPLETE_FILE, NULL},
	{0},
};

const vs_cmd_entry cmd_project_entry = {
	.name = "project",
	.usage = "[WORD...] [--method pca|tsne|umap] [--perplexity P] [--exact] [--neighbors K] [--min-dist D] [--seed S] [--dims 2|3] [--top N] [--x AXIS --y AXIS] [--out FILE]",
	.summary = "principal-component coordinates of words",
	.help = "Centres the vectors and projects them on the leading eigenvectors of their\n"
	        "covariance (LAPACK through OpenBLAS). Without words, the words of the last\n"
	        "result (nn, analogy) are projected. The explained-variance ratio of each\n"
	        "component is reported; signs follow scikit-learn's PCA. --x AXIS --y AXIS\n"
	        "place the words on two named directions instead (see axis): each\n"
	        "coordinate is the cosine of the word's vector with the direction.\n"
	        "--method tsne: scikit-learn's TSNE of the words' unit vectors (PCA start,\n"
	        "perplexity 30, early exaggeration 12 for 250 iterations, 1000 in all,\n"
	        "Barnes-Hut with angle 0.5, or --exact over every pair); the final KL\n"
	        "divergence is reported. --method umap: UMAP with umap-learn's defaults\n"
	        "(15 neighbours, min-dist 0.1, spectral start, 500 epochs up to 10,000\n"
	        "words), its random numbers vecsh's own (--seed).",
	.example = "project king queen man woman prince princess\nnn frog -k 20\nproject --dims 3",
	.min_args = 0,
	.max_args = -1,
	.args_complete = VS_COMPLETE_WORD,
	.options = cmd_project_options,
	.exec = cmd_project_exec,
};

/* plot --color COLUMN: the first ten values met take tab10's colours, the
 * others (and words without a value) the default; the legend for the title. */
static void colour_by(const vs_vecset *set, const long *idx, size_t n, long col, vs_plot_point *pts, char *legend,
                      size_t size)
{
	const char *seen[10];
	size_t nseen = 0, o = (size_t)snprintf(legend, size, "; colours: %s", set->meta->names[col]);
	for (size_t i = 0; i < n; i++) {
		const char *v = vs_meta_value(set, idx[i], (size_t)col);
		pts[i].group = 0;
		if (!v || !*v)
			continue;
		size_t g = 0;
		while (g < nseen && strcmp(seen[g], v) != 0)
			g++;
		if (g == nseen && nseen < 10) {
			seen[nseen++] = v;
			if (o < size)
				o += (size_t)snprintf(legend + o, size - o, "%s%s", g ? ", " : " (", v);
		}
		if (g < nseen)
			pts[i].group = (int)g + 1;
	}
	if (nseen && o < size)
		snprintf(legend + o, size - o, ")");
}

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
	const char *colour = vs_arg_opt(a, "--color");
	long colour_col = -1;
	if (colour && !set->meta)
		return vs_session_error(s, "plot: %s has no metadata (load it with --meta FILE)", set->name);
	if (colour && (colour_col = vs_meta_column(set, colour)) < 0)
		return vs_session_error(s, "plot: the metadata of %s has no column '%s'", set->name, colour);
	size_t n, nhigh;
	layout_info li = {0};
	li.on_axes = axes_of(s, a, set, &li.ax, &li.ay);
	if (li.on_axes < 0)
		return -1;
	const vs_axis *ax = li.ax, *ay = li.ay;
	int on_axes = li.on_axes;
	double *ratio = li.ratio;
	long *idx;
	if (vs_gather_words(s, a, set, &idx, &n, &nhigh) < 0)
		return -1;
	float *rows = vs_rows_of(set, idx, n);
	double *coords = malloc(n * 2 * sizeof *coords);
	vs_plot_point *pts = malloc(n * sizeof *pts);
	vs_error err;
	int rc = -1;
	if (!rows || !coords || !pts) {
		vs_session_oom(s);
	} else if (layout(s, a, set, idx, n, 2, rows, coords, &li) < 0) {
		;
	} else {
		/* coloured by a metadata column (--color), or by the last clustering
		 * when it was of this set */
		int clustered = s->cluster_set == set && !analogy && !colour;
		char legend[256] = "";
		for (size_t i = 0; i < n; i++)
			pts[i] = (vs_plot_point){vs_vecset_word(set, idx[i]), coords[2 * i], coords[2 * i + 1],
			                         analogy ? i == 3 : i < nhigh && !clustered && !colour,
			                         clustered ? 1 + s->cluster_of[idx[i]] : 0};
		if (colour)
			colour_by(set, idx, n, colour_col, pts, legend, sizeof legend);
		vs_plot_arrow arrows[2] = {{0, 1}, {2, 3}};
		char title[512];
		if (analogy)
			snprintf(title, sizeof title, "%s is to %s as %s is to %s (PCA, %.0f%% of the variance)",
			         vs_vecset_word(set, idx[0]), vs_vecset_word(set, idx[1]), vs_vecset_word(set, idx[2]), vs_vecset_word(set, idx[3]),
			         100 * (ratio[0] + ratio[1]));
		else if (on_axes)
			snprintf(title, sizeof title, "%zu words of %s along %s (x) and %s (y)%s", n, set->name, ax->name,
			         ay->name, clustered ? "; colours: k-means clusters" : legend);
		else if (li.umap)
			snprintf(title, sizeof title, "%zu words of %s (UMAP%s)", n, set->name,
			         clustered ? "; colours: k-means clusters" : legend);
		else if (li.tsne)
			snprintf(title, sizeof title, "%zu words of %s (t-SNE, KL divergence %.3f%s)", n, set->name,
			         li.tsne_rep.kl_divergence, clustered ? "; colours: k-means clusters" : legend);
		else
			snprintf(title, sizeof title, "%zu words of %s (PCA, %.0f%% of the variance%s)", n, set->name,
			         100 * (ratio[0] + ratio[1]), clustered ? "; colours: k-means clusters" : legend);
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
	{"--color", "COLUMN", "colour points by a metadata column (load --meta)", VS_COMPLETE_NONE, NULL},
	{"--method", "pca|tsne", "principal components (default), t-SNE or UMAP", VS_COMPLETE_CHOICE, methods},
	{"--perplexity", "P", "t-SNE's perplexity (default 30)", VS_COMPLETE_NONE, NULL},
	{"--exact", NULL, "t-SNE over every pair rather than Barnes-Hut's tree", VS_COMPLETE_NONE, NULL},
	{"--neighbors", "K", "UMAP's neighbours (default 15)", VS_COMPLETE_NONE, NULL},
	{"--min-dist", "D", "UMAP's minimum distance (default 0.1)", VS_COMPLETE_NONE, NULL},
	{"--seed", "S", "UMAP's random numbers (default 1)", VS_COMPLETE_NONE, NULL},
	{"--x", "AXIS", "place words on two axes (see axis): the first", VS_COMPLETE_NONE, NULL},
	{"--y", "AXIS", "and the second", VS_COMPLETE_NONE, NULL},
	{"--top", "N", "the first (most frequent) N words of the set", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_plot_entry = {
	.name = "plot",
	.usage = "[WORD...] [--out FILE.svg|FILE.png] [--analogy] [--top N] [--method pca|tsne|umap] [--x AXIS --y AXIS] [--color COLUMN]",
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
