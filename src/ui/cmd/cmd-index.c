/* index: build a TF-IDF index over files and folders; index add and index
 * remove: documents in and out, as if built from scratch. */
#include <fnmatch.h>
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

static const char writing[] = "writing the index";

/* --to: the passes over the postings after the files were read, the line's
 * time left from their start (the command's own time is kept apart). */
static void writing_progress(void *ctx, double done)
{
	vs_progress *p = ctx;
	if (p->what != writing) {
		p->what = writing;
		clock_gettime(CLOCK_MONOTONIC, &p->start);
	}
	vs_progress_update(p, done);
}

/* The progress line on a terminal, the command's time (from began) and the
 * peak memory measured from here. */
static void start_progress(vs_session *s, vs_progress *p, const char *what, vs_index_options *o,
                           struct timespec *began)
{
	clock_gettime(CLOCK_MONOTONIC, began);
	vs_progress_start(p, s, what);
	o->progress = vs_progress_files;
	o->progress_writing = writing_progress;
	o->progress_ctx = p;
	vs_peak_resident_reset();
}

static double finish_progress(vs_progress *p, const struct timespec *began)
{
	vs_progress_end(p);
	return vs_seconds_since(began);
}

static void warn_skipped(vs_session *s, const char *cmd, const vs_index_report *rep)
{
	if (rep->skipped_binary || rep->skipped_unreadable) {
		char named[900] = "";
		size_t shown = 0;
		for (size_t i = 0; i < 3 && i < rep->skipped_unreadable; i++)
			if (rep->unreadable[i][0]) {
				size_t o = strlen(named);
				snprintf(named + o, sizeof named - o, "%s%s", shown++ ? ", " : ": ", rep->unreadable[i]);
			}
		if (shown && rep->skipped_unreadable > shown) {
			size_t o = strlen(named);
			snprintf(named + o, sizeof named - o, " and %zu more", rep->skipped_unreadable - shown);
		}
		vs_session_warn(s, "%s: skipped %zu binary and %zu unreadable files%s", cmd, rep->skipped_binary,
		                rep->skipped_unreadable, named);
	}
	if (rep->invalid_utf8_docs)
		vs_session_warn(s, "%s: %zu document%s had invalid UTF-8, replaced with U+FFFD", cmd,
		                rep->invalid_utf8_docs, rep->invalid_utf8_docs == 1 ? "" : "s");
}

/* --to FILE and --memory SIZE, as index takes them; -1 when wrong. */
static int file_options(vs_session *s, vs_args *a, const char *cmd, int typed, const char **to, size_t *memory)
{
	*to = vs_arg_opt(a, "--to");
	if (vs_arg_bytes(s, a, "--memory", (size_t)256 << 20, memory) < 0)
		return -1;
	if (vs_arg_opt(a, "--memory") && !*to)
		return vs_session_error(s, "%s: --memory bounds a build written to a file: give --to FILE", cmd);
	if (*to && typed)
		return vs_session_error(s, "%s: --to builds an index of files into its file: typed texts are indexed in "
		                           "memory (save the index after)", cmd);
	return 0;
}

/* The index over the texts typed after --text, or over standard input ('-'):
 * a new one, or (index add) old with them added. */
static vs_index *build_from_texts(vs_session *s, vs_args *a, const vs_index *old, const vs_index_options *o,
                                  vs_index_report *rep, vs_error *err, int *reported)
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
			ix = old ? vs_index_grow(old, NULL, NULL, 0, src, n, o, rep, err)
			         : vs_index_build_texts(src, n, o, rep, err);
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
	o.strict = vs_arg_flag(a, "--strict");
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
	const char *to;
	size_t memory;
	if (file_options(s, a, "index", typed, &to, &memory) < 0)
		return -1;
	vs_progress p;
	struct timespec began;
	start_progress(s, &p, "indexing", &o, &began);
	vs_index_report rep;
	vs_error err;
	int reported = 0;
	const char *const *paths = (const char *const *)a->argv + 1;
	vs_index *ix = typed ? build_from_texts(s, a, NULL, &o, &rep, &err, &reported)
	               : to  ? vs_index_build_to(paths, (size_t)a->argc - 1, &o, to, memory, &rep, &err)
	                     : vs_index_build(paths, (size_t)a->argc - 1, &o, &rep, &err);
	double secs = finish_progress(&p, &began);
	if (!ix)
		return reported ? -1 : vs_session_error(s, "index: %s", err.msg);
	size_t srclen = to ? strlen(to) + 1 : 1;
	for (int i = 1; !to && i < a->argc; i++)
		srclen += strlen(a->argv[i]) + 1;
	if (replace) /* the old index goes only once the new one is built */
		vs_session_remove(s, name);
	ix->name = strdup(name);
	ix->unsaved = !to; /* --to: the index is its file, mapped */
	ix->source = malloc(srclen);
	if (!ix->name || !ix->source || vs_session_add_index(s, ix) < 0) {
		vs_index_free(ix);
		return vs_session_oom(s);
	}
	ix->source[0] = '\0';
	if (to)
		strcpy(ix->source, to);
	for (int i = 1; !to && i < a->argc; i++) {
		if (i > 1)
			strcat(ix->source, " ");
		strcat(ix->source, a->argv[i]);
	}
	warn_skipped(s, "index", &rep);
	vs_session_info(s, "indexed %s%s%s: %u document%s, %u term%s, %.1f MB in %.2f s (%.0f MB/s), peak memory %.0f MB",
	                name, to ? " into " : "", to ? to : "", ix->ndocs, ix->ndocs == 1 ? "" : "s", ix->nterms,
	                ix->nterms == 1 ? "" : "s", (double)rep.bytes / 1e6, secs,
	                secs > 0 ? (double)rep.bytes / 1e6 / secs : 0.0,
	                (double)(to ? rep.peak_build : vs_peak_resident()) / 1e6);
	return 0;
}

