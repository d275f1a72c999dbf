/* train: word2vec (skip-gram or CBOW) on a corpus, the result a set. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "train/train.h"

static const char *const models[] = {"skipgram", "cbow", NULL};

typedef struct shown {
	vs_progress bar; /* only for where it writes (a terminal) and the delay */
} shown;

/* epoch, percent, words/s (and per thread), alpha, loss, time left */
static void show_progress(void *ctx, const vs_train_progress *p)
{
	shown *sh = ctx;
	if (!sh->bar.out || vs_seconds_since(&sh->bar.start) < sh->bar.delay)
		return;
	fprintf(sh->bar.out,
	        "\rtraining: epoch %d/%d %3.0f%%  %.0fk words/s (%.0fk a thread)  alpha %.5f  loss %.4f  %.0f s left\033[K",
	        p->epoch, p->epochs, p->done * 100, p->words_per_sec / 1e3, p->words_per_sec / 1e3 / p->threads, p->alpha,
	        p->loss, p->eta);
	fflush(sh->bar.out);
	sh->bar.shown = 1;
}

static int int_opt(vs_session *s, vs_args *a, const char *name, int def, int *out)
{
	size_t v;
	if (vs_arg_size(s, a, name, (size_t)def, &v) < 0)
		return -1;
	if (v > 1000000)
		return vs_session_error(s, "train: %s %zu is out of range", name, v);
	*out = (int)v;
	return 0;
}

/* a count that may be 0 (--negative 0 with --hs) */
static int count_opt(vs_session *s, vs_args *a, const char *name, int def, int *out)
{
	const char *v = vs_arg_opt(a, name);
	*out = def;
	if (!v)
		return 0;
	char *end;
	long x = strtol(v, &end, 10);
	if (!*v || *end || x < 0 || x > 1000)
		return vs_session_error(s, "train: %s takes a whole number from 0 to 1000, not '%s'", name, v);
	*out = (int)x;
	return 0;
}

static int real_opt(vs_session *s, vs_args *a, const char *name, double *out)
{
	const char *v = vs_arg_opt(a, name);
	if (!v)
		return 0;
	char *end;
	double x = strtod(v, &end);
	if (!*v || *end || !(x >= 0))
		return vs_session_error(s, "train: %s takes a number, not '%s'", name, v);
	*out = x;
	return 0;
}

static int parse_options(vs_session *s, vs_args *a, vs_train_options *o)
{
	vs_train_options_default(o);
	const char *v = vs_arg_opt(a, "--model");
	o->cbow = v && strcmp(v, "cbow") == 0;
	o->hs = vs_arg_flag(a, "--hs");
	size_t seed = 1;
	if (int_opt(s, a, "--dims", 100, &o->dims) < 0 || int_opt(s, a, "--window", 5, &o->window) < 0 ||
	    count_opt(s, a, "--negative", o->hs ? 0 : 5, &o->negative) < 0 || int_opt(s, a, "--epochs", 5, &o->epochs) < 0 ||
	    int_opt(s, a, "--threads", 0, &o->threads) < 0 || vs_arg_size(s, a, "--min-count", 5, &o->min_count) < 0 ||
	    vs_arg_size(s, a, "--max-vocab", 0, &o->max_vocab) < 0 || vs_arg_size(s, a, "--seed", 1, &seed) < 0 ||
	    real_opt(s, a, "--sample", &o->sample) < 0 || real_opt(s, a, "--alpha", &o->alpha) < 0 ||
	    real_opt(s, a, "--min-alpha", &o->min_alpha) < 0)
		return -1;
	o->seed = seed;
	o->analyzer = vs_arg_flag(a, "--analyzer");
	o->lines = vs_arg_flag(a, "--lines");
	if (o->lines && !o->analyzer)
		return vs_session_error(s, "train: --lines goes with --analyzer (without it, each line is a sentence already)");
	if (vs_arg_opt(a, "--threads") && o->threads == 0)
		return vs_session_error(s, "train: --threads must be at least 1");
	return 0;
}

