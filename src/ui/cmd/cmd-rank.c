/* rank: where B comes among A's neighbours. */
#include "ui/ui.h"
#include "vectors/vectors.h"

static int cmd_rank_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set;
	long x, y;
	if (vs_session_two_words(s, a, &set, &x, &y) < 0)
		return -1;
	vs_error err;
	size_t rank = vs_rank(set, x, y, &err);
	if (rank == 0)
		return vs_session_error(s, "rank: %s", err.msg);
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "a", VS_COL_STR, 0);
	vs_result_col(r, "b", VS_COL_STR, 0);
	vs_result_col(r, "rank", VS_COL_INT, 0);
	if (vs_result_row(r) < 0) {
		vs_result_free(r);
		return vs_session_oom(s);
	}
	vs_result_str(r, 0, vs_vecset_word(set, x));
	vs_result_str(r, 1, vs_vecset_word(set, y));
	vs_result_int(r, 2, (long long)rank);
	vs_session_show(s, r);
	return 0;
}

const vs_cmd_entry cmd_rank_entry = {
	.name = "rank",
	.usage = "A B",
	.summary = "rank of B among the neighbours of A",
	.help = "1 + the number of words other than A that are closer to A than B is\n"
	        "(gensim's rank).",
	.example = "rank king queen",
	.min_args = 2,
	.max_args = 2,
	.args_complete = VS_COMPLETE_WORD,
	.exec = cmd_rank_exec,
};