/* ---- index add, index remove ---- */

static vs_index *index_named(vs_session *s, const char *cmd, const char *name)
{
	vs_index *ix = vs_session_find_index(s, name);
	if (!ix)
		vs_session_error(s, "%s: no index named '%s'", cmd, name);
	else if (ix->raw_missing)
		vs_session_error(s, "%s: %s was saved by an older vecsh without the terms its options drop: build it "
		                    "again (index %s ... --replace) to add or remove documents", cmd, name, name);
	return ix && !ix->raw_missing ? ix : NULL;
}

/* ix takes old's place in the session, with its name and (extra appended)
 * sources, or (built into a file) the file's name. */
static int put_in_place(vs_session *s, vs_index *old, vs_index *ix, const char *extra, const char *to)
{
	ix->name = strdup(old->name);
	ix->source = to ? strdup(to) : malloc(strlen(old->source ? old->source : "") + strlen(extra) + 2);
	if (!ix->name || !ix->source) {
		vs_index_free(ix);
		return vs_session_oom(s);
	}
	if (!to)
		sprintf(ix->source, "%s%s%s", old->source ? old->source : "", *extra && old->source ? " " : "", extra);
	ix->unsaved = !to;
	vs_session_swap_index(s, old, ix);
	return 0;
}


static int cmd_index_add_exec(vs_session *s, vs_args *a)
{
	vs_index *old = index_named(s, "index add", a->argv[0]);
	if (!old)
		return -1;
	int typed = vs_arg_flag(a, "--text") || (a->argc == 2 && strcmp(a->argv[1], "-") == 0);
	if (typed != (old->doc_source != NULL))
		return vs_session_error(s, old->doc_source ? "index add: %s is an index of typed texts: add texts with "
		                                             "--text or '-'"
		                                           : "index add: %s is an index of files: give files and folders",
		                        old->name);
	if (!typed && vs_arg_opt(a, "--names"))
		return vs_session_error(s, "index add: --names names typed texts: give it with --text or '-'");
	const char *to;
	size_t memory;
	if (file_options(s, a, "index add", typed, &to, &memory) < 0)
		return -1;
	vs_index_options o;
	vs_index_options_default(&o);
	o.strict = vs_arg_flag(a, "--strict");
	vs_progress p;
	struct timespec began;
	start_progress(s, &p, "indexing", &o, &began);
	vs_index_report rep;
	vs_error err;
	int reported = 0;
	const char *const *paths = (const char *const *)a->argv + 1;
	vs_index *ix = typed ? build_from_texts(s, a, old, &o, &rep, &err, &reported)
	               : to  ? vs_index_grow_to(old, NULL, paths, (size_t)a->argc - 1, &o, to, memory, &rep, &err)
	                     : vs_index_grow(old, NULL, paths, (size_t)a->argc - 1, NULL, 0, &o, &rep, &err);
	double secs = finish_progress(&p, &began);
	if (!ix)
		return reported ? -1 : vs_session_error(s, "index add: %s", err.msg);
	size_t added = ix->ndocs - old->ndocs, extra_len = 1;
	for (int i = 1; i < a->argc; i++)
		extra_len += strlen(a->argv[i]) + 1;
	char *extra = malloc(extra_len);
	if (!extra) {
		vs_index_free(ix);
		return vs_session_oom(s);
	}
	extra[0] = '\0';
	for (int i = 1; !typed && i < a->argc; i++)
		strcat(strcat(extra, i > 1 ? " " : ""), a->argv[i]);
	warn_skipped(s, "index add", &rep);
	char name[256];
	snprintf(name, sizeof name, "%s", old->name);
	int rc = put_in_place(s, old, ix, extra, to);
	free(extra);
	if (rc == 0)
		vs_session_info(s, "added %zu document%s to %s: %u documents, %u terms, %.1f MB in %.2f s", added,
		                added == 1 ? "" : "s", name, ix->ndocs, ix->nterms, (double)rep.bytes / 1e6, secs);
	return rc;
}

