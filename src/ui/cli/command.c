/* Parsing a command line against a command's entry, and dispatch. */
#include "ui/ui.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const vs_cmd_entry *vs_command_find(const char *name)
{
	for (size_t i = 0; i < vs_ncommands; i++) {
		const vs_cmd_entry *e = vs_commands[i];
		if (strcmp(e->name, name) == 0 || (e->alias && strcmp(e->alias, name) == 0))
			return e;
	}
	return NULL;
}

void vs_free_words(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

int vs_split_line(const char *line, char ***out, vs_error *err)
{
	size_t cap = 8, n = 0, len = strlen(line);
	char **argv = malloc(cap * sizeof *argv);
	char *word = malloc(len + 1);
	if (!argv || !word) {
		free(argv);
		free(word);
		return vs_fail(err, "out of memory");
	}
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p)
			break;
		size_t w = 0;
		char quote = 0;
		while (*p && (quote || !(*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))) {
			if (quote) {
				if (*p == quote)
					quote = 0;
				else if (*p == '\\' && quote == '"' && (p[1] == '"' || p[1] == '\\'))
					word[w++] = *++p;
				else
					word[w++] = *p;
			} else if (*p == '\'' || *p == '"') {
				quote = *p;
			} else if (*p == '\\' && p[1]) {
				word[w++] = *++p;
			} else {
				word[w++] = *p;
			}
			p++;
		}
		if (quote) {
			argv[n] = NULL;
			vs_free_words(argv);
			free(word);
			return vs_fail(err, "unbalanced %c quote", quote);
		}
		if (n + 2 > cap) {
			cap *= 2;
			char **na = realloc(argv, cap * sizeof *na);
			if (!na) {
				argv[n] = NULL;
				vs_free_words(argv);
				free(word);
				return vs_fail(err, "out of memory");
			}
			argv = na;
		}
		word[w] = '\0';
		argv[n] = strdup(word);
		if (!argv[n]) {
			vs_free_words(argv);
			free(word);
			return vs_fail(err, "out of memory");
		}
		n++;
	}
	argv[n] = NULL;
	free(word);
	*out = argv;
	return (int)n;
}

static int option_index(const vs_cmd_entry *e, const char *name)
{
	for (int i = 0; e->options && e->options[i].name; i++)
		if (strcmp(e->options[i].name, name) == 0)
			return i;
	return -1;
}

const char *vs_arg_opt(const vs_args *a, const char *name)
{
	int i = option_index(a->entry, name);
	return i >= 0 ? a->opt[i] : NULL;
}

const char *const *vs_arg_all(const vs_args *a, const char *name, int *n)
{
	int i = option_index(a->entry, name);
	*n = i >= 0 ? a->nall[i] : 0;
	return i >= 0 ? a->all[i] : NULL;
}

int vs_arg_flag(const vs_args *a, const char *name)
{
	return vs_arg_opt(a, name) != NULL;
}

int vs_arg_size(vs_session *s, const vs_args *a, const char *name, size_t def, size_t *out)
{
	const char *v = vs_arg_opt(a, name);
	if (!v) {
		*out = def;
		return 0;
	}
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	if (!*v || *end || errno || v[0] == '-' || x == 0 || x > (1ULL << 40))
		return vs_session_error(s, "%s: %s takes a positive whole number, not '%s'", a->entry->name, name, v);
	*out = (size_t)x;
	return 0;
}

void vs_command_usage(const vs_cmd_entry *e, FILE *out)
{
	fprintf(out, "usage: %s%s%s\n", e->name, e->usage[0] ? " " : "", e->usage);
}

/* An argument that looks like an option: "-k", "--format"; not "-" or a
 * negative number. */
static int looks_like_option(const char *w)
{
	return w[0] == '-' && w[1] && !(w[1] >= '0' && w[1] <= '9') && !(w[1] == '.' && w[2]);
}

