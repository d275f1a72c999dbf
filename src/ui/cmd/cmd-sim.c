/* sim: cosine similarity of two words. */
#include "ui/ui.h"
#include "vectors/vectors.h"

static int cmd_sim_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set;
	long x, y;
	if (vs_session_two_words(s, a, &set, &x, &y) < 0)
		return -1;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "a", VS_COL_STR, 0);
	vs_result_col(r, "b", VS_COL_STR, 0);
	int explain = vs_arg_flag(a, "--explain");
	if (explain) { /* the cosine's working */
		vs_result_col(r, "dot", VS_COL_FLOAT, 6);
		vs_result_col(r, "norm_a", VS_COL_FLOAT, 6);
		vs_result_col(r, "norm_b", VS_COL_FLOAT, 6);
	}
	vs_result_col(r, "similarity", VS_COL_FLOAT, 6);
	if (vs_result_row(r) < 0) {
		vs_result_free(r);
		return vs_session_oom(s);
	}
	size_t c = 0;
	vs_result_str(r, c++, vs_vecset_word(set, x));
	vs_result_str(r, c++, vs_vecset_word(set, y));
	if (explain) {
		vs_result_float(r, c++, vs_dot(set, x, y));
		vs_result_float(r, c++, set->norms[x]);
		vs_result_float(r, c++, set->norms[y]);
		vs_result_note(r, "similarity = dot / (norm_a x norm_b): the cosine of the angle between the vectors, "
		                  "the dot product of the unit vectors");
	}
	vs_result_float(r, c, vs_similarity(set, x, y));
	vs_session_show(s, r);
	return 0;
}

static const vs_option cmd_sim_options[] = {
	{"--explain", NULL, "show the working: the dot product and the two norms", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_sim_entry = {
	.name = "sim",
	.aliases = (const char *const[]){"similarity", NULL},
	.usage = "A B [--explain]",
	.summary = "cosine similarity of two words",
	.help = "gensim's similarity(A, B): the cosine of the two vectors. --explain shows the\n"
	        "dot product of the vectors as they are and their lengths, of which it is made.",
	.example = "sim cat dog\nsim cat dog --explain",
	.min_args = 2,
	.max_args = 2,
	.args_complete = VS_COMPLETE_WORD,
	.options = cmd_sim_options,
	.exec = cmd_sim_exec,
};
