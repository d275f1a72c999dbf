/* index: build a TF-IDF index over files and folders. */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ui/ui.h"
#include "text/text.h"

static const char *const norms[] = {"l2", "l1", "none", NULL};

/* "5" is a count, "0.5" or "1.0" a proportion, as scikit-learn reads them */
static int parse_df(vs_session *s, const char *opt, const char *v, double *out, int *is_prop)
{
	char *end;
	double x = strtod(v, &end);
	if (!*v || *end || x < 0) {
		return vs_session_error(s, "index: %s takes a count (5) or a proportion (0.5), not '%s'", opt, v);
	}
	*is_prop = strchr(v, '.') != NULL || strchr(v, 'e') != NULL;
	if (*is_prop && x > 1)
		return vs_session_error(s, "index: %s as a proportion must be at most 1.0, not '%s'", opt, v);
	if (!*is_prop && x != (double)(long long)x)
		return vs_session_error(s, "index: %s must be a whole count or a proportion, not '%s'", opt, v);
	*out = x;
	return 0;
}

typedef struct progress {
	vs_session *s;
	struct timespec start;
	int shown;
} progress;

static void show_progress(void *ctx, size_t docs, size_t bytes)
{
	progress *p = ctx;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	double el = (double)(t.tv_sec - p->start.tv_sec) + (double)(t.tv_nsec - p->start.tv_nsec) / 1e9;
	if (el < 1.0 && !p->shown)
		return;
	fprintf(p->s->msg, "\rindexing: %zu files, %.1f MB, %.1f s", docs, (double)bytes / 1e6, el);
	fflush(p->s->msg);
	p->shown = 1;
}

/* --names a,b,c: one name for each text; else d1, d2, ... (or "stdin") */
static int text_names(vs_session *s, vs_args *a, vs_text_source *src, size_t n, char **own)
{
	const char *v = vs_arg_opt(a, "--names");
	if (!v) {
		for (size_t i = 0; i < n; i++) {
			char buf[32];
			snprintf(buf, sizeof buf, "d%zu", i + 1);
			if (!(own[i] = strdup(buf)))
				return vs_session_oom(s);
			src[i].name = own[i];
		}
		return 0;
	}
	size_t count = 1;
	for (const char *p = v; *p; p++)
		count += *p == ',';
	if (count != n)
		return vs_session_error(s, "index: --names gives %zu name%s for %zu text%s: give one for each, by commas",
		                        count, count == 1 ? "" : "s", n, n == 1 ? "" : "s");
	const char *p = v;
	for (size_t i = 0; i < n; i++) {
		size_t l = strcspn(p, ",");
		if (l == 0)
			return vs_session_error(s, "index: --names has an empty name in '%s'", v);
		if (!(own[i] = strndup(p, l)))
			return vs_session_oom(s);
		src[i].name = own[i];
		p += l + (p[l] == ',');
	}
	for (size_t x = 0; x < n; x++)
		for (size_t y = x + 1; y < n; y++)
			if (strcmp(src[x].name, src[y].name) == 0)
				return vs_session_error(s, "index: --names gives '%s' twice", src[x].name);
	return 0;
}

/* The index over the texts typed after --text, or over standard input ('-'). */
static vs_index *build_from_texts(vs_session *s, vs_args *a, const vs_index_options *o, vs_index_report *rep,
                                  vs_error *err, int *reported)
{
	int from_stdin = !vs_arg_flag(a, "--text");
	size_t n = from_stdin ? 1 : (size_t)a->argc - 1;
	vs_text_source *src = calloc(n, sizeof *src);
	char **own = calloc(n, sizeof *own);
	char *data = NULL;
	vs_index *ix = NULL;
	*reported = 1;
	if (!src || !own) {
		vs_session_oom(s);
	} else if (text_names(s, a, src, n, own) == 0) {
		if (from_stdin) {
			size_t len;
			if ((data = vs_session_read_data(s, "index", &len))) {
				if (!vs_arg_opt(a, "--names"))
					src[0].name = "stdin";
				src[0].text = data;
				src[0].len = len;
			}
		} else {
			for (size_t i = 0; i < n; i++) {
				src[i].text = a->argv[i + 1];
				src[i].len = strlen(a->argv[i + 1]);
			}
		}
		if (!from_stdin || data) {
			*reported = 0;
			ix = vs_index_build_texts(src, n, o, rep, err);
		}
	}
	for (size_t i = 0; own && i < n; i++)
		free(own[i]);
	free(own), free(src), free(data);
	return ix;
}

