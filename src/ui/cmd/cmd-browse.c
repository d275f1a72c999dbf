/* browse: the full-screen explorer, with the session as its host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "viz/viz.h"
#include "vectors/vectors.h"

/* Run a command quietly: its result is returned, its errors captured. */
static vs_result *host_run(void *ctx, const char *cmd, char **error, int *close)
{
	vs_session *s = ctx;
	FILE *devnull = fopen("/dev/null", "w");
	char *errbuf = NULL;
	size_t errlen = 0;
	FILE *errs = open_memstream(&errbuf, &errlen);
	*error = NULL;
	if (!devnull || !errs) {
		if (devnull)
			fclose(devnull);
		if (errs)
			fclose(errs);
		free(errbuf);
		*error = strdup("out of memory");
		return NULL;
	}
	FILE *out0 = s->out, *msg0 = s->msg;
	const char *script0 = s->script;
	int failed0 = s->failed, quiet0 = s->quiet, inter0 = s->interactive;
	vs_result *before = s->last;
	s->last = NULL;
	s->out = devnull;
	s->msg = errs;
	s->script = NULL;
	s->quiet = 1;
	s->interactive = 0;
	vs_interrupted = 0;
	int rc = vs_run_line(s, cmd);
	vs_interrupted = 0;
	if (s->quit) { /* quit inside the browser leaves the browser, not vecsh */
		s->quit = 0;
		s->exit_status = -1;
		*close = 1;
	}
	vs_result *r = s->last;
	s->last = before;
	s->out = out0;
	s->msg = msg0;
	s->script = script0;
	s->failed = failed0;
	s->quiet = quiet0;
	s->interactive = inter0;
	fclose(devnull);
	fclose(errs);
	if (rc < 0 || !r) {
		vs_result_free(r);
		if (errbuf && errlen) {
			/* "vecsh: message\n" -> "message" */
			char *m = strncmp(errbuf, "vecsh: ", 7) == 0 ? errbuf + 7 : errbuf;
			char *nl = strchr(m, '\n');
			if (nl)
				*nl = '\0';
			*error = strdup(m);
		} else {
			*error = strdup(rc < 0 ? "the command failed" : "done; the command shows no list");
		}
		free(errbuf);
		return NULL;
	}
	free(errbuf);
	return r;
}

static const char *item_kind(const vs_result *r)
{
	return r->cols[vs_result_item_column(r)].name;
}

static const char *item_text(const vs_result *r, size_t row)
{
	const vs_cell *c = &r->cells[row * r->ncols + vs_result_item_column(r)];
	return c->set && r->cols[vs_result_item_column(r)].type == VS_COL_STR ? c->s : NULL;
}