int vs_run_line(vs_session *s, const char *line)
{
	vs_error err = {{0}};
	char **words;
	int n = vs_split_line(line, &words, &err);
	if (n < 0)
		return vs_session_error(s, "%s", err.msg);
	if (n == 0) {
		vs_free_words(words);
		return 0;
	}
	const vs_cmd_entry *e = vs_command_find(words[0]);
	if (!e) {
		vs_session_error(s, "unknown command '%s' (type 'help' for the list)", words[0]);
		vs_free_words(words);
		return -1;
	}
	vs_args a;
	memset(&a, 0, sizeof a);
	a.entry = e;
	a.argv = calloc((size_t)n + 1, sizeof *a.argv);
	int rc = -1;
	if (!a.argv) {
		vs_session_error(s, "out of memory");
		goto out;
	}
	int only_args = e->raw;
	{
		const char *r = line;
		while (*r == ' ' || *r == '\t')
			r++;
		while (*r && *r != ' ' && *r != '\t')
			r++;
		while (*r == ' ' || *r == '\t')
			r++;
		a.rest = r;
	}
	for (int i = 1; i < n; i++) {
		const char *w = words[i];
		if (!only_args && strcmp(w, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (!only_args && looks_like_option(w)) {
			/* --name=value is accepted too */
			char name[64];
			const char *eq = strchr(w, '=');
			size_t nl = eq && w[1] == '-' ? (size_t)(eq - w) : strlen(w);
			if (nl >= sizeof name)
				nl = sizeof name - 1;
			memcpy(name, w, nl);
			name[nl] = '\0';
			int oi = option_index(e, name);
			if (oi < 0) {
				vs_session_error(s, "%s: unknown option '%s'", e->name, name);
				vs_command_usage(e, s->msg);
				goto out;
			}
			const vs_option *o = &e->options[oi];
			if (o->value) {
				const char *v = eq && w[1] == '-' ? eq + 1 : (i + 1 < n ? words[++i] : NULL);
				if (!v) {
					vs_session_error(s, "%s: %s needs a value (%s)", e->name, name, o->value);
					goto out;
				}
				if (o->choices) {
					int ok = 0;
					for (const char *const *c = o->choices; *c; c++)
						ok |= strcmp(*c, v) == 0;
					if (!ok) {
						char list[256] = "";
						for (const char *const *c = o->choices; *c; c++) {
							strncat(list, *c, sizeof list - strlen(list) - 1);
							if (c[1])
								strncat(list, ", ", sizeof list - strlen(list) - 1);
						}
						vs_session_error(s, "%s: %s takes one of %s, not '%s'", e->name, name, list, v);
						goto out;
					}
				}
				a.opt[oi] = v;
				if (a.nall[oi] < 16)
					a.all[oi][a.nall[oi]++] = v;
			} else {
				if (eq && w[1] == '-') {
					vs_session_error(s, "%s: %s takes no value", e->name, name);
					goto out;
				}
				a.opt[oi] = "";
			}
			continue;
		}
		a.argv[a.argc++] = words[i];
	}
	if (a.argc < e->min_args || (e->max_args >= 0 && a.argc > e->max_args)) {
		vs_session_error(s, "%s: %s arguments", e->name, a.argc < e->min_args ? "missing" : "too many");
		vs_command_usage(e, s->msg);
		goto out;
	}
	vs_result *before = s->last;
	rc = e->exec(s, &a);
	if (rc == 0 && s->last && s->last != before && !s->last->query) {
		/* remember what made the result: browse shows it and drills from it */
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		s->last->query = strdup(p);
		if (s->last->query) {
			size_t ql = strlen(s->last->query);
			while (ql && (s->last->query[ql - 1] == '\n' || s->last->query[ql - 1] == '\r'))
				s->last->query[--ql] = '\0';
		}
	}
out:
	free(a.argv);
	vs_free_words(words);
	if (rc < 0)
		s->failed = 1;
	return rc;
}
