#include "ui/ui.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const vs_vector_format_choices[] = {"auto", "word2vec", "word2vec-bin", "glove", "fasttext", "vecs", NULL};
const char *const vs_output_format_choices[] = {"table", "tsv", "json", "jsonl", NULL};

vs_result *vs_words_result(const vs_vecset *set, const vs_hit *hits, size_t n)
{
	return vs_ranked_result(set, hits, n, "word");
}

vs_result *vs_ranked_result(const vs_vecset *set, const vs_hit *hits, size_t n, const char *item)
{
	vs_result *r = vs_result_new();
	if (!r)
		return NULL;
	vs_result_col(r, "rank", VS_COL_INT, 0);
	vs_result_col(r, item, VS_COL_STR, 0);
	vs_result_col(r, "score", VS_COL_FLOAT, 6);
	for (size_t i = 0; i < n; i++) {
		if (vs_result_row(r) < 0)
			break;
		vs_result_int(r, 0, (long long)i + 1);
		const char *w = vs_vecset_word(set, hits[i].index);
		char marked[512];
		if ((size_t)hits[i].index >= set->count && !set->remote) { /* a word made from its character n-grams */
			snprintf(marked, sizeof marked, "%s (oov)", w);
			w = marked;
		}
		vs_result_str(r, 1, w);
		vs_result_float(r, 2, hits[i].score);
	}
	if (set->dtype != VS_VEC_F32) /* (save --dtype) */
		vs_result_note(r, "approximate: %s keeps its vectors rounded to %s", set->name, vs_vec_dtype_name(set->dtype));
	return r;
}

void vs_remote_note(vs_result *r, const vs_vecset *set)
{
	if (set->remote)
		vs_result_note(r, "%s is %s; %s", set->name, set->remote->what, set->remote->how(set->remote_ctx));
}

int vs_parse_expression(vs_session *s, vs_vecset *set, int argc, char **argv, long *pos, size_t *npos,
                        long *neg, size_t *nneg)
{
	int sign = 1, expect_word = 1;
	*npos = *nneg = 0;
	for (int i = 0; i < argc; i++) {
		const char *w = argv[i];
		if (strcmp(w, "+") == 0 || strcmp(w, "-") == 0) {
			if (expect_word && i > 0)
				return vs_session_error(s, "expected a word after '%s'", argv[i - 1]);
			sign = w[0] == '-' ? -1 : 1;
			expect_word = 1;
			continue;
		}
		if (!expect_word)
			return vs_session_error(s, "expected '+' or '-' between '%s' and '%s'", argv[i - 1], w);
		long ix = vs_session_word(s, set, w);
		if (ix < 0)
			return -1;
		if (sign > 0)
			pos[(*npos)++] = ix;
		else
			neg[(*nneg)++] = ix;
		sign = 1;
		expect_word = 0;
	}
	if (expect_word)
		return vs_session_error(s, "the expression ends with an operator");
	return 0;
}

void vs_human_bytes(size_t n, char *buf, size_t size)
{
	const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double v = (double)n;
	int u = 0;
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%zu B", n);
	else
		snprintf(buf, size, "%.1f %s", v, unit[u]);
}

int vs_session_two_words(vs_session *s, const vs_args *a, vs_vecset **set, long *x, long *y)
{
	vs_error err;
	*set = vs_session_active(s);
	if (!*set)
		return -1;
	*x = vs_session_word(s, *set, a->argv[0]);
	*y = *x < 0 ? -1 : vs_session_word(s, *set, a->argv[1]);
	if (*x < 0 || *y < 0)
		return -1;
	long both[2] = {*x, *y};
	if (vs_check_nonzero(*set, both, 2, &err) < 0)
		return vs_session_error(s, "%s: %s", a->name, err.msg);
	return 0;
}

char *vs_join_args(int argc, char **argv)
{
	size_t len = 1;
	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	char *q = malloc(len);
	if (!q)
		return NULL;
	q[0] = '\0';
	for (int i = 0; i < argc; i++) {
		if (i)
			strcat(q, " ");
		strcat(q, argv[i]);
	}
	return q;
}

int vs_parse_bits(vs_session *s, const char *cmd, const char *opt, const char *v, int max, int *out)
{
	char *end;
	long b = strtol(v, &end, 10);
	if (!*v || *end || b < 1 || b > max)
		return vs_session_error(s, "%s: %s takes a number of bits from 1 to %d (2 to 2^%d buckets), not '%s'", cmd, opt,
		                        max, max, v);
	*out = (int)b;
	return 0;
}

