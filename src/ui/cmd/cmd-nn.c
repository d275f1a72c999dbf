/* nn: nearest neighbours of a word or of an expression of words. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

/* The words of a file, one a line (blank lines skipped), looked up. */
static long *file_words(vs_session *s, vs_vecset *set, const char *path, size_t *m)
{
	vs_error err;
	if (vs_vecset_whole(set, "a batch of queries", &err) < 0) {
		vs_session_error(s, "nn: %s", err.msg);
		return NULL;
	}
	size_t len;
	char *text = vs_read_file(path, &len, &err);
	if (!text) {
		vs_session_error(s, "nn: %s", err.msg);
		return NULL;
	}
	long *idx = malloc((len / 2 + 1) * sizeof *idx); /* a word and a newline at least */
	*m = 0;
	size_t line = 0;
	for (char *p = text, *nl; idx && p < text + len; p = nl + 1) {
		line++;
		nl = memchr(p, '\n', (size_t)(text + len - p));
		if (!nl)
			nl = text + len;
		*nl = '\0';
		char *w = p + strspn(p, " \t\r"), *e = w + strcspn(w, " \t\r");
		if (w == e)
			continue;
		*e = '\0';
		long i = vs_vecset_find(set, w);
		if (i < 0 && !set->sub) {
			vs_session_error(s, "nn: %s: line %zu: '%s' is not in the vocabulary of %s", path, line, w, set->name);
			free(idx), free(text);
			return NULL;
		}
		if (i < 0 && (i = vs_session_word(s, set, w)) < 0) {
			free(idx), free(text);
			return NULL;
		}
		idx[(*m)++] = i;
	}
	free(text);
	if (!idx)
		vs_session_oom(s);
	else if (*m == 0) {
		vs_session_error(s, "nn: %s: no words in the file", path);
		free(idx);
		return NULL;
	}
	return idx;
}

/* nn --file: every word's neighbours at once, as matrix products. */
static int nn_file(vs_session *s, vs_vecset *set, const char *path, size_t k)
{
	size_t m;
	long *idx = file_words(s, set, path, &m);
	if (!idx)
		return -1;
	vs_hit *hits = malloc(m * (k ? k : 1) * sizeof *hits);
	size_t *got = malloc(m * sizeof *got);
	vs_error err;
	int rc = -1;
	if (!hits || !got)
		vs_session_oom(s);
	else if (vs_most_similar_batch(set, idx, m, k, hits, got, &err) < 0)
		vs_session_error(s, "nn: %s", err.msg);
	else {
		vs_result *r = vs_result_new();
		if (r) {
			vs_result_col(r, "query", VS_COL_STR, 0);
			vs_result_col(r, "rank", VS_COL_INT, 0);
			vs_result_col(r, "word", VS_COL_STR, 0);
			vs_result_col(r, "score", VS_COL_FLOAT, 6);
			for (size_t j = 0; j < m; j++)
				for (size_t h = 0; h < got[j] && vs_result_row(r) == 0; h++) {
					vs_result_str(r, 0, vs_vecset_word(set, idx[j]));
					vs_result_int(r, 1, (long long)h + 1);
					vs_result_str(r, 2, vs_vecset_word(set, hits[j * k + h].index));
					vs_result_float(r, 3, hits[j * k + h].score);
				}
			vs_session_show(s, r);
			rc = 0;
		} else {
			vs_session_oom(s);
		}
	}
	free(idx), free(hits), free(got);
	return rc;
}

/* nn --minus AXIS: the direction removed from every vector, the scores
 * before it was removed beside. */
