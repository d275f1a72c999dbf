#include "ui/ui.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "clip/clip.h"
#include "vectors/vectors.h"

void vs_session_init(vs_session *s)
{
	memset(s, 0, sizeof *s);
	s->active = -1;
	s->active_index = -1;
	s->exit_status = -1;
	s->active_model = -1;
	s->out = stdout;
	s->msg = stderr;
}

void vs_session_free(vs_session *s)
{
	vs_session_end_output(s);
	for (size_t i = 0; i < s->nsets; i++) {
		vs_session_forget_set(s, s->sets[i]);
		vs_vecset_free(s->sets[i]);
	}
	vs_session_forget_set(s, NULL); /* what is left (nothing, unless a set was not in the list) */
	free(s->sets);
	for (size_t i = 0; i < s->nindexes; i++)
		vs_index_free(s->indexes[i]);
	free(s->indexes);
	s->indexes = NULL;
	s->nindexes = 0;
	vs_result_free(s->last);
	vs_clip_tokenizer_free(s->clip_tokenizer);
	for (size_t i = 0; i < s->nmodels; i++)
		vs_clip_free(s->models[i]);
	free(s->models);
	s->models = NULL;
	s->nmodels = 0;
	s->clip = NULL;
	free(s->clip_bpe);
	s->clip_tokenizer = NULL;
	s->clip_bpe = NULL;
	s->sets = NULL;
	s->nsets = 0;
	s->last = NULL;
}

static void vmessage(vs_session *s, const char *kind, const char *fmt, va_list ap)
{
	fflush(s->out);
	if (s->script && strcmp(s->script, "-") != 0)
		fprintf(s->msg, "vecsh: %s:%zu: %s", s->script, s->line_no, kind);
	else if (s->script)
		fprintf(s->msg, "vecsh: %zu: %s", s->line_no, kind);
	else
		fprintf(s->msg, "vecsh: %s", kind);
	vfprintf(s->msg, fmt, ap);
	fputc('\n', s->msg);
	fflush(s->msg);
}

int vs_session_error(vs_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(s, "", fmt, ap);
	va_end(ap);
	return -1;
}

void vs_session_warn(vs_session *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vmessage(s, "warning: ", fmt, ap);
	va_end(ap);
}

void vs_session_info(vs_session *s, const char *fmt, ...)
{
	if (s->quiet)
		return;
	fflush(s->out);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(s->msg, fmt, ap);
	va_end(ap);
	fputc('\n', s->msg);
	fflush(s->msg);
}

/* The name of what was loaded from the damaged mapping at addr, or NULL. */
static const char *owner_of(const vs_session *s, const void *addr)
{
	for (size_t i = 0; i < s->nsets; i++)
		if (s->sets[i]->map == addr)
			return s->sets[i]->name;
	for (size_t i = 0; i < s->nindexes; i++)
		if (s->indexes[i]->map == addr)
			return s->indexes[i]->name;
	for (size_t i = 0; i < s->nmodels; i++)
		if (s->models[i]->st && s->models[i]->st->map == addr)
			return s->models[i]->name;
	return NULL;
}

int vs_session_check_maps(vs_session *s)
{
	int rc = 0;
	void *addr;
	const char *path;
	while ((path = vs_map_take_damage(&addr))) {
		const char *name = owner_of(s, addr);
		char nm[256];
		snprintf(nm, sizeof nm, "%s", name ? name : "");
		rc = vs_session_error(s, "%s changed on disk while it was mapped (replace such files by renaming, as save "
		                         "does)%s%s%s", path, name ? "; " : "", nm, name ? " is unloaded" : "");
		if (name)
			vs_session_remove(s, nm);
		else
			vs_map_unregister(addr);
	}
	return rc;
}

