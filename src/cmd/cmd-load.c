/* load: read a vector file into a new set. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd-common.h"
#include "vecsh/vecio.h"

typedef struct progress {
	struct timespec start;
	int shown;
	FILE *out;
} progress;

static double since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void show_progress(void *ctx, double done)
{
	progress *p = ctx;
	double el = since(&p->start);
	if (el < 1.0 && !p->shown)
		return;
	int width = 30, fill = (int)(done * width + 0.5);
	if (fill > width)
		fill = width;
	fprintf(p->out, "\rloading [%.*s%*s] %3d%%  %.1f s", fill, "==============================", width - fill, "",
	        (int)(done * 100), el);
	fflush(p->out);
	p->shown = 1;
}

/* "glove.6B.100d.txt.gz" -> "glove.6B.100d" */
static void default_name(const char *path, char *out, size_t size)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	snprintf(out, size, "%s", b);
	static const char *const ext[] = {".gz", ".txt", ".vec", ".bin", ".vecs", ".w2v", ".vsix", NULL};
	for (int again = 1; again;) {
		again = 0;
		for (int i = 0; ext[i]; i++) {
			size_t n = strlen(out), e = strlen(ext[i]);
			if (n > e && strcmp(out + n - e, ext[i]) == 0) {
				out[n - e] = '\0';
				again = 1;
			}
		}
	}
	for (char *p = out; *p; p++)
		if (*p == ' ' || *p == '\t')
			*p = '_';
}

int vs_load_into_session(vs_session *s, const char *path, const char *name, int fmt, size_t limit, int strict)
{
	return vs_load_into_session_labels(s, path, name, fmt, limit, strict, NULL);
}

int vs_load_into_session_labels(vs_session *s, const char *path, const char *name, int fmt, size_t limit, int strict,
                                const char *labels)
{
	char nm[256];
	if (name) {
		if (!*name || strpbrk(name, " \t"))
			return vs_session_error(s, "load: '%s' is not a valid set name", name);
		if (vs_session_name_taken(s, name))
			return vs_session_error(s, "load: a set named '%s' is loaded already (unload it first)", name);
		snprintf(nm, sizeof nm, "%s", name);
	} else {
		char base[200];
		default_name(path, base, sizeof base);
		snprintf(nm, sizeof nm, "%s", base);
		for (int i = 2; vs_session_name_taken(s, nm); i++)
			snprintf(nm, sizeof nm, "%s-%d", base, i);
	}
	progress p = {.out = s->msg};
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	if ((fmt == VS_FMT_AUTO) && vs_index_file_magic(path)) {
		vs_error ierr;
		vs_index *ix = vs_index_open(path, &ierr);
		if (!ix)
			return vs_session_error(s, "%s", ierr.msg);
		ix->name = strdup(nm);
		ix->source = strdup(path);
		if (!ix->name || !ix->source || vs_session_add_index(s, ix) < 0) {
			vs_index_free(ix);
			return vs_session_error(s, "out of memory");
		}
		vs_session_info(s, "loaded index %s: %u documents, %u terms in %.3f s", nm, ix->ndocs, ix->nterms,
		                since(&p.start));
		return 0;
	}
	vs_load_options opt = {.format = (vs_format)fmt, .limit = limit, .strict = strict, .labels = labels};
	if (s->interactive && isatty(fileno(s->msg))) {
		opt.progress = show_progress;
		opt.progress_ctx = &p;
	}
	vs_load_report rep;
	vs_error err;
	vs_vecset *set = vs_load(path, &opt, &rep, &err);
	if (p.shown)
		fprintf(s->msg, "\r\033[K");
	if (!set)
		return vs_session_error(s, "%s", err.msg);
	set->name = strdup(nm);
	if (!set->name || vs_session_add(s, set) < 0) {
		vs_vecset_free(set);
		return vs_session_error(s, "out of memory");
	}
	if (rep.invalid_utf8)
		vs_session_warn(s, "%s: %zu words had invalid UTF-8, replaced with U+FFFD (--strict refuses them)",
		                path, rep.invalid_utf8);
	if (rep.duplicates)
		vs_session_warn(s, "%s: %zu duplicate words ignored (the first occurrence is kept)", path, rep.duplicates);
	vs_session_info(s, "loaded %s: %zu words x %zu dims (%s%s) in %.2f s", nm, set->count, set->dims, rep.format,
	                rep.compressed ? ", gzip" : "", since(&p.start));
	return 0;
}

static int cmd_load_exec(vs_session *s, vs_args *a)
{
	const char *name = NULL;
	if (a->argc == 3) {
		if (strcmp(a->argv[1], "as") != 0)
			return vs_session_error(s, "load: expected 'as NAME' after the path, not '%s'", a->argv[1]);
		name = a->argv[2];
	} else if (a->argc != 1) {
		vs_session_error(s, "load: expected PATH [as NAME]");
		vs_command_usage(a->entry, s->msg);
		return -1;
	}
	vs_format fmt = VS_FMT_AUTO;
	const char *f = vs_arg_opt(a, "--format");
	if (f)
		vs_format_parse(f, &fmt); /* the choices were checked by the parser */
	size_t limit;
	if (vs_arg_size(s, a, "--limit", 0, &limit) < 0)
		return -1;
	return vs_load_into_session_labels(s, a->argv[0], name, (int)fmt, limit, vs_arg_flag(a, "--strict"),
	                                   vs_arg_opt(a, "--labels"));
}

static const vs_option cmd_load_options[] = {
	{"--format", "FORMAT", "auto (default), word2vec, word2vec-bin, glove, fasttext or vecs", VS_COMPLETE_CHOICE,
	 vs_vector_format_choices},
	{"--limit", "N", "keep only the first N words", VS_COMPLETE_NONE, NULL},
	{"--strict", NULL, "refuse words that are not valid UTF-8", VS_COMPLETE_NONE, NULL},
	{"--labels", "FILE", "for a numpy .npy matrix: its row names, one a line", VS_COMPLETE_FILE, NULL},
	{0},
};

const vs_cmd_entry cmd_load_entry = {
	.name = "load",
	.usage = "PATH [as NAME] [--format FORMAT] [--limit N] [--strict] [--labels FILE]",
	.summary = "load word vectors (word2vec, GloVe, fastText, .vecs; .gz too) or a saved index",
	.help = "The format is detected from the content: a 'count dims' header means word2vec\n"
	        "text or binary (fastText .vec is word2vec text), no header means GloVe, and\n"
	        "vecsh's own .vecs files are mapped. Gzip-compressed files are read as they are.\n"
	        "A TF-IDF index saved by 'save' is recognised by its magic bytes and mapped.\n"
	        "A numpy .npy matrix (float32 or float16, e.g. CLIP embeddings computed\n"
	        "elsewhere) loads with --labels FILE naming its rows.\n"
	        "The new set becomes the active one; its name is the file's, or NAME.",
	.example = "load examples/data/glove-demo.txt.gz as demo\nload vectors.bin --limit 100000",
	.min_args = 1,
	.max_args = 3,
	.args_complete = VS_COMPLETE_FILE,
	.options = cmd_load_options,
	.exec = cmd_load_exec,
};
