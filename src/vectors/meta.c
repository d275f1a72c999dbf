/* Per-word metadata (the Embedding Projector's metadata.tsv with the word as
 * its first column): read, matched to the set's words, looked up. */
#include "vectors/internal.h"

#include <stdlib.h>
#include <string.h>

void vs_meta_free(vs_meta *m)
{
	if (!m)
		return;
	free(m->names);
	free(m->values);
	free(m->blob);
	free(m);
}

/* Split line (NUL-terminated, no newline) on tabs into at most max fields. */
static size_t fields(char *line, char **out, size_t max)
{
	size_t n = 0;
	for (char *p = line;; p++) {
		if (n < max)
			out[n] = p;
		n++;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p = '\0';
	}
	return n;
}

int vs_meta_load(vs_vecset *set, const char *path, vs_error *err)
{
	if (vs_vecset_whole(set, "metadata (--meta)", err) < 0)
		return -1;
	size_t len;
	char *text = vs_read_file(path, &len, err);
	if (!text)
		return -1;
	vs_meta *m = calloc(1, sizeof *m);
	if (!m) {
		free(text);
		return vs_oom(err);
	}
	m->blob = text;
	char *line = text, *end = text + len;
	size_t lineno = 0, width = 0;
	char **f = NULL;
	int rc = 0;
	while (line < end && rc == 0) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		char *stop = nl ? nl : end;
		*stop = '\0';
		if (stop > line && stop[-1] == '\r')
			stop[-1] = '\0';
		lineno++;
		char *next = nl ? nl + 1 : end;
		if (!*line && lineno > 1) { /* blank lines are skipped */
			line = next;
			continue;
		}
		if (lineno == 1) { /* the header: the word's column, then the others */
			size_t n = 1;
			for (const char *p = line; (p = strchr(p, '\t')); p++)
				n++;
			if (n < 2) {
				rc = vs_fail(err, "%s: line 1: a header of the word's column and at least one more, "
				                  "separated by tabs, was expected", path);
				break;
			}
			width = n;
			f = malloc(n * sizeof *f);
			m->names = malloc((n - 1) * sizeof *m->names);
			m->values = calloc(set->count * (n - 1), sizeof *m->values);
			if (!f || !m->names || !m->values) {
				rc = vs_oom(err);
				break;
			}
			fields(line, f, n);
			m->ncols = n - 1;
			for (size_t c = 1; c < n; c++)
				m->names[c - 1] = f[c];
		} else {
			size_t n = fields(line, f, width);
			if (n != width) {
				rc = vs_fail(err, "%s: line %zu: %zu columns where the header has %zu", path, lineno, n, width);
				break;
			}
			m->rows++;
			long w = vs_vecset_find(set, f[0]);
			if (w < 0) {
				m->unknown++;
			} else if (m->values[(size_t)w * m->ncols]) {
				m->duplicates++;
			} else {
				for (size_t c = 1; c < n; c++)
					m->values[(size_t)w * m->ncols + c - 1] = f[c];
			}
		}
		line = next;
	}
	if (rc == 0 && lineno == 0)
		rc = vs_fail(err, "%s: the file is empty (a header row was expected)", path);
	free(f);
	if (rc < 0) {
		vs_meta_free(m);
		return -1;
	}
	vs_meta_free(set->meta);
	set->meta = m;
	return 0;
}

long vs_meta_column(const vs_vecset *set, const char *name)
{
	for (size_t c = 0; set->meta && c < set->meta->ncols; c++)
		if (strcmp(set->meta->names[c], name) == 0)
			return (long)c;
	return -1;
}

const char *vs_meta_value(const vs_vecset *set, long w, size_t c)
{
	if (!set->meta || w < 0 || (size_t)w >= set->count || c >= set->meta->ncols)
		return NULL;
	return set->meta->values[(size_t)w * set->meta->ncols + c];
}
