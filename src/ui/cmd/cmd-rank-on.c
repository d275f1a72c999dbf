/* rank-on: words sorted by their position along an axis. */
#include <stdlib.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

static int cmd_rank_on_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	const vs_axis *ax = vs_session_axis(s, "rank-on", a->argv[0], set);
	if (!ax)
		return -1;
	long *idx; /* the words after the first argument (or --top, or the last result's) */
	size_t n, nhigh;
	if (vs_gather_words_after(s, a, 1, set, &idx, &n, &nhigh) < 0)
		return -1;
	float *pos = malloc((n ? n : 1) * sizeof *pos);
	vs_hit *hits = malloc((n ? n : 1) * sizeof *hits);
	int rc = -1;
	if (!pos || !hits) {
		vs_session_oom(s);
	} else {
		for (size_t i = 0; i < n; i++)
			pos[i] = vs_position(set, idx[i], ax->g);
		size_t got = vs_topk_select(pos, n, n, NULL, 0, hits); /* all, highest first */
		for (size_t i = 0; i < got; i++)
			hits[i].index = idx[hits[i].index];
		vs_result *r = vs_ranked_result(set, hits, got, "word");
		if (!r) {
			vs_session_oom(s);
		} else {
			r->cols[2].name = "position";
			vs_result_note(r, "positions along %s (%s): the cosine with the direction", ax->name, ax->pairs);
			vs_session_show(s, r);
			rc = 0;
		}
	}
	free(idx), free(pos), free(hits);
	return rc;
}

static const vs_option cmd_rank_on_options[] = {
	{"--top", "N", "the first (most frequent) N words of the set", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_rank_on_entry = {
	.name = "rank-on",
	.usage = "AXIS [WORD...] [--top N]",
	.summary = "words sorted by their position along an axis",
	.help = "A word's position is the cosine of its vector with the axis's direction:\n"
	        "positive towards the pairs' second words, negative towards the first. The\n"
	        "words: those given, --top N, or the last result's.",
	.example = "axis gender he:she man:woman\nrank-on gender doctor nurse engineer teacher dancer",
	.min_args = 1,
	.max_args = -1,
	.args_complete = VS_COMPLETE_WORD,
	.options = cmd_rank_on_options,
	.exec = cmd_rank_on_exec,
};
