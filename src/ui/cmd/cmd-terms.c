/* terms, idf, df, docs: looking inside the active index. */
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "text/text.h"

static int cmd_terms_exec(vs_session *s, vs_args *a)
{
	vs_index *ix = vs_session_active_index(s);
	size_t k;
	if (!ix || vs_arg_size(s, a, "-k", (size_t)-1, &k) < 0)
		return -1;
	const char *prefix = a->argc ? a->argv[0] : "";
	size_t pl = strlen(prefix);
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "term", VS_COL_STR, 0);
	vs_result_col(r, "df", VS_COL_INT, 0);
	vs_result_col(r, "idf", VS_COL_FLOAT, 6);
	size_t shown = 0;
	for (uint32_t t = 0; t < ix->nterms && shown < k; t++) {
		if (strncmp(ix->terms[t], prefix, pl) != 0)
			continue;
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, ix->terms[t]);
		vs_result_int(r, 1, ix->df[t]);
		vs_result_float(r, 2, ix->idf[t]);
		shown++;
	}
	vs_session_show(s, r);
	return 0;
}

static const vs_option cmd_terms_options[] = {
	{"-k", "N", "at most N terms", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_terms_entry = {
	.name = "terms",
	.args_complete = VS_COMPLETE_TERM,
	.usage = "[PREFIX] [-k N]",
	.summary = "the index's terms (starting with PREFIX), with df and idf",
	.example = "terms licen",
	.min_args = 0,
	.max_args = 1,
	.options = cmd_terms_options,
	.exec = cmd_terms_exec,
};

/* Why a typed term has no statistics: not a token, a stop word, or not in the index. */
static int no_term(vs_session *s, const vs_index *ix, const char *typed, const vs_term_lookup *l)
{
	if (!l->term)
		return vs_session_error(s, "'%s' has no term: terms are runs of two or more letters or digits", typed);
	if (l->stop)
		return vs_session_error(s, "'%s' is a stop word of %s: the index leaves it out", l->term, ix->name);
	return vs_session_error(s, "'%s' is not a term of %s", l->term, ix->name);
}

static int term_stat(vs_session *s, vs_args *a, int want_idf)
{
	vs_index *ix = vs_session_active_index(s);
	if (!ix)
		return -1;
	vs_term_lookup l;
	vs_error err;
	if (vs_index_lookup(ix, a->argv[0], &l, &err) < 0)
		return vs_session_error(s, "%s: %s", a->name, err.msg);
	int hashed = ix->opt.hash_bits > 0;
	if (l.id < 0 && (!want_idf || !l.term || l.stop || !hashed)) {
		/* df of a term the index has not seen is 0; its idf is an error */
		if (want_idf || !l.term || l.stop) {
			no_term(s, ix, a->argv[0], &l);
			free(l.term);
			return -1;
		}
	}
	vs_result *r = vs_result_new();
	if (!r) {
		free(l.term);
		return vs_session_oom(s);
	}
	vs_result_col(r, "term", VS_COL_STR, 0);
	if (hashed) {
		vs_result_col(r, "bucket", VS_COL_INT, 0);
		vs_result_col(r, "sign", VS_COL_INT, 0);
	}
	vs_result_col(r, want_idf ? "idf" : "df", want_idf ? VS_COL_FLOAT : VS_COL_INT, 6);
	size_t c = hashed ? 3 : 1;
	if (vs_result_row(r) == 0) {
		vs_result_str(r, 0, l.term);
		if (hashed) {
			vs_result_int(r, 1, l.bucket);
			vs_result_int(r, 2, l.sign);
		}
		if (l.id < 0 && want_idf) /* hash mode: an empty bucket has the idf of df = 0 */
			vs_result_float(r, c, ix->opt.no_smooth ? log((double)ix->ndocs) + 1.0 : log(ix->ndocs + 1.0) + 1.0);
		else if (l.id < 0)
			vs_result_int(r, c, 0);
		else if (want_idf)
			vs_result_float(r, c, ix->idf[l.id]);
		else
			vs_result_int(r, c, ix->df[l.id]);
	}
	if (l.id < 0 && !want_idf)
		vs_result_note(r, "'%s' is not a term of %s", l.term, ix->name);
	if (hashed)
		vs_result_note(r, "%s is hashed: this is bucket %ld's %s, which every word hashed there shares", ix->name,
		               l.bucket, want_idf ? "idf" : "df");
	free(l.term);
	vs_session_show(s, r);
	return 0;
}

static int cmd_idf_exec(vs_session *s, vs_args *a) { return term_stat(s, a, 1); }
static int cmd_df_exec(vs_session *s, vs_args *a) { return term_stat(s, a, 0); }

const vs_cmd_entry cmd_idf_entry = {
	.name = "idf",
	.args_complete = VS_COMPLETE_TERM,
	.usage = "TERM",
	.summary = "the inverse document frequency of a term",
	.help = "ln((1 + n) / (1 + df)) + 1, or ln(n / df) + 1 for an index built with\n"
	        "--no-smooth. TERM is analyzed as the index analyzes text ('Patent' is\n"
	        "'patent'); a stop word says so. In a hashed index the figures are the\n"
	        "bucket's, shown with its number and the term's sign.",
	.example = "idf patent",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_idf_exec,
};

const vs_cmd_entry cmd_df_entry = {
	.name = "df",
	.args_complete = VS_COMPLETE_TERM,
	.usage = "TERM",
	.summary = "the number of documents that contain a term",
	.example = "df patent",
	.min_args = 1,
	.max_args = 1,
	.exec = cmd_df_exec,
};

static int cmd_docs_exec(vs_session *s, vs_args *a)
{
	vs_index *ix = vs_session_active_index(s);
	if (!ix)
		return -1;
	const char *pat = a->argc ? a->argv[0] : NULL;
	int glob = pat && strpbrk(pat, "*?[") != NULL;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "number", VS_COL_INT, 0);
	vs_result_col(r, "doc", VS_COL_STR, 0);
	vs_result_col(r, "tokens", VS_COL_INT, 0);
	vs_result_col(r, "terms", VS_COL_INT, 0);
	for (uint32_t d = 0; d < ix->ndocs; d++) {
		const char *n = ix->doc_names[d];
		/* a pattern matches the name or (as index remove reads it) the file name without its folders */
		if (pat && (glob ? fnmatch(pat, n, 0) != 0 && fnmatch(pat, vs_doc_file_name(n), 0) != 0
		                 : strstr(n, pat) == NULL))
			continue;
		if (vs_result_row(r) < 0)
			break;
		vs_result_int(r, 0, (long long)d + 1);
		vs_result_str(r, 1, n);
		vs_result_int(r, 2, ix->doc_len[d]);
		vs_result_int(r, 3, (long long)(ix->doc_ptr[d + 1] - ix->doc_ptr[d]));
	}
	vs_session_show(s, r);
	return 0;
}

const vs_cmd_entry cmd_docs_entry = {
	.name = "docs",
	.args_complete = VS_COMPLETE_DOC,
	.usage = "[PATTERN]",
	.summary = "the index's documents (whose names contain PATTERN, or match a glob)",
	.help = "A glob (* ? [...]) matches the document's name or its file name without\n"
	        "the folders, as index remove reads them: 'GPL*' finds\n"
	        "/usr/share/common-licenses/GPL-3 and, with --lines, each of its lines.",
	.example = "docs GPL*",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_docs_exec,
};
