/* nn: nearest neighbours of a word or of an expression of words. */
#include <stdlib.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

static int cmd_nn_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	size_t k;
	if (!set || vs_arg_size(s, a, "-k", 10, &k) < 0)
		return -1;
	if (k > set->count)
		k = set->count;
	long *pos = malloc((size_t)a->argc * sizeof *pos), *neg = malloc((size_t)a->argc * sizeof *neg);
	vs_hit *hits = malloc((k ? k : 1) * sizeof *hits);
	size_t npos, nneg, n = 0;
	vs_error err;
	int rc = -1;
	if (!pos || !neg || !hits)
		vs_session_oom(s);
	else if (vs_parse_expression(s, set, a->argc, a->argv, pos, &npos, neg, &nneg) < 0)
		;
	else if (vs_most_similar(set, pos, npos, neg, nneg, k, 0, hits, &n, &err) < 0)
		vs_session_error(s, "nn: %s", err.msg);
	else {
		vs_result *r = vs_words_result(set, hits, n);
		if (r) {
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
	{0},
};

const vs_cmd_entry cmd_nn_entry = {
	.name = "nn",
	.aliases = (const char *const[]){"neighbours", "neighbors", "most_similar", NULL},
	.usage = "QUERY [-k N]",
	.summary = "nearest words by cosine similarity",
	.help = "QUERY is a word, or words joined by + and - (king - man + woman): the words'\n"
	        "unit vectors are added or subtracted, averaged and normalised, as gensim's\n"
	        "most_similar does, and the query words are left out of the result.",
	.example = "nn king -k 5\nnn king - man + woman",
	.min_args = 1,
	.max_args = -1,
	.args_complete = VS_COMPLETE_WORD,
	.options = cmd_nn_options,
	.exec = cmd_nn_exec,
};