/* "field\tvalue" lines for info */
static char *describe(const vs_train_options *o, const vs_train_report *r, const char *corpus)
{
	char *buf = malloc(2048);
	if (!buf)
		return NULL;
	char done[64] = "";
	if (r->interrupted)
		snprintf(done, sizeof done, ", interrupted at %.0f%%", r->done * 100);
	snprintf(buf, 2048,
	         "trained\tword2vec %s, %s%s%s\n"
	         "parameters\tdims %d, window %d, sample %g, min-count %zu, epochs %d, alpha %g to %g, seed %llu\n"
	         "corpus\t%s: %zu words in %zu source%s, %zu of them in the vocabulary\n"
	         "training\t%.1f s on %d thread%s, %.0f words/s, final loss %.4f%s\n",
	         o->cbow ? "CBOW" : "skip-gram", o->negative ? "negative sampling" : "", o->negative && o->hs ? " and " : "",
	         o->hs ? "hierarchical softmax" : "", o->dims, o->window, o->sample, o->min_count, o->epochs,
	         o->alpha > 0 ? o->alpha : o->cbow ? 0.05 : 0.025, o->min_alpha, (unsigned long long)o->seed, corpus,
	         r->tokens, r->files, r->files == 1 ? "" : "s", r->train_words, r->seconds, o->threads,
	         o->threads == 1 ? "" : "s", r->words_per_sec, r->loss, done);
	return buf;
}

static int cmd_train_exec(vs_session *s, vs_args *a)
{
	const char *name = a->argv[0];
	if (strpbrk(name, " \t") || !*name)
		return vs_session_error(s, "train: '%s' is not a valid name", name);
	if (vs_session_name_taken(s, name))
		return vs_session_error(s, "train: the name '%s' is taken (unload it first)", name);
	vs_train_options o;
	if (parse_options(s, a, &o) < 0)
		return -1;
	int from_stdin = a->argc == 2 && strcmp(a->argv[1], "-") == 0;
	for (int i = 1; !from_stdin && i < a->argc; i++)
		if (strcmp(a->argv[i], "-") == 0)
			return vs_session_error(s, "train: '-' (standard input) is the only corpus when given");
	vs_text_source src = {"stdin", NULL, 0};
	char *data = NULL;
	if (from_stdin) {
		if (!(data = vs_session_read_data(s, "train", &src.len)))
			return -1;
		src.text = data;
	}
	shown sh;
	vs_progress_start(&sh.bar, s, "training");
	o.progress = show_progress;
	o.progress_ctx = &sh;
	if (o.threads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		o.threads = n > 0 ? (int)(n < 64 ? n : 64) : 1;
	}
	vs_train_report rep;
	vs_error err;
	vs_vecset *set = vs_train(from_stdin ? NULL : (const char *const *)a->argv + 1, from_stdin ? 0 : (size_t)a->argc - 1,
	                          from_stdin ? &src : NULL, from_stdin ? 1 : 0, &o, &rep, &err);
	free(data);
	if (sh.bar.shown)
		fprintf(sh.bar.out, "\r\033[K");
	if (!set)
		return vs_session_error(s, "train: %s", err.msg);
	char *corpus = vs_join_args(a->argc - 1, a->argv + 1);
	set->name = strdup(name);
	set->source = corpus;
	set->format = "trained";
	set->unsaved = 1;
	set->about = describe(&o, &rep, corpus ? corpus : "");
	if (!set->name || !corpus || !set->about || vs_session_add(s, set) < 0) {
		vs_vecset_free(set);
		return vs_session_oom(s);
	}
	if (rep.interrupted)
		vs_session_warn(s, "train: interrupted at %.0f%%: %s holds what was trained so far", rep.done * 100, name);
	vs_session_info(s, "trained %s: %zu words x %d dims from %zu words, %d epoch%s in %.1f s (%.0f words/s), loss %.4f",
	                name, set->count, o.dims, rep.tokens, o.epochs, o.epochs == 1 ? "" : "s", rep.seconds,
	                rep.words_per_sec, rep.loss);
	return 0;
}

