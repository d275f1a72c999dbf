/* export projector DIR: the files TensorFlow's Embedding Projector opens (the
 * vectors, the words and their clusters, and a projector_config.json). */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ui/ui.h"

/* One file of the folder, through a temporary file renamed into place. */
static FILE *open_in(const char *dir, const char *name, char *path, size_t size, char **tmp, vs_error *err)
{
	snprintf(path, size, "%s/%s", dir, name);
	return vs_tmpfile_open(path, tmp, err);
}

static int write_tensors(const char *dir, const vs_vecset *set, const long *idx, size_t n, vs_error *err)
{
	char path[4096], *tmp;
	FILE *f = open_in(dir, "tensors.tsv", path, sizeof path, &tmp, err);
	if (!f)
		return -1;
	int bad = 0;
	for (size_t i = 0; i < n && !bad; i++) {
		vs_vecset_need_row(set, (size_t)idx[i]);
		const float *v = set->vectors + (size_t)idx[i] * set->dims;
		for (size_t j = 0; j < set->dims && !bad; j++)
			bad = fprintf(f, "%s%.9g", j ? "\t" : "", (double)v[j]) < 0;
		bad = bad || fputc('\n', f) == EOF;
	}
	return vs_tmpfile_finish(f, tmp, path, bad, err);
}

/* The Projector's metadata: one column (no header) for words alone, a header
 * row when there are more columns (the clusters of the last cluster). */
static int write_metadata(const char *dir, const vs_vecset *set, const long *idx, size_t n, const int *clusters,
                          vs_error *err)
{
	char path[4096], *tmp;
	FILE *f = open_in(dir, "metadata.tsv", path, sizeof path, &tmp, err);
	if (!f)
		return -1;
	int bad = clusters && fprintf(f, "word\tcluster\n") < 0;
	for (size_t i = 0; i < n && !bad; i++) {
		const char *w = vs_vecset_word(set, idx[i]);
		for (const char *p = w; *p && !bad; p++) /* a tab or newline in a word would break the columns */
			bad = fputc(*p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p, f) == EOF;
		if (clusters)
			bad = bad || fprintf(f, "\t%d", clusters[idx[i]]) < 0;
		bad = bad || fputc('\n', f) == EOF;
	}
	return vs_tmpfile_finish(f, tmp, path, bad, err);
}

static int write_config(const char *dir, const vs_vecset *set, size_t n, vs_error *err)
{
	cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "embeddings"), *e = cJSON_CreateObject();
	cJSON *shape = cJSON_CreateArray();
	cJSON_AddItemToArray(list, e);
	cJSON_AddStringToObject(e, "tensorName", set->name);
	cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)n));
	cJSON_AddItemToArray(shape, cJSON_CreateNumber((double)set->dims));
	cJSON_AddItemToObject(e, "tensorShape", shape);
	cJSON_AddStringToObject(e, "tensorPath", "tensors.tsv");
	cJSON_AddStringToObject(e, "metadataPath", "metadata.tsv");
	char *text = cJSON_Print(root);
	cJSON_Delete(root);
	if (!text)
		return vs_oom(err);
	char path[4096], *tmp;
	FILE *f = open_in(dir, "projector_config.json", path, sizeof path, &tmp, err);
	if (!f) {
		free(text);
		return -1;
	}
	int bad = fputs(text, f) == EOF || fputc('\n', f) == EOF;
	free(text);
	return vs_tmpfile_finish(f, tmp, path, bad, err);
}

static int export_projector(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	const char *dir = a->argv[0];
	long *idx; /* the words after the first argument (or --top, or the last result's) */
	size_t n, nhigh;
	if (vs_gather_words_after(s, a, 1, set, &idx, &n, &nhigh) < 0)
		return -1;
	int rc = -1;
	vs_error err;
	const int *clusters = s->cluster_set == set ? s->cluster_of : NULL;
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		vs_session_error(s, "export projector: %s: cannot make the folder: %s", dir, strerror(errno));
	else if (write_tensors(dir, set, idx, n, &err) < 0 || write_metadata(dir, set, idx, n, clusters, &err) < 0 ||
	         write_config(dir, set, n, &err) < 0)
		vs_session_error(s, "export projector: %s", err.msg);
	else {
		vs_session_info(s, "wrote %s/tensors.tsv, metadata.tsv%s and projector_config.json (%zu words): open them "
		                   "at projector.tensorflow.org (Load)", dir, clusters ? " (with clusters)" : "", n);
		rc = 0;
	}
	free(idx);
	return rc;
}

static const vs_option export_projector_options[] = {
	{"--top", "N", "the first (most frequent) N words of the set", VS_COMPLETE_NONE, NULL},
	{0},
};

static const vs_cmd_entry export_projector_entry = {
	.name = "projector",
	.usage = "DIR [WORD...] [--top N]",
	.summary = "the files TensorFlow's Embedding Projector opens",
	.help = "DIR gets tensors.tsv (a row of tab-separated values a word),\n"
	        "metadata.tsv (the words, with their clusters after cluster) and\n"
	        "projector_config.json; load the two TSV files at\n"
	        "projector.tensorflow.org for its 3-D t-SNE, UMAP and PCA views.\n"
	        "The words: those given, --top N, or the last result's.",
	.example = "export projector /tmp/demo-projector --top 5000",
	.min_args = 1,
	.max_args = -1,
	.first_complete = VS_COMPLETE_FILE,
	.args_complete = VS_COMPLETE_WORD,
	.options = export_projector_options,
	.exec = export_projector,
};

static const vs_cmd_entry *const export_subcommands[] = {&export_projector_entry, NULL};

const vs_cmd_entry cmd_export_entry = {
	.name = "export",
	.usage = "SUBCOMMAND ...",
	.summary = "write words for other tools: the Embedding Projector",
	.help = "Word-vector files for other programs are written by save (--format).",
	.example = "cluster --top 2000 --k 10\nexport projector /tmp/demo-projector --top 2000",
	.subcommands = export_subcommands,
};
