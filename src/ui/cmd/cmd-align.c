/* align: a copy of one set turned into another's space (orthogonal
 * Procrustes on the words they share), to compare sets from two corpora. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "viz/viz.h"

/* Two loaded sets named by the first two arguments. */
int vs_session_two_sets(vs_session *s, const vs_args *a, vs_vecset **x, vs_vecset **y)
{
	*x = vs_session_find(s, a->argv[0]);
	*y = vs_session_find(s, a->argv[1]);
	if (!*x || !*y)
		return vs_session_error(s, "%s: no set named '%s' (see 'sets')", a->name, a->argv[*x ? 1 : 0]);
	return 0;
}

/* a's rows turned by r (a->count x dims, float32). */
static float *turned(const vs_vecset *a, const double *r)
{
	size_t d = a->dims;
	float *out = malloc(a->count * d * sizeof *out);
	double *row = malloc(d * sizeof *row);
	if (!out || !row) {
		free(out), free(row);
		return NULL;
	}
	for (size_t i = 0; i < a->count; i++) {
		const float *v = a->vectors + i * d;
		for (size_t j = 0; j < d; j++)
			row[j] = 0;
		for (size_t c = 0; c < d; c++)
			for (size_t j = 0; j < d; j++)
				row[j] += v[c] * r[c * d + j];
		for (size_t j = 0; j < d; j++)
			out[i * d + j] = (float)row[j];
	}
	free(row);
	return out;
}

static int cmd_align_exec(vs_session *s, vs_args *a)
{
	vs_vecset *x, *y;
	size_t words;
	if (vs_session_two_sets(s, a, &x, &y) < 0 || vs_arg_size(s, a, "--words", 0, &words) < 0)
		return -1;
	char name[256];
	snprintf(name, sizeof name, "%s", a->argc == 4 ? a->argv[3] : "");
	if (a->argc == 3 || (a->argc == 4 && strcmp(a->argv[2], "as") != 0))
		return vs_session_error(s, "align: expected 'align A B [as NAME]'");
	if (!name[0])
		snprintf(name, sizeof name, "%s-aligned", x->name);
	if (vs_session_name_taken(s, name))
		return vs_session_error(s, "align: the name '%s' is taken (unload it first, or give 'as NAME')", name);
	double *r = malloc(x->dims * x->dims * sizeof *r);
	if (!r)
		return vs_session_oom(s);
	size_t shared;
	vs_error err;
	if (vs_align_sets(x, y, words, r, &shared, &err) < 0) {
		free(r);
		return vs_session_error(s, "align: %s", err.msg);
	}
	float *v = turned(x, r);
	free(r);
	vs_vecset *set = v ? vs_vecset_with_values(x, v, &err) : NULL;
	free(v);
	if (!set)
		return v ? vs_session_error(s, "align: %s", err.msg) : vs_session_oom(s);
	char about[512];
	snprintf(about, sizeof about, "aligned to\t%s\nshared words fitted\t%zu\n", y->name, shared);
	set->name = strdup(name);
	set->source = strdup(x->source ? x->source : x->name);
	set->about = strdup(about);
	set->format = "aligned (orthogonal Procrustes)";
	set->unsaved = 1;
	if (!set->name || !set->source || !set->about || vs_session_add(s, set) < 0) {
		vs_vecset_free(set);
		return vs_session_oom(s);
	}
	vs_session_info(s, "%s: %s turned into %s's space (fitted on %zu shared words)", name, x->name, y->name,
	                shared);
	return 0;
}

static const vs_option cmd_align_options[] = {
	{"--words", "N", "fit on the first N shared words (default: all)", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_align_entry = {
	.name = "align",
	.usage = "A B [as NAME] [--words N]",
	.summary = "a copy of set A turned into set B's space (orthogonal Procrustes)",
	.help = "The rotation R that best maps A's unit vectors of the words both sets have\n"
	        "onto B's (the U V^T of the SVD of A^T B, scipy's orthogonal_procrustes),\n"
	        "fitted on the first N shared words in A's order, then applied to all of\n"
	        "A's vectors: the copy (A-aligned by default) can be compared with B word\n"
	        "by word, as histwords aligns decades. The sets need equal dimensions.",
	.example = "align old new\ncompare old-aligned new --moved -k 10",
	.min_args = 2,
	.max_args = 4,
	.args_complete = VS_COMPLETE_SET,
	.options = cmd_align_options,
	.exec = cmd_align_exec,
};