void vs_session_show(vs_session *s, vs_result *r)
{
	void *addr;
	if (vs_map_take_damage(&addr)) { /* computed from a file that changed: not shown */
		vs_result_free(r);
		s->failed = 1;
		return;
	}
	if (r->broken) {
		if (r->broken == VS_RESULT_OOM)
			vs_session_oom(s);
		else /* a command declared more columns than a result holds */
			vs_session_error(s, "internal error: a result of more than %d columns", VS_RESULT_MAX_COLS);
		s->failed = 1;
		vs_result_free(r);
		return;
	}
	if (s->oov_words[0]) {
		vs_result_note(r, "(oov) not in the dictionary, made from character n-grams: %s", s->oov_words);
		s->oov_words[0] = '\0';
	}
	vs_session_print(s, r);
	vs_result_free(s->last);
	s->last = r;
}

void vs_session_print(vs_session *s, const vs_result *r)
{
	if (s->format == VS_OUT_JSON) /* one JSON document: an array of the results, one a line */
		fputs(s->json_open++ ? "," : "[", s->out);
	else
		vs_session_end_output(s);
	if (s->format == VS_OUT_TABLE && s->interactive && isatty(fileno(s->out))) {
		/* on a terminal, a table fits its width */
		struct winsize ws;
		size_t cols = ioctl(fileno(s->out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20 ? ws.ws_col : 0;
		vs_result_print_table(r, cols, s->out);
		for (size_t i = 0; i < r->nnotes; i++)
			fprintf(s->out, "%s\n", r->notes[i]);
		fflush(s->out);
	} else {
		vs_result_print(r, s->format, s->command, s->out, s->quiet ? NULL : s->msg);
	}
	if (s->format == VS_OUT_JSON) {
		fputc('\n', s->out);
		fflush(s->out);
	}
}

void vs_session_end_output(vs_session *s)
{
	if (s->json_open) {
		fputs("]\n", s->out);
		fflush(s->out);
		s->json_open = 0;
	}
}

vs_vecset *vs_session_find(const vs_session *s, const char *name)
{
	for (size_t i = 0; i < s->nsets; i++)
		if (strcmp(s->sets[i]->name, name) == 0)
			return s->sets[i];
	return NULL;
}

vs_vecset *vs_session_active(vs_session *s)
{
	if (s->active < 0) {
		vs_session_error(s, "no vectors loaded: use 'load FILE' first");
		return NULL;
	}
	return s->sets[s->active];
}

void vs_session_forget_set(vs_session *s, const vs_vecset *set)
{
	size_t kept = 0;
	for (size_t i = 0; i < s->naxes; i++) {
		if (s->axes[i].set == set || !set) {
			free(s->axes[i].name), free(s->axes[i].g), free(s->axes[i].pairs);
			continue;
		}
		s->axes[kept++] = s->axes[i];
	}
	s->naxes = kept;
	if (!set || !kept) {
		free(s->axes);
		s->axes = NULL;
		s->naxes = 0;
	}
	if (s->cluster_set != set)
		return;
	free(s->cluster_of);
	s->cluster_of = NULL;
	s->cluster_set = NULL;
	s->cluster_k = 0;
}

const vs_axis *vs_session_axis(vs_session *s, const char *cmd, const char *name, const vs_vecset *set)
{
	for (size_t i = 0; i < s->naxes; i++)
		if (strcmp(s->axes[i].name, name) == 0) {
			if (s->axes[i].set == set)
				return &s->axes[i];
			vs_session_error(s, "%s: the axis '%s' is a direction of %s, not of %s", cmd, name,
			                 s->axes[i].set->name, set->name);
			return NULL;
		}
	vs_session_error(s, "%s: no axis named '%s' (make one: axis %s WORD WORD)", cmd, name, name);
	return NULL;
}

int vs_session_add(vs_session *s, vs_vecset *set)
{
	vs_vecset **ns = realloc(s->sets, (s->nsets + 1) * sizeof *ns);
	if (!ns)
		return -1;
	s->sets = ns;
	s->sets[s->nsets] = set;
	s->active = (long)s->nsets++;
	return 0;
}

vs_index *vs_session_find_index(const vs_session *s, const char *name)
{
	for (size_t i = 0; i < s->nindexes; i++)
		if (strcmp(s->indexes[i]->name, name) == 0)
			return s->indexes[i];
	return NULL;
}

vs_index *vs_session_active_index(vs_session *s)
{
	if (s->active_index < 0) {
		vs_session_error(s, "no index: build one with 'index NAME PATH' or load one with 'load FILE'");
		return NULL;
	}
	return s->indexes[s->active_index];
}

int vs_session_add_index(vs_session *s, vs_index *ix)
{
	vs_index **ni = realloc(s->indexes, (s->nindexes + 1) * sizeof *ni);
	if (!ni)
		return -1;
	s->indexes = ni;
	s->indexes[s->nindexes] = ix;
	s->active_index = (long)s->nindexes++;
	return 0;
}

void vs_session_swap_index(vs_session *s, vs_index *old, vs_index *ix)
{
	for (size_t i = 0; i < s->nindexes; i++)
		if (s->indexes[i] == old) {
			s->indexes[i] = ix;
			vs_index_free(old);
			return;
		}
}

int vs_session_name_taken(const vs_session *s, const char *name)
{
	return vs_session_find(s, name) || vs_session_find_index(s, name) || vs_session_find_model(s, name);
}

vs_clip_model *vs_session_find_model(const vs_session *s, const char *name)
{
	for (size_t i = 0; i < s->nmodels; i++)
		if (strcmp(s->models[i]->name, name) == 0)
			return s->models[i];
	return NULL;
}

int vs_session_add_model(vs_session *s, vs_clip_model *m)
{
	vs_clip_model **nm = realloc(s->models, (s->nmodels + 1) * sizeof *nm);
	if (!nm)
		return -1;
	s->models = nm;
	s->models[s->nmodels] = m;
	s->active_model = (long)s->nmodels++;
	s->clip = m;
	return 0;
}

int vs_session_use(vs_session *s, const char *name)
{
	for (size_t i = 0; i < s->nsets; i++)
		if (strcmp(s->sets[i]->name, name) == 0) {
			s->active = (long)i;
			return 0;
		}
	for (size_t i = 0; i < s->nindexes; i++)
		if (strcmp(s->indexes[i]->name, name) == 0) {
			s->active_index = (long)i;
			return 0;
		}
	for (size_t i = 0; i < s->nmodels; i++)
		if (strcmp(s->models[i]->name, name) == 0) {
			s->active_model = (long)i;
			s->clip = s->models[i];
			return 0;
		}
	return -1;
}

int vs_session_remove(vs_session *s, const char *name)
{
	for (size_t i = 0; i < s->nmodels; i++) {
		if (strcmp(s->models[i]->name, name) != 0)
			continue;
		vs_clip_free(s->models[i]);
		memmove(s->models + i, s->models + i + 1, (s->nmodels - i - 1) * sizeof *s->models);
		s->nmodels--;
		if (s->active_model == (long)i)
			s->active_model = s->nmodels ? (long)s->nmodels - 1 : -1;
		else if (s->active_model > (long)i)
			s->active_model--;
		s->clip = s->active_model >= 0 ? s->models[s->active_model] : NULL;
		return 0;
	}
	for (size_t i = 0; i < s->nindexes; i++) {
		if (strcmp(s->indexes[i]->name, name) != 0)
			continue;
		vs_index_free(s->indexes[i]);
		memmove(s->indexes + i, s->indexes + i + 1, (s->nindexes - i - 1) * sizeof *s->indexes);
		s->nindexes--;
		if (s->active_index == (long)i)
			s->active_index = s->nindexes ? (long)s->nindexes - 1 : -1;
		else if (s->active_index > (long)i)
			s->active_index--;
		return 0;
	}
	for (size_t i = 0; i < s->nsets; i++) {
		if (strcmp(s->sets[i]->name, name) != 0)
			continue;
		vs_session_forget_set(s, s->sets[i]);
		vs_vecset_free(s->sets[i]);
		memmove(s->sets + i, s->sets + i + 1, (s->nsets - i - 1) * sizeof *s->sets);
		s->nsets--;
		if (s->active == (long)i)
			s->active = s->nsets ? (long)s->nsets - 1 : -1;
		else if (s->active > (long)i)
			s->active--;
		return 0;
	}
	return -1;
}

/* The most frequent word that is word but for case, or -1. */
static long case_folded(const vs_vecset *set, const char *word)
{
	char *u = vs_utf8_upper(word);
	if (!u)
		return -1;
	vs_error err;
	long i = vs_vecset_find_upper((vs_vecset *)set, u, set->count, &err);
	free(u);
	return i >= 0 ? i : -1;
}

/* Remember that the command used a word made from subwords. */
static void note_oov(vs_session *s, const char *word)
{
	size_t o = strlen(s->oov_words);
	if (o + strlen(word) + 3 < sizeof s->oov_words)
		snprintf(s->oov_words + o, sizeof s->oov_words - o, "%s%s", o ? ", " : "", word);
}

long vs_session_word(vs_session *s, vs_vecset *set, const char *word)
{
	if (set->remote) { /* a row of a table, fetched on first use */
		vs_error err;
		long r = vs_vecset_fetch(set, word, &err);
		return r >= 0 ? r : vs_session_error(s, "%s", err.msg);
	}
	long i = vs_vecset_find(set, word);
	if (i >= 0 && (size_t)i >= set->count)
		note_oov(s, word);
	if (i >= 0)
		return i;
	if (set->sub) { /* a fastText model: any word has a vector */
		vs_error err;
		i = vs_vecset_add_oov(set, word, &err);
		if (i < 0)
			return vs_session_error(s, "%s", err.msg);
		note_oov(s, word);
		return i;
	}
	long folded = case_folded(set, word);
	if (folded >= 0 && s->fold_case)
		return folded;
	long sug[6], close[5];
	size_t n = 0, more = vs_suggest(set, word, close, 5);
	if (folded >= 0)
		sug[n++] = folded;
	for (size_t k = 0; k < more; k++) /* the case-folded match once, first */
		if (close[k] != folded)
			sug[n++] = close[k];
	if (n == 0)
		return vs_session_error(s, "'%s' is not in the vocabulary of %s", word, set->name);
	char buf[512];
	size_t o = 0;
	for (size_t k = 0; k < n && o < sizeof buf; k++)
		o += (size_t)snprintf(buf + o, sizeof buf - o, "%s%s", k ? ", " : "", vs_vecset_word(set, sug[k]));
	return vs_session_error(s, "'%s' is not in the vocabulary of %s; did you mean: %s?%s", word, set->name, buf,
	                        folded >= 0 ? " ('set case fold' matches words whatever their case)" : "");
}

/* "glove.6B.100d.txt.gz" -> "glove.6B.100d" */
static void default_name(const char *path, char *out, size_t size)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	snprintf(out, size, "%s", b);
	static const char *const ext[] = {".gz", ".txt", ".vec", ".bin", ".ftz", ".vecs", ".w2v", ".vsix", ".npy", NULL};
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

/* The name a new set or index gets: the one asked for, or the file's made unique. */
static int choose_name(vs_session *s, const char *path, const char *name, char *nm, size_t size)
{
	if (name) {
		if (!*name || strpbrk(name, " \t"))
			return vs_session_error(s, "load: '%s' is not a valid set name", name);
		if (vs_session_name_taken(s, name))
			return vs_session_error(s, "load: a set named '%s' is loaded already (unload it first)", name);
		snprintf(nm, size, "%s", name);
		return 0;
	}
	char base[200];
	default_name(path, base, sizeof base);
	snprintf(nm, size, "%s", base);
	for (int i = 2; vs_session_name_taken(s, nm); i++)
		snprintf(nm, size, "%s-%d", base, i);
	return 0;
}

static int load_index(vs_session *s, const char *path, const char *nm, const vs_progress *p)
{
	vs_error err;
	vs_index *ix = vs_index_open(path, &err);
	if (!ix)
		return vs_session_error(s, "%s", err.msg);
	ix->name = strdup(nm);
	ix->source = strdup(path);
	if (!ix->name || !ix->source || vs_session_add_index(s, ix) < 0) {
		vs_index_free(ix);
		return vs_session_oom(s);
	}
	vs_session_info(s, "loaded index %s: %u document%s, %u terms in %.3f s", nm, ix->ndocs,
	                ix->ndocs == 1 ? "" : "s", ix->nterms, vs_seconds_since(&p->start));
	return 0;
}

static void report_load(vs_session *s, const char *path, const vs_vecset *set, const vs_load_report *rep,
                        const vs_progress *p)
{
	if (rep->invalid_utf8)
		vs_session_warn(s, "%s: %zu words had invalid UTF-8, replaced with U+FFFD (--strict refuses them)",
		                path, rep->invalid_utf8);
	if (rep->unverified)
		vs_session_warn(s, "%s: a .vecs file of version 1 has no checksums: it is not verified (save it again to "
		                   "add them)", path);
	if (rep->duplicates)
		vs_session_warn(s, "%s: %zu duplicate words ignored (the first occurrence is kept)", path,
		                rep->duplicates);
	vs_session_info(s, "loaded %s: %zu words x %zu dims (%s%s) in %.2f s", set->name, set->count, set->dims,
	                rep->format, rep->compressed ? ", gzip" : "", vs_seconds_since(&p->start));
}

int vs_session_load_table(vs_session *s, const char *target, const char *name, int exact)
{
	vs_progress p;
	vs_progress_start(&p, s, "connecting");
	vs_error err;
	vs_vecset *set = vs_pg_open(target, exact, &err);
	vs_progress_end(&p);
	if (!set)
		return vs_session_error(s, "%s", err.msg);
	char nm[256];
	if (choose_name(s, set->name, name, nm, sizeof nm) < 0) {
		vs_vecset_free(set);
		return -1;
	}
	free(set->name);
	set->name = strdup(nm);
	if (!set->name || vs_session_add(s, set) < 0) {
		vs_vecset_free(set);
		return vs_session_oom(s);
	}
	vs_session_info(s, "loaded %s: a table in PostgreSQL, %zu rows x %zu dims, in %.2f s; %s", set->name,
	                set->remote_rows, set->dims, vs_seconds_since(&p.start), set->remote->how(set->remote_ctx));
	return 0;
}

int vs_session_load(vs_session *s, const char *path, const char *name, const vs_load_options *options)
{
	if (vs_pg_is_target(path))
		return vs_session_load_table(s, path, name, 0);
	vs_load_options opt = {0};
	if (options)
		opt = *options;
	char nm[256];
	if (choose_name(s, path, name, nm, sizeof nm) < 0)
		return -1;
	vs_progress p;
	vs_progress_start(&p, s, "loading");
	int is_index = opt.format == VS_FMT_AUTO && vs_index_file_magic(path);
	if (vs_interrupted) /* Ctrl-C while the file would not open (a FIFO without a writer) */
		return vs_session_error(s, "%s: interrupted", path);
	if (is_index)
		return load_index(s, path, nm, &p);
	opt.progress = vs_progress_update;
	opt.progress_ctx = &p;
	vs_load_report rep;
	vs_error err;
	vs_vecset *set = vs_load(path, &opt, &rep, &err);
	vs_progress_end(&p);
	if (!set)
		return vs_session_error(s, "%s", err.msg);
	set->name = strdup(nm);
	if (!set->name || vs_session_add(s, set) < 0) {
		vs_vecset_free(set);
		return vs_session_oom(s);
	}
	report_load(s, path, set, &rep, &p);
	return 0;
}

int vs_session_oom(vs_session *s)
{
	return vs_session_error(s, "out of memory");
}