static const vs_option cmd_train_options[] = {
	{"--model", "skipgram|cbow", "skip-gram (a word predicts its context, default) or CBOW", VS_COMPLETE_CHOICE, models},
	{"--dims", "N", "dimensions (default 100)", VS_COMPLETE_NONE, NULL},
	{"--window", "N", "words each side (default 5; shrunk at random for each word)", VS_COMPLETE_NONE, NULL},
	{"--negative", "N", "negative samples (default 5; 0 with --hs)", VS_COMPLETE_NONE, NULL},
	{"--hs", NULL, "hierarchical softmax (alone unless --negative is given too)", VS_COMPLETE_NONE, NULL},
	{"--sample", "T", "subsampling of frequent words (default 1e-3, 0 for none)", VS_COMPLETE_NONE, NULL},
	{"--min-count", "N", "leave out rarer words (default 5)", VS_COMPLETE_NONE, NULL},
	{"--max-vocab", "N", "prune the rarest words while counting, as gensim's max_vocab_size", VS_COMPLETE_NONE, NULL},
	{"--epochs", "N", "passes over the corpus (default 5)", VS_COMPLETE_NONE, NULL},
	{"--alpha", "A", "starting learning rate (default 0.025, CBOW 0.05)", VS_COMPLETE_NONE, NULL},
	{"--min-alpha", "A", "the learning rate at the end (default 0.0001)", VS_COMPLETE_NONE, NULL},
	{"--threads", "N", "threads (default the cores)", VS_COMPLETE_NONE, NULL},
	{"--seed", "S", "random seed (with --threads 1 the vectors are the same run to run)", VS_COMPLETE_NONE, NULL},
	{"--analyzer", NULL, "the TF-IDF analyzer's words (lowercase, Unicode, CJK bigrams), a file a sentence",
	 VS_COMPLETE_NONE, NULL},
	{"--lines", NULL, "with --analyzer: each line a sentence", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_train_entry = {
	.name = "train",
	.usage = "NAME CORPUS...|- [--model skipgram|cbow] [--dims N] [--window N] [--negative N | --hs] [--sample T]\n"
	         "       [--min-count N] [--max-vocab N] [--epochs N] [--alpha A] [--min-alpha A] [--threads N]\n"
	         "       [--seed S] [--analyzer [--lines]]",
	.summary = "train word2vec vectors (skip-gram or CBOW) on a corpus",
	.help = "CORPUS is files and folders (.gz through zlib), or '-' for the lines that\n"
	        "follow (up to \\.) or standard input with -c. Words are split on white space\n"
	        "and a newline ends a sentence, as word2vec and gensim's LineSentence read a\n"
	        "file; --analyzer uses the TF-IDF analyzer instead. The rules are word2vec's:\n"
	        "vocabulary by count (</s> left out of the result), subsampling, count^0.75\n"
	        "noise, a random window for each word, the learning rate falling linearly to\n"
	        "--min-alpha; as gensim, threads take 10,000-word jobs in corpus order (Hogwild)\n"
	        "and a saturated sigmoid learns nothing. The result is a set like a loaded one; 'info'\n"
	        "shows how it was trained. Ctrl-C stops and keeps what was trained so far.",
	.example = "train small corpus.txt --dims 50 --epochs 10\n"
	           "train cb corpus.txt --model cbow --hs --threads 1 --seed 7",
	.min_args = 2,
	.max_args = -1,
	.args_complete = VS_COMPLETE_FILE,
	.options = cmd_train_options,
	.exec = cmd_train_exec,
};
