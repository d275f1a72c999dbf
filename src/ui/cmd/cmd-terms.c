/* terms, idf, df, docs: looking inside the active index. */
#include <fnmatch.h>
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

static int term_stat(vs_session *s, vs_args *a, int want_idf)
{
	vs_index *ix = vs_session_active_index(s);
	if (!ix)
		return -1;
	long t = vs_index_term(ix, a->argv[0]);
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "term", VS_COL_STR, 0);
	vs_result_col(r, want_idf ? "idf" : "df", want_idf ? VS_COL_FLOAT : VS_COL_INT, 6);
	if (vs_result_row(r) < 0) {
		vs_result_free(r);
		return vs_session_oom(s);
	}
	vs_result_str(r, 0, a->argv[0]);
	if (t < 0) {
		/* an unseen term: df 0, and the idf that keywords --text gives it */
		if (want_idf) {
			vs_result_free(r);
			return vs_session_error(s, "'%s' is not a term of %s", a->argv[0], ix->name);
		}
		vs_result_int(r, 1, 0);
		vs_result_note(r, "'%s' is not a term of %s", a->argv[0], ix->name);
	} else if (want_idf) {
		vs_result_float(r, 1, ix->idf[t]);
	} else {
		vs_result_int(r, 1, ix->df[t]);
	}
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
	        "--no-smooth. TERM is given as the index holds it (lowercase).",
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
		if (pat && (glob ? fnmatch(pat, n, 0) != 0 : strstr(n, pat) == NULL))
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
	.example = "docs GPL*",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_docs_exec,
};