static int cmd_index_exec(vs_session *s, vs_args *a)
{
	const char *name = a->argv[0];
	if (strpbrk(name, " \t") || !*name)
		return vs_session_error(s, "index: '%s' is not a valid name", name);
	int replace = vs_arg_flag(a, "--replace");
	if (vs_session_name_taken(s, name) && !(replace && vs_session_find_index(s, name)))
		return vs_session_error(s, "index: the name '%s' is taken%s", name,
		                        vs_session_find_index(s, name) ? " by an index: give --replace to build it again"
		                                                       : " (unload it first)");
	vs_index_options o;
	vs_index_options_default(&o);
	o.lines = vs_arg_flag(a, "--lines");
	o.sublinear = vs_arg_flag(a, "--sublinear");
	o.no_smooth = vs_arg_flag(a, "--no-smooth");
	o.no_idf = vs_arg_flag(a, "--no-idf");
	o.binary = vs_arg_flag(a, "--binary");
	int typed = vs_arg_flag(a, "--text") || (a->argc == 2 && strcmp(a->argv[1], "-") == 0);
	if (!typed && vs_arg_opt(a, "--names"))
		return vs_session_error(s, "index: --names names typed texts: give it with --text or '-'");
	for (int i = 1; !typed && i < a->argc; i++)
		if (strcmp(a->argv[i], "-") == 0)
			return vs_session_error(s, "index: '-' (standard input) is the only source when given");
	const char *v;
	if ((v = vs_arg_opt(a, "--ngram")) && vs_parse_ngram(s, "index", v, &o.ngram_min, &o.ngram_max) < 0)
		return -1;
	if ((v = vs_arg_opt(a, "--min-df")) && parse_df(s, "--min-df", v, &o.min_df, &o.min_df_is_prop) < 0)
		return -1;
	if ((v = vs_arg_opt(a, "--max-df")) && parse_df(s, "--max-df", v, &o.max_df, &o.max_df_is_prop) < 0)
		return -1;
	if (vs_arg_size(s, a, "--max-features", 0, &o.max_features) < 0)
		return -1;
	if ((v = vs_arg_opt(a, "--stopwords"))) {
		if (strcmp(v, "english") == 0)
			o.stopwords = 1;
		else if (strcmp(v, "none") != 0) {
			o.stopwords = 2;
			o.stopwords_file = v;
		}
	}
	if ((v = vs_arg_opt(a, "--norm")))
		o.norm = strcmp(v, "l1") == 0 ? VS_NORM_L1 : strcmp(v, "none") == 0 ? VS_NORM_NONE : VS_NORM_L2;
	if ((v = vs_arg_opt(a, "--hash")) && vs_parse_bits(s, "index", "--hash", v, 28, &o.hash_bits) < 0)
		return -1;
	if (o.hash_bits && (vs_arg_opt(a, "--min-df") || vs_arg_opt(a, "--max-df") || o.max_features))
		return vs_session_error(s, "index: --hash has no vocabulary to prune: it takes no --min-df, --max-df or "
		                           "--max-features");
	progress p = {.s = s};
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	if (s->interactive && isatty(fileno(s->msg))) {
		o.progress = show_progress;
		o.progress_ctx = &p;
	}
	vs_index_report rep;
	vs_error err;
	int reported = 0;
	vs_index *ix = typed ? build_from_texts(s, a, &o, &rep, &err, &reported)
	                     : vs_index_build((const char *const *)a->argv + 1, (size_t)a->argc - 1, &o, &rep, &err);
	if (p.shown)
		fprintf(s->msg, "\r\033[K");
	if (!ix)
		return reported ? -1 : vs_session_error(s, "index: %s", err.msg);
	size_t srclen = 1;
	for (int i = 1; i < a->argc; i++)
		srclen += strlen(a->argv[i]) + 1;
	if (replace) /* the old index goes only once the new one is built */
		vs_session_remove(s, name);
	ix->name = strdup(name);
	ix->unsaved = 1;
	ix->source = malloc(srclen);
	if (!ix->name || !ix->source || vs_session_add_index(s, ix) < 0) {
		vs_index_free(ix);
		return vs_session_oom(s);
	}
	ix->source[0] = '\0';
	for (int i = 1; i < a->argc; i++) {
		if (i > 1)
			strcat(ix->source, " ");
		strcat(ix->source, a->argv[i]);
	}
	if (rep.skipped_binary || rep.skipped_unreadable)
		vs_session_warn(s, "index: skipped %zu binary and %zu unreadable files", rep.skipped_binary,
		                rep.skipped_unreadable);
	if (rep.invalid_utf8_docs)
		vs_session_warn(s, "index: %zu document%s had invalid UTF-8, replaced with U+FFFD", rep.invalid_utf8_docs,
		                rep.invalid_utf8_docs == 1 ? "" : "s");
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	vs_session_info(s, "indexed %s: %u document%s, %u term%s, %.1f MB in %.2f s", name, ix->ndocs,
	                ix->ndocs == 1 ? "" : "s", ix->nterms, ix->nterms == 1 ? "" : "s",
	                (double)rep.bytes / 1e6,
	                (double)(t.tv_sec - p.start.tv_sec) + (double)(t.tv_nsec - p.start.tv_nsec) / 1e9);
	return 0;
}