static int nn_minus(vs_session *s, vs_vecset *set, const long *pos, size_t npos, const long *neg, size_t nneg,
                    const vs_axis *ax, size_t k, vs_hit *hits)
{
	float *before = malloc((k ? k : 1) * sizeof *before);
	size_t n;
	vs_error err;
	if (!before)
		return vs_session_oom(s);
	if (vs_most_similar_without(set, pos, npos, neg, nneg, ax->g, k, hits, before, &n, &err) < 0) {
		free(before);
		return vs_session_error(s, "nn: %s", err.msg);
	}
	vs_result *r = vs_result_new();
	if (r) {
		vs_result_col(r, "rank", VS_COL_INT, 0);
		vs_result_col(r, "word", VS_COL_STR, 0);
		vs_result_col(r, "score", VS_COL_FLOAT, 6);
		vs_result_col(r, "before", VS_COL_FLOAT, 6);
		for (size_t i = 0; i < n && vs_result_row(r) == 0; i++) {
			vs_result_int(r, 0, (long long)i + 1);
			vs_result_str(r, 1, vs_vecset_word(set, hits[i].index));
			vs_result_float(r, 2, hits[i].score);
			vs_result_float(r, 3, before[i]);
		}
		vs_result_note(r, "the direction %s (%s) removed from every vector; before: the cosine as it was", ax->name,
		               ax->pairs);
		vs_session_show(s, r);
	}
	free(before);
	return r ? 0 : vs_session_oom(s);
}

/* nn --where COLUMN=VALUE: the neighbours among the words whose metadata
 * column holds the value. */
static int nn_where(vs_session *s, vs_vecset *set, const long *pos, size_t npos, const long *neg, size_t nneg,
                    const char *where, size_t k, vs_hit *hits)
{
	const char *eq = strchr(where, '=');
	if (!eq || eq == where)
		return vs_session_error(s, "nn: --where takes COLUMN=VALUE, not '%s'", where);
	if (!set->meta)
		return vs_session_error(s, "nn: %s has no metadata (load it with --meta FILE)", set->name);
	char col[256];
	snprintf(col, sizeof col, "%.*s", (int)(eq - where), where);
	long c = vs_meta_column(set, col);
	if (c < 0)
		return vs_session_error(s, "nn: the metadata of %s has no column '%s'", set->name, col);
	unsigned char *keep = malloc(set->count);
	if (!keep)
		return vs_session_oom(s);
	size_t kept = 0;
	for (size_t i = 0; i < set->count; i++) {
		const char *v = vs_meta_value(set, (long)i, (size_t)c);
		kept += keep[i] = v && strcmp(v, eq + 1) == 0;
	}
	size_t n;
	vs_error err;
	int rc = vs_most_similar_where(set, pos, npos, neg, nneg, k, keep, hits, &n, &err);
	free(keep);
	if (rc < 0)
		return vs_session_error(s, "nn: %s", err.msg);
	vs_result *r = vs_words_result(set, hits, n);
	if (!r)
		return vs_session_oom(s);
	vs_result_note(r, "among the %zu words whose %s is %s", kept, col, eq + 1);
	vs_session_show(s, r);
	return 0;
}

/* Is the one query a text for the loaded CLIP model rather than a word:
 * a set of its embeddings (images add, a table of them) that has no row
 * of that name? */
static int clip_text_query(vs_session *s, vs_vecset *set, const vs_args *a)
{
	if (a->argc != 1 || !s->clip || set->dims != (size_t)s->clip->proj)
		return 0;
	vs_error ignored;
	return set->remote ? vs_vecset_fetch(set, a->argv[0], &ignored) < 0 : vs_vecset_find(set, a->argv[0]) < 0;
}

/* nn TEXT: the text encoded by the CLIP model, the rows nearest to it. */
static int nn_text(vs_session *s, vs_vecset *set, const char *text, size_t k)
{
	float *q = malloc((size_t)s->clip->proj * sizeof *q);
	vs_hit *hits = malloc((k ? k : 1) * sizeof *hits);
	size_t n;
	vs_error err;
	int rc = -1;
	if (!q || !hits)
		vs_session_oom(s);
	else if (vs_session_encode_text(s, "nn", text, q) < 0)
		;
	else if (vs_nearest_to_vector(set, q, k, hits, &n, &err) < 0)
		vs_session_error(s, "nn: %s", err.msg);
	else {
		vs_result *r = vs_words_result(set, hits, n);
		if (r) {
			vs_result_note(r, "the text encoded by the CLIP model %s", s->clip->name);
			vs_remote_note(r, set);
			vs_session_show(s, r);
			rc = 0;
		} else {
			vs_session_oom(s);
		}
	}
	free(q), free(hits);
	return rc;
}

