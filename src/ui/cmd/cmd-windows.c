/* windows: the (center, context) examples word2vec draws from a sentence. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "text/text.h"

static const char *const models[] = {"skipgram", "cbow", NULL};

/* Word counts: an index's corpus counts, a vocabulary file ("word count" a
 * line, as word2vec -save-vocab writes), or the text's own. */
typedef struct counts {
	const vs_index *ix;
	char **words;       /* from a file */
	double *n;
	size_t nwords;
	double total;
	const char *what;
} counts;

static int counts_from_file(vs_session *s, const char *path, counts *c)
{
	size_t len;
	char *text = vs_read_file_gz(path, &len);
	if (!text)
		return vs_session_error(s, "windows: %s: %s", path, strerror(errno));
	size_t line = 0, cap = 0;
	int rc = 0;
	for (char *p = text, *nl; rc == 0 && p < text + len; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(text + len - p));
		if (!nl)
			nl = text + len;
		*nl = '\0';
		line++;
		char word[512], extra;
		double n;
		if (strspn(p, " \t\r") == strlen(p))
			continue;
		if (sscanf(p, "%511s %lf %c", word, &n, &extra) != 2 || !(n >= 0) || n > 1e15) {
			rc = vs_session_error(s, "windows: %s:%zu: not a 'word count' line", path, line);
			break;
		}
		if (c->nwords == cap) {
			cap = cap ? cap * 2 : 256;
			char **w = realloc(c->words, cap * sizeof *w);
			double *nn = w ? realloc(c->n, cap * sizeof *nn) : NULL;
			if (w)
				c->words = w;
			if (!w || !nn) {
				rc = vs_session_oom(s);
				break;
			}
			c->n = nn;
		}
		if (!(c->words[c->nwords] = strdup(word))) {
			rc = vs_session_oom(s);
			break;
		}
		c->n[c->nwords++] = n;
		c->total += n;
	}
	free(text);
	if (rc == 0 && c->total == 0)
		rc = vs_session_error(s, "windows: %s: no word counts", path);
	return rc;
}

static double count_of(const counts *c, const char *word, char **own, size_t nown)
{
	if (c->ix) {
		long t = vs_index_term(c->ix, word);
		double n = 0;
		for (uint64_t e = t >= 0 ? c->ix->term_ptr[t] : 0; t >= 0 && e < c->ix->term_ptr[t + 1]; e++)
			n += c->ix->term_count[e];
		return n;
	}
	char **w = c->words ? c->words : own;
	size_t nw = c->words ? c->nwords : nown;
	double n = 0;
	for (size_t i = 0; i < nw; i++)
		if (strcmp(w[i], word) == 0)
			n += c->words ? c->n[i] : 1;
	return n;
}

static int load_counts(vs_session *s, vs_args *a, size_t nwords, counts *c)
{
	const char *name = vs_arg_opt(a, "--counts");
	memset(c, 0, sizeof *c);
	if (!name) {
		c->total = (double)nwords;
		c->what = "the text itself";
		return 0;
	}
	c->what = name;
	if ((c->ix = vs_session_find_index(s, name))) {
		for (uint64_t e = 0; e < c->ix->nnz; e++)
			c->total += c->ix->doc_count[e];
		return 0;
	}
	return counts_from_file(s, name, c);
}

static void counts_free(counts *c)
{
	vs_free_split(c->words, c->nwords);
	free(c->n);
}

/* --sample: each word's count and word2vec's chance of keeping it; words
 * without a count leave the sentence (*n shrinks), as word2vec drops them. */
static int show_keep(vs_session *s, vs_args *a, char **words, size_t *np, double sample)
{
	size_t n = *np;
	counts c;
	if (load_counts(s, a, n, &c) < 0) {
		counts_free(&c);
		return -1;
	}
	vs_result *r = vs_result_new();
	if (!r) {
		counts_free(&c);
		return vs_session_oom(s);
	}
	vs_result_col(r, "position", VS_COL_INT, 0);
	vs_result_col(r, "word", VS_COL_STR, 0);
	vs_result_col(r, "count", VS_COL_INT, 0);
	vs_result_col(r, "keep", VS_COL_FLOAT, 6);
	size_t unknown = 0;
	for (size_t i = 0; i < n && vs_result_row(r) == 0; i++) {
		double cnt = count_of(&c, words[i], words, n);
		vs_result_int(r, 0, (long long)i + 1);
		vs_result_str(r, 1, words[i]);
		vs_result_int(r, 2, (long long)cnt);
		vs_result_float(r, 3, vs_word2vec_keep(cnt, c.total, sample));
		unknown += cnt == 0;
	}
	vs_result_note(r, "keep = (sqrt(count / (sample x total)) + 1) x (sample x total) / count, at most 1; "
	                  "sample %g, total %.0f words (counts of %s)",
	               sample, c.total, c.what);
	if (unknown) {
		vs_result_note(r, "%zu word%s no count: word2vec leaves words outside its vocabulary out before the "
		                  "windows are made, and so do the pairs below",
		               unknown, unknown == 1 ? " has" : "s have");
		size_t kept = 0;
		for (size_t i = 0; i < n; i++) {
			if (count_of(&c, words[i], words, n) > 0)
				words[kept++] = words[i];
			else
				free(words[i]);
		}
		*np = kept;
	}
	counts_free(&c);
	vs_session_show(s, r);
	return 0;
}