static const char *const stopword_choices[] = {"english", "none", NULL};

static const vs_option cmd_index_options[] = {
	{"--lines", NULL, "one document per line of each file (named file:line)", VS_COMPLETE_NONE, NULL},
	{"--ngram", "MIN-MAX", "word n-grams, e.g. 1-2 (default 1-1)", VS_COMPLETE_NONE, NULL},
	{"--min-df", "N|F", "drop terms in fewer documents (count, or proportion with a decimal point)",
	 VS_COMPLETE_NONE, NULL},
	{"--max-df", "N|F", "drop terms in more documents (default 1.0)", VS_COMPLETE_NONE, NULL},
	{"--max-features", "N", "keep the N most frequent terms", VS_COMPLETE_NONE, NULL},
	{"--stopwords", "english|FILE|none", "remove stop words (default none)", VS_COMPLETE_FILE, stopword_choices},
	{"--sublinear", NULL, "tf = 1 + ln(tf)", VS_COMPLETE_NONE, NULL},
	{"--binary", NULL, "tf = 1 for every term a document has (binary=True)", VS_COMPLETE_NONE, NULL},
	{"--no-idf", NULL, "weights are tf alone (use_idf=False)", VS_COMPLETE_NONE, NULL},
	{"--text", NULL, "the arguments are texts to index, not paths", VS_COMPLETE_NONE, NULL},
	{"--names", "A,B,...", "names of the typed texts (default d1, d2, ...)", VS_COMPLETE_NONE, NULL},
	{"--no-smooth", NULL, "idf = ln(n / df) + 1 instead of ln((1 + n) / (1 + df)) + 1", VS_COMPLETE_NONE, NULL},
	{"--norm", "l2|l1|none", "document normalisation (default l2)", VS_COMPLETE_CHOICE, norms},
	{"--hash", "BITS", "the hashing trick: 2^BITS buckets instead of a vocabulary", VS_COMPLETE_NONE, NULL},
	{"--replace", NULL, "build again over an index of the same name", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_index_entry = {
	.name = "index",
	.usage = "NAME PATH...|-|--text TEXT... [--names A,B,...] [--lines] [--ngram MIN-MAX] [--min-df N|F]\n"
	         "       [--max-df N|F] [--max-features N] [--stopwords english|FILE|none] [--sublinear] [--binary]\n"
	         "       [--no-idf] [--no-smooth] [--norm l2|l1|none] [--hash BITS] [--replace]",
	.summary = "build a TF-IDF index over files and folders",
	.help = "Each file is a document (folders are walked, documents named by their path\n"
	        "relative to the folder), or with --lines each non-blank line. Terms are\n"
	        "scikit-learn's: lowercased runs of two or more letters, digits or underscores\n"
	        "(Unicode), with runs of Chinese, Japanese and Korean characters as bigrams.\n"
	        "Weights are TfidfVectorizer's: tf x idf, idf = ln((1 + n) / (1 + df)) + 1,\n"
	        "each document normalised. .gz files are read through zlib; binary and\n"
	        "unreadable files are skipped and counted. --binary and --no-idf are\n"
	        "binary=True and use_idf=False: with both and --norm none, the weights are\n"
	        "CountVectorizer(binary=True)'s.\n"
	        "Toy corpora: --text indexes the arguments themselves (documents d1, d2, ...\n"
	        "or --names); '-' reads the lines that follow the command, up to a line \\.\n"
	        "(in a script or at the prompt, as psql's COPY does), or standard input with\n"
	        "-c. The texts are kept in the index, and saved with it.",
	.example = "index licences /usr/share/common-licenses\nindex lines notes.txt --lines --stopwords english\n"
	           "index toy --text \"the cat sat on the mat\" \"the dog sat\" --names cat,dog",
	.min_args = 2,
	.max_args = -1,
	.args_complete = VS_COMPLETE_FILE,
	.options = cmd_index_options,
	.exec = cmd_index_exec,
};