/* Mark the documents a reference names: a number, a name or unique start of
 * one, a file name without its folders, or a pattern (of names or file names). */
static int mark_documents(vs_session *s, vs_index *ix, const char *ref, unsigned char *drop)
{
	if (strpbrk(ref, "*?[")) {
		size_t n = 0;
		for (uint32_t d = 0; d < ix->ndocs; d++)
			if (fnmatch(ref, ix->doc_names[d], 0) == 0 || fnmatch(ref, vs_doc_file_name(ix->doc_names[d]), 0) == 0)
				drop[d] = 1, n++;
		return n ? 0 : vs_session_error(s, "index remove: no document of %s matches '%s'", ix->name, ref);
	}
	long d = vs_index_doc(ix, ref);
	if (d == -2)
		return vs_session_error(s, "index remove: '%s' names more than one document of %s: give more of it", ref,
		                        ix->name);
	if (d < 0)
		return vs_session_error(s, "index remove: %s has no document '%s'", ix->name, ref);
	drop[d] = 1;
	return 0;
}

static int cmd_index_remove_exec(vs_session *s, vs_args *a)
{
	vs_index *old = index_named(s, "index remove", a->argv[0]);
	if (!old)
		return -1;
	const char *to;
	size_t memory;
	if (file_options(s, a, "index remove", 0, &to, &memory) < 0)
		return -1;
	unsigned char *drop = calloc(old->ndocs, 1);
	if (!drop)
		return vs_session_oom(s);
	for (int i = 1; i < a->argc; i++)
		if (mark_documents(s, old, a->argv[i], drop) < 0) {
			free(drop);
			return -1;
		}
	size_t gone = 0;
	for (uint32_t d = 0; d < old->ndocs; d++)
		gone += drop[d];
	if (gone == old->ndocs) {
		free(drop);
		return vs_session_error(s, "index remove: that is every document of %s: unload it instead", old->name);
	}
	vs_index_options o;
	vs_index_options_default(&o);
	vs_progress p;
	struct timespec began;
	start_progress(s, &p, "indexing", &o, &began);
	vs_error err;
	vs_index *ix = to ? vs_index_grow_to(old, drop, NULL, 0, &o, to, memory, NULL, &err)
	                  : vs_index_grow(old, drop, NULL, 0, NULL, 0, &o, NULL, &err);
	finish_progress(&p, &began);
	free(drop);
	if (!ix)
		return vs_session_error(s, "index remove: %s", err.msg);
	char name[256];
	snprintf(name, sizeof name, "%s", old->name);
	if (put_in_place(s, old, ix, "", to) < 0)
		return -1;
	vs_session_info(s, "removed %zu document%s from %s: %u documents, %u terms left", gone, gone == 1 ? "" : "s",
	                name, ix->ndocs, ix->nterms);
	return 0;
}

static const vs_option cmd_index_add_options[] = {
	{"--text", NULL, "the arguments are texts to add (an index of typed texts)", VS_COMPLETE_NONE, NULL},
	{"--names", "A,B,...", "names of the typed texts (default d1, d2, ...)", VS_COMPLETE_NONE, NULL},
	{"--strict", NULL, "refuse a file with invalid UTF-8 (else it becomes U+FFFD)", VS_COMPLETE_NONE, NULL},
	{"--to", "FILE", "build into an index file, postings kept on disk (as index --to)", VS_COMPLETE_FILE, NULL},
	{"--memory", "SIZE", "with --to: the inverted postings made SIZE at a time (default 256M)", VS_COMPLETE_NONE,
	 NULL},
	{0},
};

static const vs_option cmd_index_remove_options[] = {
	{"--to", "FILE", "build into an index file, postings kept on disk (as index --to)", VS_COMPLETE_FILE, NULL},
	{"--memory", "SIZE", "with --to: the inverted postings made SIZE at a time (default 256M)", VS_COMPLETE_NONE,
	 NULL},
	{0},
};