static vs_result *pairs_result(char **words, const vs_window_pair *p, size_t np, int cbow, int window)
{
	vs_result *r = vs_result_new();
	if (!r)
		return NULL;
	vs_result_col(r, "center", VS_COL_STR, 0);
	vs_result_col(r, "context", VS_COL_STR, 0);
	if (!cbow) {
		vs_result_col(r, "offset", VS_COL_INT, 0);
		vs_result_col(r, "p", VS_COL_FLOAT, 6);
	}
	for (size_t i = 0, j; i < np; i = j) {
		for (j = i; j < np && p[j].center == p[i].center; j++)
			;
		if (!cbow) {
			for (size_t k = i; k < j && vs_result_row(r) == 0; k++) {
				vs_result_str(r, 0, words[p[k].center]);
				vs_result_str(r, 1, words[p[k].context]);
				vs_result_int(r, 2, p[k].offset);
				vs_result_float(r, 3, p[k].p);
			}
			continue;
		}
		size_t len = 1; /* CBOW: the context words, averaged, predict the center */
		for (size_t k = i; k < j; k++)
			len += strlen(words[p[k].context]) + 1;
		char *ctx = malloc(len);
		if (!ctx || vs_result_row(r) < 0) {
			free(ctx);
			vs_result_free(r);
			return NULL;
		}
		ctx[0] = '\0';
		for (size_t k = i; k < j; k++)
			strcat(strcat(ctx, k > i ? " " : ""), words[p[k].context]);
		vs_result_str(r, 0, words[p[i].center]);
		vs_result_str(r, 1, ctx);
		free(ctx);
	}
	if (cbow)
		vs_result_note(r, "CBOW: the mean of the context words' vectors predicts the center (up to %d each side; "
		                  "word2vec shrinks the window at random for each center)",
		               window);
	else
		vs_result_note(r, "skip-gram: each center predicts each context word; p is the chance the pair is drawn, "
		                  "(%d - |offset| + 1) / %d, as word2vec shrinks the window at random",
		               window, window);
	return r;
}

static int cmd_windows_exec(vs_session *s, vs_args *a)
{
	size_t window = 5;
	if (vs_arg_size(s, a, "--window", 5, &window) < 0)
		return -1;
	if (window < 1 || window > 100)
		return vs_session_error(s, "windows: --window takes 1 to 100 words, not %zu", window);
	const char *v = vs_arg_opt(a, "--model");
	int cbow = v && strcmp(v, "cbow") == 0;
	double sample = 0;
	if ((v = vs_arg_opt(a, "--sample"))) {
		char *end;
		sample = strtod(v, &end);
		if (!*v || *end || !(sample > 0 && sample < 1))
			return vs_session_error(s, "windows: --sample takes a threshold between 0 and 1 (1e-3, 1e-5), not '%s'", v);
	} else if (vs_arg_opt(a, "--counts")) {
		return vs_session_error(s, "windows: --counts gives the counts --sample needs: give --sample too");
	}
	char *text = vs_join_args(a->argc, a->argv), **words = NULL;
	size_t n = 0, np = 0;
	vs_window_pair *pairs = NULL;
	vs_error err;
	int rc = !text ? vs_session_oom(s) : 0;
	if (rc == 0 && vs_split_words(text, &words, &n, &err) < 0)
		rc = vs_session_error(s, "windows: %s", err.msg);
	if (rc == 0 && n < 2)
		rc = vs_session_error(s, "windows: a sentence of %zu word%s has no pairs: give two or more", n,
		                      n == 1 ? "" : "s");
	if (rc == 0 && sample > 0)
		rc = show_keep(s, a, words, &n, sample);
	if (rc == 0 && vs_window_pairs(n, (int)window, &pairs, &np, &err) < 0)
		rc = vs_session_error(s, "windows: %s", err.msg);
	if (rc == 0) {
		vs_result *r = pairs_result(words, pairs, np, cbow, (int)window);
		if (r)
			vs_session_show(s, r);
		else
			rc = vs_session_oom(s);
	}
	free(text), free(pairs);
	vs_free_split(words, n);
	return rc;
}

static const vs_option cmd_windows_options[] = {
	{"--window", "N", "words each side of the center (default 5, word2vec's and gensim's)", VS_COMPLETE_NONE, NULL},
	{"--model", "skipgram|cbow", "pairs (skip-gram, default) or context -> center (CBOW)", VS_COMPLETE_CHOICE, models},
	{"--sample", "T", "each word's chance of being kept by word2vec's subsampling", VS_COMPLETE_NONE, NULL},
	{"--counts", "INDEX|FILE", "with --sample: word counts of an index, or a 'word count' file", VS_COMPLETE_FILE, NULL},
	{0},
};

const vs_cmd_entry cmd_windows_entry = {
	.name = "windows",
	.usage = "TEXT... [--window N] [--model skipgram|cbow] [--sample T [--counts INDEX|FILE]]",
	.summary = "the (center, context) examples word2vec learns from a sentence",
	.help = "The words are split on white space, as word2vec and gensim's LineSentence\n"
	        "split them (no case folding). Skip-gram: each word predicts each word within\n"
	        "N of it, with the chance the pair is drawn, as word2vec shrinks the window at\n"
	        "random for each center. CBOW: the context words together predict the center.\n"
	        "--sample shows word2vec's subsampling of frequent words: each word's chance\n"
	        "of being kept, (sqrt(c / (T t)) + 1) (T t) / c for a word counted c times\n"
	        "among t, with the counts of an index, of a vocabulary file (word2vec\n"
	        "-save-vocab's 'word count' lines) or, without --counts, of the text itself.",
	.example = "windows the quick brown fox jumps --window 2\nwindows the quick brown fox --model cbow --window 1",
	.min_args = 1,
	.max_args = -1,
	.options = cmd_windows_options,
	.exec = cmd_windows_exec,
};
