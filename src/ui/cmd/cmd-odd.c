/* odd: the word that does not match the others. */
#include <stdlib.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

static int cmd_odd_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	if (!set)
		return -1;
	size_t n = (size_t)a->argc;
	long *ix = malloc(n * sizeof *ix);
	vs_hit *hits = malloc(n * sizeof *hits);
	int rc = -1;
	vs_error err;
	if (!ix || !hits) {
		vs_session_oom(s);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if ((ix[i] = vs_session_word(s, set, a->argv[i])) < 0)
			goto out;
	if (vs_rank_by_centrality(set, ix, n, hits, &err) < 0) {
		vs_session_error(s, "odd: %s", err.msg);
		goto out;
	}
	vs_result *r = vs_words_result(set, hits, n);
	if (!r) {
		vs_session_oom(s);
		goto out;
	}
	vs_result_title(r, "odd one out: %s", vs_vecset_word(set, hits[n - 1].index));
	vs_result_context_str(r, "odd", vs_vecset_word(set, hits[n - 1].index));
	vs_session_show(s, r);
	rc = 0;
out:
	free(ix);
	free(hits);
	return rc;
}

const vs_cmd_entry cmd_odd_entry = {
	.name = "odd",
	.aliases = (const char *const[]){"doesnt-match", "doesnt_match", NULL},
	.usage = "WORD WORD...",
	.summary = "the word that does not match the others",
	.help = "Ranks the words by cosine with the normalised mean of their unit vectors\n"
	        "(gensim's rank_by_centrality); the last one is gensim's doesnt_match.",
	.example = "odd breakfast cereal dinner lunch",
	.min_args = 2,
	.max_args = -1,
	.args_complete = VS_COMPLETE_WORD,
	.exec = cmd_odd_exec,
};