static const vs_cmd_entry cmd_index_add_entry = {
	.name = "add",
	.usage = "NAME PATH...|-|--text TEXT... [--names A,B,...] [--strict] [--to FILE [--memory SIZE]]",
	.summary = "add documents to an index, as if it were built again over them all",
	.help = "The files and folders (or, for an index of typed texts, the texts) are read\n"
	        "and indexed with the index's own options; its old documents are not read\n"
	        "again. The result is the index that building it from scratch over the old\n"
	        "documents and then the new would give: the same vocabulary, document\n"
	        "frequencies, idf and weights (terms that min_df, max_df or max_features had\n"
	        "dropped come back when the new documents bring them over the line). A\n"
	        "document already in the index is refused: remove it first. Save the index to\n"
	        "keep the change, or give --to FILE to build it straight into FILE as index\n"
	        "--to does (the old documents' postings read from the old index, which may be\n"
	        "FILE itself: it is replaced once the new one is whole).",
	.example = "index licences /usr/share/common-licenses/GPL-3 /usr/share/common-licenses/LGPL-3 --min-df 2\n"
	           "index add licences /usr/share/common-licenses/Apache-2.0\n"
	           "index add toy --text \"a bird sang\" --names bird\n"
	           "index add big /usr/share/common-licenses/MPL-2.0 --to /tmp/vecsh-licences.vsix",
	.min_args = 2,
	.max_args = -1,
	.args_complete = VS_COMPLETE_FILE,
	.options = cmd_index_add_options,
	.exec = cmd_index_add_exec,
};

static const vs_cmd_entry cmd_index_remove_entry = {
	.name = "remove",
	.usage = "NAME DOC... [--to FILE [--memory SIZE]]",
	.summary = "remove documents from an index, as if it were built again without them",
	.help = "Each DOC is a document's number, its name or the start of one, its file\n"
	        "name without the folders, or a pattern (* ? [...], as the shell matches\n"
	        "names: 'notes.txt:*' is every line of notes.txt). The index is weighed\n"
	        "again as if built without them; no file is read. Save the index to keep\n"
	        "the change, or give --to FILE to build it straight into FILE (as index add).",
	.example = "index remove licences GPL-3\nindex remove licences 'LGPL*' 3\n"
	           "index remove big MPL-2.0 --to /tmp/vecsh-licences.vsix",
	.min_args = 2,
	.max_args = -1,
	.options = cmd_index_remove_options,
	.exec = cmd_index_remove_exec,
};

static const vs_cmd_entry *const index_subcommands[] = {&cmd_index_add_entry, &cmd_index_remove_entry, NULL};

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
	{"--strict", NULL, "refuse a file with invalid UTF-8 (else it becomes U+FFFD)", VS_COMPLETE_NONE, NULL},
	{"--to", "FILE", "build into an index file, postings kept on disk (a corpus larger than memory)",
	 VS_COMPLETE_FILE, NULL},
	{"--memory", "SIZE", "with --to: the inverted postings made SIZE at a time (default 256M)", VS_COMPLETE_NONE,
	 NULL},
	{0},
};

const vs_cmd_entry cmd_index_entry = {
	.name = "index",
	.usage = "NAME PATH...|-|--text TEXT... [--names A,B,...] [--lines] [--ngram MIN-MAX] [--min-df N|F]\n"
	         "       [--max-df N|F] [--max-features N] [--stopwords english|FILE|none] [--sublinear] [--binary]\n"
	         "       [--no-idf] [--no-smooth] [--norm l2|l1|none] [--hash BITS] [--replace] [--strict]\n"
	         "       [--to FILE [--memory SIZE]]",
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
	        "-c. The texts are kept in the index, and saved with it.\n"
	        "A corpus larger than memory: --to FILE writes the index straight into FILE\n"
	        "(what save would write) as it is built. Each thread's postings go to a\n"
	        "temporary file beside FILE as the documents are read and are read back in\n"
	        "passes; the inverted postings are made --memory at a time (default 256M),\n"
	        "so memory holds the vocabulary and the documents' names but no postings.\n"
	        "FILE appears whole or not at all; the index is then FILE, mapped (as load\n"
	        "gives it), and the peak memory reported is the build's.\n"
	        "index add and index remove change an index as if it were built again; an\n"
	        "index cannot be called add or remove.",
	.example = "index licences /usr/share/common-licenses\nindex lines notes.txt --lines --stopwords english\n"
	           "index toy --text \"the cat sat on the mat\" \"the dog sat\" --names cat,dog\n"
	           "index big /usr/share/common-licenses --to /tmp/vecsh-licences.vsix --memory 64M",
	.min_args = 2,
	.max_args = -1,
	.args_complete = VS_COMPLETE_FILE,
	.options = cmd_index_options,
	.subcommands = index_subcommands,
	.exec = cmd_index_exec,
};
