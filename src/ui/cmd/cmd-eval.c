/* eval: analogy and word-pair benchmarks. */
#include <string.h>
#include <time.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

static const char *const eval_kinds[] = {"analogies", "pairs", NULL};

static int eval_analogies(vs_session *s, vs_vecset *set, const char *path, size_t restrict_vocab)
{
	vs_analogy_report rep;
	vs_error err;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (vs_eval_analogies(set, path, restrict_vocab, &rep, &err) < 0)
		return vs_session_error(s, "eval: %s", err.msg);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	vs_result *r = vs_result_new();
	if (!r) {
		vs_analogy_report_free(&rep);
		return vs_session_error(s, "out of memory");
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
	if (rep.invalid_lines)
		vs_result_note(r, "%zu lines that are not four words were skipped", rep.invalid_lines);
	vs_analogy_report_free(&rep);
	vs_session_show(s, r);
	vs_session_info(s, "evaluated in %.2f s",
	                (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
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
		return vs_session_error(s, "out of memory");
	vs_result_col(r, "pearson", VS_COL_FLOAT, 6);
	vs_result_col(r, "spearman", VS_COL_FLOAT, 6);
	vs_result_col(r, "oov_ratio", VS_COL_FLOAT, 6);
	vs_result_col(r, "pairs", VS_COL_INT, 0);
	vs_result_col(r, "oov", VS_COL_INT, 0);
	if (vs_result_row(r) < 0) {
		vs_result_free(r);
		return vs_session_error(s, "out of memory");
	}
	vs_result_float(r, 0, rep.pearson);
	vs_result_float(r, 1, rep.spearman);
	vs_result_float(r, 2, rep.oov_ratio);
	vs_result_int(r, 3, (long long)rep.pairs);
	vs_result_int(r, 4, (long long)rep.oov);
	if (rep.invalid_lines)
		vs_result_note(r, "%zu lines that are not 'word TAB word TAB score' were skipped", rep.invalid_lines);
	vs_session_show(s, r);
	return 0;
}

static int cmd_eval_exec(vs_session *s, vs_args *a)
{
	vs_vecset *set = vs_session_active(s);
	size_t restrict_vocab;
	if (!set || vs_arg_size(s, a, "--restrict", 300000, &restrict_vocab) < 0)
		return -1;
	if (strcmp(a->argv[0], "analogies") == 0)
		return eval_analogies(s, set, a->argv[1], restrict_vocab);
	if (strcmp(a->argv[0], "pairs") == 0)
		return eval_pairs(s, set, a->argv[1], restrict_vocab);
	return vs_session_error(s, "eval: expected 'analogies' or 'pairs', not '%s'", a->argv[0]);
}

static const vs_option cmd_eval_options[] = {
	{"--restrict", "N", "only the N most frequent words count (default 300000)", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_eval_entry = {
	.name = "eval",
	.usage = "analogies|pairs FILE [--restrict N]",
	.summary = "score the active set on an analogy or word-pair benchmark",
	.help = "analogies: the Google format (': section' lines, then 'a b c d' lines), with\n"
	        "gensim's evaluate_word_analogies rules: case-insensitive, only the first N\n"
	        "words, questions with other words skipped and counted.\n"
	        "pairs: 'word TAB word TAB score' lines (wordsim353, SimLex; '#' comments),\n"
	        "reporting Pearson and Spearman correlation and the out-of-vocabulary ratio in\n"
	        "percent, as gensim's evaluate_word_pairs.",
	.example = "eval analogies questions-words.txt\neval pairs wordsim353.tsv --restrict 100000",
	.min_args = 2,
	.max_args = 2,
	.first_complete = VS_COMPLETE_CHOICE,
	.args_complete = VS_COMPLETE_FILE,
	.choices = eval_kinds,
	.options = cmd_eval_options,
	.exec = cmd_eval_exec,
};