/* A word as one argument, whatever it holds: "--" and double quotes. */
static char *command_for(const char *verb, const char *word)
{
	size_t n = strlen(word);
	char *q = malloc(strlen(verb) + 2 * n + 16);
	if (!q)
		return NULL;
	/* a plain word goes as it is: "nn monkey", as a person would type it */
	int plain = n > 0 && word[0] != '-' && word[0] != '#' && !strpbrk(word, " \t\"'\\");
	if (plain && !(word[0] == '+' && !word[1])) {
		sprintf(q, "%s %s", verb, word);
		return q;
	}
	char *o = q + sprintf(q, "%s -- \"", verb);
	for (const char *p = word; *p; p++) {
		if (*p == '"' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	strcpy(o, "\"");
	return q;
}

static char *host_drill(void *ctx, const vs_result *r, size_t row)
{
	vs_session *s = ctx;
	const char *kind = item_kind(r), *t = item_text(r, row);
	if (!t)
		return NULL;
	if (strcmp(kind, "image") == 0 && s->active >= 0 && s->sets[s->active]->source && s->clip) {
		/* an image opens the images most like it: its file is under the set's folder */
		char path[8192];
		snprintf(path, sizeof path, "%s/%s", s->sets[s->active]->source, t);
		return command_for("images like", path);
	}
	if (strcmp(kind, "word") == 0)
		return command_for("nn", t);
	if (strcmp(kind, "doc") == 0)
		return command_for("keywords", t);
	if (strcmp(kind, "term") == 0)
		return command_for("search", t);
	return NULL;
}

static const char *host_query_command(void *ctx, const vs_result *r)
{
	(void)ctx;
	const char *kind = item_kind(r);
	if (strcmp(kind, "doc") == 0 || strcmp(kind, "term") == 0)
		return "search %s";
	return "nn %s";
}

static char *host_detail(void *ctx, const vs_result *r, size_t row)
{
	vs_session *s = ctx;
	const char *kind = item_kind(r), *t = item_text(r, row);
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	vs_vecset *set = s->active >= 0 ? s->sets[s->active] : NULL;
	vs_index *ix = s->active_index >= 0 ? s->indexes[s->active_index] : NULL;
	if (t && strcmp(kind, "word") == 0 && set && vs_vecset_find(set, t) >= 0) {
		long w = vs_vecset_find(set, t);
		vs_vecset_need_row(set, (size_t)w);
		if (set->remote)
			fprintf(f, "a row of %s (%s)\nnorm %.4f\n", set->name, set->remote->what, set->norms[w]);
		else
			fprintf(f, "frequency rank %ld of %zu\nnorm %.4f\n", w + 1, set->count, set->norms[w]);
		for (size_t c = 0; set->meta && c < set->meta->ncols; c++) /* load --meta's columns */
			if (vs_meta_value(set, w, c) && *vs_meta_value(set, w, c))
				fprintf(f, "%s: %s\n", set->meta->names[c], vs_meta_value(set, w, c));
		fprintf(f, "\nnearest words:\n");
		vs_hit hits[8];
		size_t n;
		vs_error err;
		if (vs_most_similar(set, &w, 1, NULL, 0, 8, 0, hits, &n, &err) == 0)
			for (size_t i = 0; i < n; i++)
				fprintf(f, "  %-18s %.4f\n", vs_vecset_word(set, hits[i].index), hits[i].score);
	} else if (t && strcmp(kind, "doc") == 0 && ix && vs_index_doc(ix, t) >= 0) {
		long d = vs_index_doc(ix, t);
		fprintf(f, "%u tokens\n\nkeywords:\n", ix->doc_len[d]);
		vs_term_weight tw[8];
		size_t n = vs_index_keywords(ix, d, 8, tw);
		for (size_t i = 0; i < n; i++)
			fprintf(f, "  %-18s %.4f\n", tw[i].text, tw[i].weight);
		vs_term_weights_free(tw, n);
		char *text = vs_index_doc_text(ix, d, 1200);
		if (text) {
			fprintf(f, "\nbeginning:\n");
			int lines = 0;
			for (char *line = strtok(text, "\n"); line && lines < 12; line = strtok(NULL, "\n")) {
				while (*line == ' ' || *line == '\t')
					line++;
				if (*line) {
					fprintf(f, "  %s\n", line);
					lines++;
				}
			}
			free(text);
		}
	} else if (t && strcmp(kind, "term") == 0 && ix && vs_index_term(ix, t) >= 0) {
		long term = vs_index_term(ix, t);
		fprintf(f, "in %u of %u documents\nidf %.4f\n\ndocuments:\n", ix->df[term], ix->ndocs, ix->idf[term]);
		vs_hit hits[8];
		size_t n;
		vs_error err;
		if (vs_index_search(ix, t, 0, 8, hits, &n, &err) == 0)
			for (size_t i = 0; i < n; i++)
				fprintf(f, "  %-24s %.4f\n", ix->doc_names[hits[i].index], hits[i].score);
	} else {
		for (size_t c = 0; c < r->ncols; c++) {
			const vs_cell *cell = &r->cells[row * r->ncols + c];
			if (!cell->set)
				continue;
			if (r->cols[c].type == VS_COL_STR)
				fprintf(f, "%s: %s\n", r->cols[c].name, cell->s);
			else if (r->cols[c].type == VS_COL_INT)
				fprintf(f, "%s: %lld\n", r->cols[c].name, cell->i);
			else if (r->cols[c].type == VS_COL_FLOAT)
				fprintf(f, "%s: %.6f\n", r->cols[c].name, cell->f);
		}
	}
	fclose(f);
	return buf;
}

static int host_group(void *ctx, const vs_result *r, size_t row)
{
	vs_session *s = ctx;
	vs_vecset *set = s->active >= 0 ? s->sets[s->active] : NULL;
	if (!set || s->cluster_set != set || strcmp(item_kind(r), "word") != 0 || !item_text(r, row))
		return 0;
	long w = vs_vecset_find(set, item_text(r, row));
	return w >= 0 && s->cluster_of[w] >= 0 ? 1 + s->cluster_of[w] : 0;
}

static const char *host_projection(void *ctx)
{
	static const char *const names[] = {"PCA", "t-SNE", "UMAP"};
	return names[((vs_session *)ctx)->projection];
}

static int host_project(void *ctx, const vs_result *r, double *xy, char **error)
{
	vs_session *s = ctx;
	vs_vecset *set = s->active >= 0 ? s->sets[s->active] : NULL;
	if (!set || strcmp(item_kind(r), "word") != 0) {
		*error = strdup("the projection shows lists of words");
		return -1;
	}
	float *rows = malloc((r->nrows ? r->nrows : 1) * set->dims * sizeof *rows);
	if (!rows) {
		*error = strdup("out of memory");
		return -1;
	}
	for (size_t i = 0; i < r->nrows; i++) {
		long w = item_text(r, i) ? vs_vecset_find(set, item_text(r, i)) : -1;
		if (w < 0) {
			free(rows);
			*error = strdup("a word of the list is not in the active set");
			return -1;
		}
		vs_vecset_need_row(set, (size_t)w);
		memcpy(rows + i * set->dims, set->vectors + (size_t)w * set->dims, set->dims * sizeof *rows);
	}
	double ratio[2];
	vs_error err;
	int rc;
	if (s->projection == 0) {
		rc = vs_pca(rows, r->nrows, set->dims, 2, xy, ratio, &err);
	} else { /* t-SNE or UMAP of the unit vectors (set projection) */
		for (size_t i = 0; i < r->nrows; i++)
			vs_unitvec(rows + i * set->dims, set->dims);
		vs_tsne_options to = {.perplexity = r->nrows < 91 ? (double)(r->nrows - 1) / 3 : 30};
		vs_tsne_report rep;
		vs_umap_options uo = {0};
		rc = s->projection == 1 ? vs_tsne(rows, r->nrows, set->dims, &to, xy, &rep, &err)
		                        : vs_umap(rows, r->nrows, set->dims, &uo, xy, &err);
	}
	free(rows);
	if (rc < 0)
		*error = strdup(err.msg);
	return rc;
}

typedef struct prefix_acc {
	char *common;
	size_t n;
} prefix_acc;

static int common_prefix(const char *w, void *ctx)
{
	prefix_acc *a = ctx;
	if (!a->common) {
		a->common = strdup(w);
	} else {
		size_t i = 0;
		while (a->common[i] && a->common[i] == w[i])
			i++;
		a->common[i] = '\0';
	}
	return ++a->n >= 10000;
}

static char *host_complete(void *ctx, const vs_result *r, const char *prefix)
{
	vs_session *s = ctx;
	prefix_acc a = {NULL, 0};
	const char *kind = item_kind(r);
	if ((strcmp(kind, "doc") == 0 || strcmp(kind, "term") == 0) && s->active_index >= 0) {
		const vs_index *ix = s->indexes[s->active_index];
		for (uint32_t t = 0; t < ix->nterms; t++)
			if (strncmp(ix->terms[t], prefix, strlen(prefix)) == 0 && common_prefix(ix->terms[t], &a))
				break;
	} else if (s->active >= 0) {
		vs_vecset_prefix(s->sets[s->active], prefix, common_prefix, &a);
	}
	return a.common;
}

static int cmd_browse_exec(vs_session *s, vs_args *a)
{
	const char *why = vs_browse_unavailable();
	const char *cmd = a->rest && *a->rest ? a->rest : (s->last ? s->last->query : NULL);
	if (!cmd)
		return vs_session_error(s, "browse: nothing to show yet: run a query, or 'browse nn WORD'");
	if (why) {
		/* scripts never hang: say why, and show the result as the shell would */
		vs_session_warn(s, "browse: cannot open the browser: %s; showing the result instead", why);
		if (a->rest && *a->rest)
			return vs_run_line(s, a->rest);
		vs_session_print(s, s->last);
		return 0;
	}
	char *error = NULL;
	int close = 0;
	vs_result *first = host_run(s, cmd, &error, &close);
	if (!first) {
		vs_session_error(s, "browse: %s", error ? error : "the command shows no list");
		free(error);
		return -1;
	}
	char title[256];
	snprintf(title, sizeof title, "vecsh %s%s%s", s->active >= 0 ? s->sets[s->active]->name : "",
	         s->active >= 0 && s->active_index >= 0 ? " + " : "",
	         s->active_index >= 0 ? s->indexes[s->active_index]->name : "");
	vs_browse_host host = {s,     host_run, host_detail, host_drill, host_query_command, host_project, host_complete,
	                       title, host_projection, host_group};
	vs_browse(&host, first);
	return 0;
}

const vs_cmd_entry cmd_browse_entry = {
	.name = "browse",
	.usage = "[COMMAND ARGS...]",
	.summary = "explore the last result (or a command's) full-screen",
	.help = "A list with score bars and a detail pane. Enter opens an item (a word's\n"
	        "neighbours, a document's keywords, a term's documents); h goes back, l\n"
	        "forward; / types a new query, : runs any command, p draws the projection\n"
	        "(PCA, or t-SNE or UMAP: set projection) of the list, ? shows the keys, q returns. Without a terminal it says\n"
	        "why and prints the result instead.",
	.example = "browse nn king\nbrowse keywords GPL-3\nnn frog\nbrowse",
	.min_args = 0,
	.max_args = -1,
	.first_complete = VS_COMPLETE_COMMAND,
	.args_complete = VS_COMPLETE_WORD,
	.raw = 1,
	.exec = cmd_browse_exec,
};
