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
	vs_result_col(r, "similarity", VS_COL_FLOAT, 6);
	if (vs_result_row(r) < 0) {
		vs_result_free(r);
		return vs_session_oom(s);
	}
	vs_result_str(r, 0, set->words[x]);
	vs_result_str(r, 1, set->words[y]);
	vs_result_float(r, 2, vs_similarity(set, x, y));
	vs_session_show(s, r);
	return 0;
}

const vs_cmd_entry cmd_sim_entry = {
	.name = "sim",
	.aliases = (const char *const[]){"similarity", NULL},
	.usage = "A B",
	.summary = "cosine similarity of two words",
	.example = "sim cat dog",
	.min_args = 2,
	.max_args = 2,
	.args_complete = VS_COMPLETE_WORD,
	.exec = cmd_sim_exec,
};
