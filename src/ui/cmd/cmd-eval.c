/* eval: analogy and word-pair benchmarks. */
#include <string.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

/* What the scores were computed on, when the set keeps its rows rounded. */
static void dtype_note(vs_result *r, const vs_vecset *set)
{
	if (set->dtype == VS_VEC_F32)
		return;
	vs_result_context_str(r, "dtype", vs_vec_dtype_name(set->dtype));
	vs_result_note(r, "on %s's vectors as its file keeps them, rounded to %s (save --dtype): approximate", set->name,
	               vs_vec_dtype_name(set->dtype));
}

static int eval_analogies(vs_session *s, vs_vecset *set, const char *path, size_t restrict_vocab)
{
	vs_analogy_report rep;
	vs_error err;
	vs_progress p;
	vs_progress_start(&p, s, "answering analogies");
	int rc = vs_eval_analogies(set, path, restrict_vocab, vs_progress_update, &p, &rep, &err);
	vs_progress_end(&p);
	double seconds = vs_seconds_since(&p.start);
	if (rc < 0)
		return vs_session_error(s, "eval: %s", err.msg);
	vs_result *r = vs_result_new();
	if (!r) {
		vs_analogy_report_free(&rep);
		return vs_session_oom(s);
	}
	vs_result_col(r, "section", VS_COL_STR, 0);
	vs_result_col(r, "correct", VS_COL_INT, 0);
	vs_result_col(r, "total", VS_COL_INT, 0);
	vs_result_col(r, "accuracy", VS_COL_FLOAT, 6);
	for (size_t i = 0; i <= rep.nsections; i++) {
		int total = i == rep.nsections;
		size_t c = total ? rep.correct : rep.sections[i].correct;
		size_t n = c + (total ? rep.incorrect : rep.sections[i].incorrect);
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, total ? "Total accuracy" : rep.sections[i].name);
		vs_result_int(r, 1, (long long)c);
		vs_result_int(r, 2, (long long)n);
		if (n)
			vs_result_float(r, 3, (double)c / (double)n);
	}
	vs_result_note(r, "%zu questions, %zu used, %zu skipped as out of vocabulary (%.1f%%), restrict %zu words",
	               rep.questions, rep.correct + rep.incorrect, rep.oov,
	               100.0 * (double)rep.oov / (double)rep.questions, restrict_vocab);
	vs_result_context_int(r, "questions", (long long)rep.questions);
	vs_result_context_int(r, "used", (long long)(rep.correct + rep.incorrect));
	vs_result_context_int(r, "oov", (long long)rep.oov);
	vs_result_context_int(r, "restrict", (long long)restrict_vocab);
	if (rep.invalid_lines)
		vs_result_note(r, "%zu lines that are not four words were skipped", rep.invalid_lines);
	dtype_note(r, set);
	vs_analogy_report_free(&rep);
	vs_session_show(s, r);
	vs_session_info(s, "evaluated in %.2f s", seconds);
	return 0;
}

static int eval_pairs(vs_session *s, vs_vecset *set, const char *path, size_t restrict_vocab)
{
	vs_pairs_report rep;
	vs_error err;
	if (vs_eval_pairs(set, path, restrict_vocab, &rep, &err) < 0)
		return vs_session_error(s, "eval: %s", err.msg);
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "pearson", VS_COL_FLOAT, 6);
	vs_result_col(r, "spearman", VS_COL_FLOAT, 6);
	vs_result_col(r, "oov_ratio", VS_COL_FLOAT, 6);
	vs_result_col(r, "pairs", VS_COL_INT, 0);
	vs_result_col(r, "oov", VS_COL_INT, 0);
	if (vs_result_row(r) < 0) {
		vs_result_free(r);
		return vs_session_oom(s);
	}
	vs_result_float(r, 0, rep.pearson);
	vs_result_float(r, 1, rep.spearman);
	vs_result_float(r, 2, rep.oov_ratio);
	vs_result_int(r, 3, (long long)rep.pairs);
	vs_result_int(r, 4, (long long)rep.oov);
	if (rep.invalid_lines)
		vs_result_note(r, "%zu lines that are not 'word TAB word TAB score' were skipped", rep.invalid_lines);
	dtype_note(r, set);
	vs_session_show(s, r);
	return 0;
}

/* The active set and --restrict, for either subcommand. */
static vs_vecset *eval_set(vs_session *s, const vs_args *a, size_t *restrict_vocab)
{
	vs_vecset *set = vs_session_active(s);
	if (!set || vs_arg_size(s, a, "--restrict", 300000, restrict_vocab) < 0)
		return NULL;
	return set;
}

static int cmd_eval_analogies(vs_session *s, vs_args *a)
{
	size_t restrict_vocab;
	vs_vecset *set = eval_set(s, a, &restrict_vocab);
	return set ? eval_analogies(s, set, a->argv[0], restrict_vocab) : -1;
}

static int cmd_eval_pairs(vs_session *s, vs_args *a)
{
	size_t restrict_vocab;
	vs_vecset *set = eval_set(s, a, &restrict_vocab);
	return set ? eval_pairs(s, set, a->argv[0], restrict_vocab) : -1;
}

static const vs_option cmd_eval_options[] = {
	{"--restrict", "N", "only the N most frequent words count (default 300000)", VS_COMPLETE_NONE, NULL},
	{0},
};

static const vs_cmd_entry eval_analogies_entry = {
	.name = "analogies",
	.usage = "FILE [--restrict N]",
	.summary = "accuracy on an analogy benchmark, per section and in total",
	.help = "The Google format (': section' lines, then 'a b c d' lines), with gensim's\n"
	        "evaluate_word_analogies rules: case-insensitive, only the first N words,\n"
	        "questions with other words skipped and counted.",
	.example = "eval analogies examples/data/questions-words.txt --restrict 100000",
	.min_args = 1,
	.max_args = 1,
	.args_complete = VS_COMPLETE_FILE,
	.options = cmd_eval_options,
	.exec = cmd_eval_analogies,
};

static const vs_cmd_entry eval_pairs_entry = {
	.name = "pairs",
	.usage = "FILE [--restrict N]",
	.summary = "correlation with human similarity judgements of word pairs",
	.help = "'word TAB word TAB score' lines (wordsim353, SimLex; '#' comments), reporting\n"
	        "Pearson and Spearman correlation and the out-of-vocabulary ratio in percent,\n"
	        "as gensim's evaluate_word_pairs.",
	.example = "eval pairs examples/data/wordsim353.tsv",
	.min_args = 1,
	.max_args = 1,
	.args_complete = VS_COMPLETE_FILE,
	.options = cmd_eval_options,
	.exec = cmd_eval_pairs,
};

static const vs_cmd_entry *const eval_subcommands[] = {&eval_analogies_entry, &eval_pairs_entry, NULL};

const vs_cmd_entry cmd_eval_entry = {
	.name = "eval",
	.usage = "SUBCOMMAND FILE [--restrict N]",
	.summary = "score the active set on an analogy or word-pair benchmark",
	.help = "analogies: the Google analogy set's accuracy; pairs: correlation with\n"
	        "WordSim353-style judgements. Both follow gensim's rules and numbers.",
	.example = "eval analogies examples/data/questions-words.txt\neval pairs examples/data/wordsim353.tsv",
	.subcommands = eval_subcommands,
};
