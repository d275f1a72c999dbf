/* vec: the vector of a word. */
#include "ui/ui.h"

static int cmd_vec_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "word", VS_COL_STR, 0);
	vs_result_col(r, "vector", VS_COL_VEC, 6);
	for (int i = 0; i < a->argc; i++) {
		long x = vs_session_word(s, set, a->argv[i]);
		if (x < 0 || vs_result_row(r) < 0) {
			vs_result_free(r);
			return -1;
		}
		vs_vecset_need_row(set, (size_t)x);
		vs_result_str(r, 0, vs_vecset_word(set, x));
		vs_result_vec(r, 1, set->vectors + (size_t)x * set->dims, set->dims);
	}
	vs_session_show(s, r);
	return 0;
}

const vs_cmd_entry cmd_vec_entry = {
	.name = "vec",
	.usage = "WORD...",
	.summary = "the vectors of words",
	.help = "In tsv mode each row is the word, a tab, and the values separated by spaces;\n"
	        "in json mode the vector is an array.",
	.example = "vec king",
	.min_args = 1,
	.max_args = -1,
	.args_complete = VS_COMPLETE_WORD,
	.exec = cmd_vec_exec,
};
