/* analogy: A is to B as C is to ? */
#include <stdlib.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

static int cmd_analogy_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	size_t k;
	if (!set || vs_arg_size(s, a, "-k", 10, &k) < 0)
		return -1;
	if (k > set->count)
		k = set->count;
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
	vs_result *res = vs_words_result(set, hits, n);
	free(hits);
	if (!res)
		return vs_session_oom(s);
	vs_session_show(s, res);
	return 0;
}

static const vs_option cmd_analogy_options[] = {
	{"-k", "N", "how many answers (default 10)", VS_COMPLETE_NONE, NULL},
	{"--cosmul", NULL, "3CosMul (gensim's most_similar_cosmul) instead of 3CosAdd", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_analogy_entry = {
	.name = "analogy",
	.usage = "A B C [-k N] [--cosmul]",
	.summary = "A is to B as C is to ? (3CosAdd or 3CosMul)",
	.help = "Ranks the words by 3CosAdd, cos(w, B - A + C) over unit vectors, as gensim's\n"
	        "most_similar(positive=[B, C], negative=[A]); with --cosmul by Levy and\n"
	        "Goldberg's 3CosMul, as most_similar_cosmul. A, B and C are left out.",
	.example = "analogy man king woman\nanalogy paris france rome --cosmul -k 3",
	.min_args = 3,
	.max_args = 3,
	.args_complete = VS_COMPLETE_WORD,
	.options = cmd_analogy_options,
	.exec = cmd_analogy_exec,
};
