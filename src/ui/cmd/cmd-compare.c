/* compare: a word's neighbours in two sets side by side, or the words that
 * moved most between two sets (after aligning them). */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "viz/viz.h"

static int neighbours(vs_session *s, vs_vecset *x, vs_vecset *y, const char *word, size_t k)
{
	vs_error why; /* (a table's row is fetched) */
	long wx = vs_vecset_fetch(x, word, &why), wy = wx < 0 ? -1 : vs_vecset_fetch(y, word, &why);
	if (wx < 0 || wy < 0)
		return vs_session_error(s, "compare: %s", why.msg);
	vs_hit *hx = malloc(k * sizeof *hx), *hy = malloc(k * sizeof *hy);
	size_t nx = 0, ny = 0;
	vs_error err;
	int rc = -1;
	if (!hx || !hy)
		vs_session_oom(s);
	else if (vs_most_similar(x, &wx, 1, NULL, 0, k, 0, hx, &nx, &err) < 0 ||
	         vs_most_similar(y, &wy, 1, NULL, 0, k, 0, hy, &ny, &err) < 0)
		vs_session_error(s, "compare: %s", err.msg);
	else {
		vs_result *r = vs_result_new();
		if (!r) {
			vs_session_oom(s);
		} else {
			vs_result_col(r, "rank", VS_COL_INT, 0);
			/* column names are static: the sets are named in the note */
			vs_result_col(r, "a", VS_COL_STR, 0);
			vs_result_col(r, "a score", VS_COL_FLOAT, 6);
			vs_result_col(r, "b", VS_COL_STR, 0);
			vs_result_col(r, "b score", VS_COL_FLOAT, 6);
			for (size_t i = 0; i < (nx > ny ? nx : ny) && vs_result_row(r) == 0; i++) {
				vs_result_int(r, 0, (long long)i + 1);
				if (i < nx) {
					vs_result_str(r, 1, vs_vecset_word(x, hx[i].index));
					vs_result_float(r, 2, hx[i].score);
				}
				if (i < ny) {
					vs_result_str(r, 3, vs_vecset_word(y, hy[i].index));
					vs_result_float(r, 4, hy[i].score);
				}
			}
			vs_result_note(r, "the neighbours of '%s' in a: %s and b: %s", word, x->name, y->name);
			vs_session_show(s, r);
			rc = 0;
		}
	}
	free(hx), free(hy);
	return rc;
}

static int moved(vs_session *s, vs_vecset *x, vs_vecset *y, size_t words, size_t k)
{
	vs_hit *h = malloc(k * sizeof *h);
	if (!h)
		return vs_session_oom(s);
	size_t n, shared;
	vs_error err;
	if (vs_moved_words(x, y, words, k, h, &n, &shared, &err) < 0) {
		free(h);
		return vs_session_error(s, "compare: %s", err.msg);
	}
	vs_result *r = vs_ranked_result(x, h, n, "word");
	free(h);
	if (!r)
		return vs_session_oom(s);
	r->cols[2].name = "distance";
	vs_result_note(r, "cosine distance after aligning %s to %s on %zu shared words", x->name, y->name, shared);
	vs_session_show(s, r);
	return 0;
}

static int cmd_compare_exec(vs_session *s, vs_args *a)
{
	vs_vecset *x, *y;
	size_t k, words;
	if (vs_session_two_sets(s, a, &x, &y) < 0 || vs_arg_size(s, a, "-k", 10, &k) < 0 ||
	    vs_arg_size(s, a, "--words", 0, &words) < 0)
		return -1;
	if (k > 10000)
		return vs_session_error(s, "compare: -k is at most 10000, not %zu", k);
	int by_move = vs_arg_flag(a, "--moved");
	if (by_move == (a->argc == 3))
		return vs_session_error(s, "compare: give a WORD, or --moved (not both)");
	return by_move ? moved(s, x, y, words, k) : neighbours(s, x, y, a->argv[2], k);
}

static const vs_option cmd_compare_options[] = {
	{"-k", "N", "how many neighbours or words (default 10)", VS_COMPLETE_NONE, NULL},
	{"--moved", NULL, "the shared words whose vectors moved most between the sets", VS_COMPLETE_NONE, NULL},
	{"--words", "N", "with --moved: the first N shared words (default: all)", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_compare_entry = {
	.name = "compare",
	.usage = "A B WORD [-k N] | A B --moved [-k N] [--words N]",
	.summary = "a word's neighbours in two sets side by side, or the words that moved most",
	.help = "With a WORD, its nearest neighbours in A and in B (sets of any sizes and\n"
	        "dimensions). With --moved, A is aligned to B on their shared words (see\n"
	        "align) and the words are ranked by the cosine distance between their\n"
	        "aligned vector in A and their vector in B, the largest first: the words\n"
	        "whose use changed between two corpora (histwords' semantic change).\n"
	        "Limit --words to the more frequent shared words: rare words move by noise.",
	.example = "compare old new gay -k 5\ncompare old new --moved -k 20 --words 10000",
	.min_args = 2,
	.max_args = 3,
	.args_complete = VS_COMPLETE_SET,
	.options = cmd_compare_options,
	.exec = cmd_compare_exec,
};