int vs_parse_ngram(vs_session *s, const char *cmd, const char *v, int *lo, int *hi)
{
	int a, b;
	char sep, extra;
	if (sscanf(v, "%d%c%d%c", &a, &sep, &b, &extra) != 3 || (sep != '-' && sep != ',') || a < 1 || b < a ||
	    b > VS_MAX_NGRAM)
		return vs_session_error(s, "%s: --ngram takes MIN,MAX (or MIN-MAX) with 1 <= MIN <= MAX <= %d, not '%s'", cmd,
		                        VS_MAX_NGRAM, v);
	*lo = a;
	*hi = b;
	return 0;
}

/* The words to show: the arguments, the first N words with --top, or the
 * words of the last result (with its query's words first, highlighted). */
int vs_gather_words(vs_session *s, vs_args *a, vs_vecset *set, long **out, size_t *n, size_t *nhigh)
{
	size_t top = 0;
	if (vs_arg_size(s, a, "--top", 0, &top) < 0)
		return -1;
	*nhigh = 0;
	if (top) {
		vs_error err;
		if (vs_vecset_whole(set, "--top", &err) < 0)
			return vs_session_error(s, "%s: %s", a->entry->name, err.msg);
		if (top > set->count)
			top = set->count;
		*out = malloc(top * sizeof **out);
		if (!*out)
			return vs_session_oom(s);
		for (size_t i = 0; i < top; i++)
			(*out)[i] = (long)i;
		*n = top;
		return 0;
	}
	if (a->argc) {
		*out = malloc((size_t)a->argc * sizeof **out);
		if (!*out)
			return vs_session_oom(s);
		for (int i = 0; i < a->argc; i++)
			if (((*out)[i] = vs_session_word(s, set, a->argv[i])) < 0) {
				free(*out);
				return -1;
			}
		*n = (size_t)a->argc;
		*nhigh = 1;
		return 0;
	}
	const vs_result *r = s->last;
	size_t col = r ? r->ncols : 0;
	for (size_t c = 0; r && c < r->ncols; c++)
		if (strcmp(r->cols[c].name, "word") == 0)
			col = c;
	if (!r || col == r->ncols)
		return vs_session_error(s, "%s: name the words, give --top N, or run a word query (nn, analogy) first",
		                        a->entry->name);
	/* the query's words that are in the vocabulary come first */
	size_t cap = r->nrows + 8, k = 0;
	long *idx = malloc(cap * sizeof *idx);
	if (!idx)
		return vs_session_oom(s);
	char **qw = NULL;
	vs_error err;
	int nq = r->query ? vs_split_line(r->query, &qw, &err) : 0;
	for (int i = 1; i < nq && k < 8; i++) {
		vs_error ignored; /* (a table's row is fetched: id:N names it too) */
		long w = qw[i][0] == '-' ? -1 : vs_vecset_fetch(set, qw[i], &ignored);
		if (w >= 0 && qw[i][0] != '-')
			idx[k++] = w;
	}
	if (nq >= 0)
		vs_free_words(qw);
	*nhigh = k;
	for (size_t i = 0; i < r->nrows; i++) {
		const vs_cell *cell = &r->cells[i * r->ncols + col];
		long w = cell->set ? vs_vecset_find(set, cell->s) : -1;
		if (w >= 0)
			idx[k++] = w;
	}
	*out = idx;
	*n = k;
	return 0;
}

float *vs_rows_of(const vs_vecset *set, const long *idx, size_t n)
{
	float *rows = malloc(n * set->dims * sizeof *rows);
	if (rows)
		for (size_t i = 0; i < n; i++) {
			vs_vecset_need_row(set, (size_t)idx[i]);
			memcpy(rows + i * set->dims, set->vectors + (size_t)idx[i] * set->dims, set->dims * sizeof *rows);
		}
	return rows;
}

int vs_gather_words_after(vs_session *s, vs_args *a, int skip, vs_vecset *set, long **out, size_t *n, size_t *nhigh)
{
	vs_args rest = *a; /* options stay; positional arguments from skip on */
	rest.argc -= skip;
	rest.argv += skip;
	return vs_gather_words(s, &rest, set, out, n, nhigh);
}
