/* cluster: k-means of words (scikit-learn's KMeans), each cluster's most
 * central words, the labels kept for plots and written with --out. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "viz/viz.h"

enum { CENTRAL = 6 }; /* words shown a cluster */

/* The points: unit vectors (cosine geometry, as nn) or, with --raw, the rows. */
static float *points_of(const vs_vecset *set, const long *idx, size_t n, int raw)
{
	float *rows = vs_rows_of(set, idx, n);
	if (rows && !raw)
		for (size_t i = 0; i < n; i++)
			vs_unit_vector(set, idx[i], rows + i * set->dims);
	return rows;
}

/* word TAB cluster lines, through a temporary file renamed into place. */
static int write_labels(const char *path, const vs_vecset *set, const long *idx, const int *labels, size_t n,
                        vs_error *err)
{
	char *tmp;
	FILE *f = vs_tmpfile_open(path, &tmp, err);
	if (!f)
		return -1;
	int bad = fprintf(f, "word\tcluster\n") < 0;
	for (size_t i = 0; i < n && !bad; i++)
		bad = fprintf(f, "%s\t%d\n", vs_vecset_word(set, idx[i]), labels[i]) < 0;
	return vs_tmpfile_finish(f, tmp, path, bad, err);
}

/* Keep the labels for plots: a label a word of the set, -1 elsewhere. */
static void remember(vs_session *s, const vs_vecset *set, const long *idx, const int *labels, size_t n, size_t k)
{
	vs_session_forget_set(s, s->cluster_set);
	int *of = malloc(set->count * sizeof *of);
	if (!of)
		return; /* plots then go without colours */
	for (size_t i = 0; i < set->count; i++)
		of[i] = -1;
	for (size_t i = 0; i < n; i++)
		of[idx[i]] = labels[i];
	s->cluster_set = set;
	s->cluster_of = of;
	s->cluster_k = k;
}

/* A row a cluster: its size and its words nearest the centre. */
static vs_result *clusters_result(const vs_vecset *set, const long *idx, const float *pts, size_t n,
                                  const vs_kmeans_result *km)
{
	vs_result *r = vs_result_new();
	if (!r)
		return NULL;
	vs_result_col(r, "cluster", VS_COL_INT, 0);
	vs_result_col(r, "size", VS_COL_INT, 0);
	vs_result_col(r, "central words", VS_COL_STR, 0);
	size_t d = km->dims;
	for (size_t c = 0; c < km->k; c++) {
		long best[CENTRAL];
		double bd[CENTRAL];
		size_t nb = 0, size = 0;
		for (size_t i = 0; i < n; i++) {
			if ((size_t)km->labels[i] != c)
				continue;
			size++;
			double dd = 0;
			for (size_t j = 0; j < d; j++) {
				double t = pts[i * d + j] - km->centers[c * d + j];
				dd += t * t;
			}
			size_t at = nb < CENTRAL ? nb++ : CENTRAL; /* insertion into the nearest CENTRAL */
			while (at > 0 && bd[at - 1] > dd) {
				if (at < CENTRAL)
					bd[at] = bd[at - 1], best[at] = best[at - 1];
				at--;
			}
			if (at < CENTRAL)
				bd[at] = dd, best[at] = idx[i];
		}
		char words[512] = "";
		size_t o = 0;
		for (size_t b = 0; b < nb && o < sizeof words; b++)
			o += (size_t)snprintf(words + o, sizeof words - o, "%s%s", b ? " " : "", vs_vecset_word(set, best[b]));
		if (vs_result_row(r) < 0) {
			vs_result_free(r);
			return NULL;
		}
		vs_result_int(r, 0, (long long)c);
		vs_result_int(r, 1, (long long)size);
		vs_result_str(r, 2, words);
	}
	return r;
}

