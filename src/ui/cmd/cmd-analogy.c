/* analogy: A is to B as C is to ? */
#include <stdlib.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

/* analogy --explain: each answer's cosines with A, B and C, and both scores. */
static int analogy_explain(vs_session *s, const vs_vecset *set, const long *abc, const vs_hit *hits, size_t n,
                           int cosmul)
{
	long *words = malloc((n ? n : 1) * sizeof *words);
	vs_analogy_step *st = malloc((n ? n : 1) * sizeof *st);
	vs_result *r = vs_result_new();
	double mean_norm;
	vs_error err;
	if (!words || !st || !r) {
		free(words), free(st), vs_result_free(r);
		return vs_session_oom(s);
	}
	for (size_t i = 0; i < n; i++)
		words[i] = (long)hits[i].index;
	if (vs_analogy_explain(set, abc[0], abc[1], abc[2], words, n, st, &mean_norm, &err) < 0) {
		free(words), free(st), vs_result_free(r);
		return vs_session_error(s, "analogy: %s", err.msg);
	}
	char ca[80], cb[80], cc[80];
	snprintf(ca, sizeof ca, "cos_%s", vs_vecset_word(set, abc[0]));
	snprintf(cb, sizeof cb, "cos_%s", vs_vecset_word(set, abc[1]));
	snprintf(cc, sizeof cc, "cos_%s", vs_vecset_word(set, abc[2]));
	const char *cols[] = {ca, cb, cc, "3cosadd", "3cosmul"};
	vs_result_col(r, "rank", VS_COL_INT, 0);
	vs_result_col(r, "word", VS_COL_STR, 0);
	for (size_t c = 0; c < 5; c++)
		vs_result_col(r, cols[c], VS_COL_FLOAT, 6);
	for (size_t i = 0; i < n && vs_result_row(r) == 0; i++) {
		float v[5] = {st[i].cos_a, st[i].cos_b, st[i].cos_c, st[i].cosadd, st[i].cosmul};
		vs_result_int(r, 0, (long long)i + 1);
		vs_result_str(r, 1, vs_vecset_word(set, words[i]));
		for (size_t c = 0; c < 5; c++)
			vs_result_float(r, c + 2, v[c]);
	}
	const char *A = vs_vecset_word(set, abc[0]), *B = vs_vecset_word(set, abc[1]), *C = vs_vecset_word(set, abc[2]);
	vs_result_note(r, "query = unit(mean(unit %s, unit %s, -unit %s)); the mean's length is %.6f", B, C, A, mean_norm);
	vs_result_note(r, "3cosadd = cos(word, query) = (cos_%s + cos_%s - cos_%s) / (3 x %.6f)", B, C, A, mean_norm);
	vs_result_note(r, "3cosmul = ((1 + cos_%s) / 2) ((1 + cos_%s) / 2) / ((1 + cos_%s) / 2 + 1e-6)", B, C, A);
	vs_result_note(r, "ranked by %s; %s, %s and %s themselves are left out", cosmul ? "3cosmul" : "3cosadd", A, B, C);
	free(words), free(st);
	vs_session_show(s, r);
	return 0;
}

static int cmd_analogy_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	size_t k;
	if (!set || vs_arg_size(s, a, "-k", 10, &k) < 0)
		return -1;
	if (k > vs_vecset_rows(set))
		k = vs_vecset_rows(set);
	long ix[3];
	for (int i = 0; i < 3; i++)
		if ((ix[i] = vs_session_word(s, set, a->argv[i])) < 0)
			return -1;
	long pos[2] = {ix[1], ix[2]}, neg[1] = {ix[0]};
	vs_hit *hits = malloc((k ? k : 1) * sizeof *hits);
	if (!hits)
		return vs_session_oom(s);
	size_t n;
	vs_error err;
	int r = vs_arg_flag(a, "--cosmul") ? vs_most_similar_cosmul(set, pos, 2, neg, 1, k, hits, &n, &err)
	                                   : vs_most_similar(set, pos, 2, neg, 1, k, 0, hits, &n, &err);
	if (r < 0) {
		free(hits);
		return vs_session_error(s, "analogy: %s", err.msg);
	}
	if (vs_arg_flag(a, "--explain")) {
		int rc = analogy_explain(s, set, ix, hits, n, vs_arg_flag(a, "--cosmul"));
		free(hits);
		return rc;
	}
	vs_result *res = vs_words_result(set, hits, n);
	free(hits);
	if (!res)
		return vs_session_oom(s);
	vs_remote_note(res, set);
	vs_session_show(s, res);
	return 0;
}

static const vs_option cmd_analogy_options[] = {
	{"-k", "N", "how many answers (default 10)", VS_COMPLETE_NONE, NULL},
	{"--cosmul", NULL, "3CosMul (gensim's most_similar_cosmul) instead of 3CosAdd", VS_COMPLETE_NONE, NULL},
	{"--explain", NULL, "each answer's cosines with A, B and C, and both scores side by side", VS_COMPLETE_NONE,
	 NULL},
	{0},
};

const vs_cmd_entry cmd_analogy_entry = {
	.name = "analogy",
	.usage = "A B C [-k N] [--cosmul] [--explain]",
	.summary = "A is to B as C is to ? (3CosAdd or 3CosMul)",
	.help = "Ranks the words by 3CosAdd, cos(w, B - A + C) over unit vectors, as gensim's\n"
	        "most_similar(positive=[B, C], negative=[A]); with --cosmul by Levy and\n"
	        "Goldberg's 3CosMul, as most_similar_cosmul. A, B and C are left out.\n"
	        "--explain shows the working: each answer's cosine with A, B and C, and its\n"
	        "3CosAdd and 3CosMul scores side by side, with the query vector's making.",
	.example = "analogy man king woman\nanalogy paris france rome --cosmul -k 3\nanalogy man king woman -k 3 --explain",
	.min_args = 3,
	.max_args = 3,
	.args_complete = VS_COMPLETE_WORD,
	.options = cmd_analogy_options,
	.exec = cmd_analogy_exec,
};