static int cmd_nn_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	size_t k;
	if (!set || vs_arg_size(s, a, "-k", 10, &k) < 0)
		return -1;
	const char *file = vs_arg_opt(a, "--file");
	if (file && a->argc)
		return vs_session_error(s, "nn: give a query or --file, not both");
	if (!file && !a->argc) {
		vs_session_error(s, "nn: missing arguments (a query, or --file FILE)");
		vs_command_usage(a, s->msg);
		return -1;
	}
	if (k > vs_vecset_rows(set))
		k = vs_vecset_rows(set);
	if (file)
		return nn_file(s, set, file, k);
	if (!vs_arg_opt(a, "--where") && !vs_arg_opt(a, "--minus") && clip_text_query(s, set, a))
		return nn_text(s, set, a->argv[0], k);
	const char *where = vs_arg_opt(a, "--where");
	if (where && vs_arg_opt(a, "--minus"))
		return vs_session_error(s, "nn: --where and --minus go one at a time");
	const char *minus_name = vs_arg_opt(a, "--minus");
	const vs_axis *minus = minus_name ? vs_session_axis(s, "nn", minus_name, set) : NULL;
	if (minus_name && !minus)
		return -1;
	long *pos = malloc((size_t)a->argc * sizeof *pos), *neg = malloc((size_t)a->argc * sizeof *neg);
	vs_hit *hits = malloc((k ? k : 1) * sizeof *hits);
	size_t npos, nneg, n = 0;
	vs_error err;
	int rc = -1;
	if (!pos || !neg || !hits)
		vs_session_oom(s);
	else if (vs_parse_expression(s, set, a->argc, a->argv, pos, &npos, neg, &nneg) < 0)
		;
	else if (minus)
		rc = nn_minus(s, set, pos, npos, neg, nneg, minus, k, hits);
	else if (where)
		rc = nn_where(s, set, pos, npos, neg, nneg, where, k, hits);
	else if (vs_most_similar(set, pos, npos, neg, nneg, k, 0, hits, &n, &err) < 0)
		vs_session_error(s, "nn: %s", err.msg);
	else {
		vs_result *r = vs_words_result(set, hits, n);
		if (r) {
			vs_remote_note(r, set);
			vs_session_show(s, r);
			rc = 0;
		}
	}
	free(pos);
	free(neg);
	free(hits);
	return rc;
}

static const vs_option cmd_nn_options[] = {
	{"-k", "N", "how many neighbours (default 10)", VS_COMPLETE_NONE, NULL},
	{"--file", "FILE", "the neighbours of every word of FILE (one a line) at once", VS_COMPLETE_FILE, NULL},
	{"--minus", "AXIS", "remove the direction AXIS (see axis) from every vector first", VS_COMPLETE_NONE, NULL},
	{"--where", "COL=VALUE", "only words whose metadata column (load --meta) holds VALUE", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_nn_entry = {
	.name = "nn",
	.aliases = (const char *const[]){"neighbours", "neighbors", "most_similar", NULL},
	.usage = "QUERY [-k N] [--minus AXIS | --where COL=VALUE] | --file FILE [-k N]",
	.summary = "nearest words by cosine similarity",
	.help = "QUERY is a word, or words joined by + and - (king - man + woman): the words'\n"
	        "unit vectors are added or subtracted, averaged and normalised, as gensim's\n"
	        "most_similar does, and the query words are left out of the result.\n"
	        "--file FILE answers every word of FILE (one a line) at once, as matrix\n"
	        "products over blocks of the vocabulary: a row for each query and neighbour.\n"
	        "--minus AXIS removes a direction (see axis) from the query and from every\n"
	        "vector before ranking (Bolukbasi et al.'s neutralising projection), with\n"
	        "each word's cosine before it beside. --where COLUMN=VALUE keeps the words\n"
	        "whose metadata (load --meta) has that value in that column.",
	.example = "nn king -k 5\nnn king - man + woman\nnn --file words.txt -k 3\naxis gender he:she man:woman\nnn nurse --minus gender -k 5",
	.min_args = 0,
	.max_args = -1,
	.args_complete = VS_COMPLETE_WORD,
	.options = cmd_nn_options,
	.exec = cmd_nn_exec,
};