static int cmd_cluster_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	size_t k, n_init, seed1, nhigh, n;
	if (vs_arg_size(s, a, "--k", 8, &k) < 0 || vs_arg_size(s, a, "--n-init", 10, &n_init) < 0 ||
	    vs_arg_size(s, a, "--seed", 1, &seed1) < 0)
		return -1;
	if (n_init > 1000)
		return vs_session_error(s, "cluster: --n-init is at most 1000, not %zu", n_init);
	long *idx;
	vs_error err;
	if (vs_vecset_whole(set, "cluster", &err) < 0) /* (its labels are kept a word of the whole set) */
		return vs_session_error(s, "cluster: %s", err.msg);
	if (vs_gather_words(s, a, set, &idx, &n, &nhigh) < 0)
		return -1;
	if (k > n) {
		free(idx);
		return vs_session_error(s, "cluster: %zu clusters need at least %zu words, not %zu", k, k, n);
	}
	int raw = vs_arg_flag(a, "--raw");
	float *pts = points_of(set, idx, n, raw);
	if (!pts) {
		free(idx);
		return vs_session_oom(s);
	}
	vs_kmeans_options opt = {.k = k, .n_init = (int)n_init, .tol = 1e-4, .seed = seed1};
	vs_kmeans_result km;
	int rc = -1;
	const char *out = vs_arg_opt(a, "--out");
	if (vs_kmeans(pts, n, set->dims, &opt, &km, &err) < 0) {
		vs_session_error(s, "cluster: %s", err.msg);
	} else if (out && write_labels(out, set, idx, km.labels, n, &err) < 0) {
		vs_session_error(s, "cluster: %s", err.msg);
	} else {
		vs_result *r = clusters_result(set, idx, pts, n, &km);
		if (!r) {
			vs_session_oom(s);
		} else {
			remember(s, set, idx, km.labels, n, k);
			vs_result_context_float(r, "inertia", km.inertia, 6);
			vs_result_context_int(r, "iterations", km.iterations);
			vs_result_note(r, "k-means of %zu %s: inertia %.6f, %d iterations (the best of %zu seeded runs)", n,
			               raw ? "vectors" : "unit vectors", km.inertia, km.iterations, n_init);
			vs_session_show(s, r);
			if (out)
				vs_session_info(s, "wrote %s (%zu words and their clusters)", out, n);
			rc = 0;
		}
	}
	vs_kmeans_free(&km);
	free(idx);
	free(pts);
	return rc;
}

static const vs_option cmd_cluster_options[] = {
	{"--k", "K", "how many clusters (default 8)", VS_COMPLETE_NONE, NULL},
	{"--top", "N", "the first (most frequent) N words of the set", VS_COMPLETE_NONE, NULL},
	{"--seed", "S", "the seeding's random numbers (default 1)", VS_COMPLETE_NONE, NULL},
	{"--n-init", "N", "seeded runs, the lowest inertia kept (default 10)", VS_COMPLETE_NONE, NULL},
	{"--raw", NULL, "cluster the vectors as they are, not their unit vectors", VS_COMPLETE_NONE, NULL},
	{"--out", "FILE", "write each word and its cluster (TSV)", VS_COMPLETE_FILE, NULL},
	{0},
};

const vs_cmd_entry cmd_cluster_entry = {
	.name = "cluster",
	.usage = "[WORD...] [--top N] [--k K] [--seed S] [--n-init N] [--raw] [--out FILE]",
	.summary = "k-means clusters of words, with each cluster's most central words",
	.help = "scikit-learn's KMeans (Lloyd's algorithm): k-means++ seeding (greedy, 2 +\n"
	        "ln K candidates a centre), --n-init runs with the lowest inertia kept,\n"
	        "iterations until the labels stop changing or the centres move less than\n"
	        "1e-4 of the features' mean variance, an empty cluster given the point\n"
	        "farthest from its centre. From the same initial centres the labels and\n"
	        "centres are scikit-learn's; vecsh's seeding draws its own random numbers.\n"
	        "The words: those given, --top N, or the last result's. The points are the\n"
	        "words' unit vectors (cosine geometry, as nn) unless --raw. Clusters are\n"
	        "numbered from 0, as scikit-learn's labels; plot then colours by cluster.",
	.example = "cluster --top 200 --k 6\nplot --top 200 --out clusters.svg\ncluster --top 500 --k 10 --out labels.tsv",
	.min_args = 0,
	.max_args = -1,
	.args_complete = VS_COMPLETE_WORD,
	.options = cmd_cluster_options,
	.exec = cmd_cluster_exec,
};
