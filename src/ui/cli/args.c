/* The argument parser, as tmux's arguments.c: a command line split into
 * words, a command's subcommand chosen, and options and positional
 * arguments read against the entry's declaration, with every limit checked. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"

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
		return vs_oom(err);
	}
	const char *p = line;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#') /* a comment, as in sh: '#' at the start of a word */
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
				return vs_oom(err);
			}
			argv = na;
		}
		word[w] = '\0';
		argv[n] = strdup(word);
		if (!argv[n]) {
			vs_free_words(argv);
			free(word);
			return vs_oom(err);
		}
		n++;
	}
	argv[n] = NULL;
	free(word);
	*out = argv;
	return (int)n;
}

int vs_entry_named(const vs_cmd_entry *e, const char *name)
{
	if (strcmp(e->name, name) == 0)
		return 1;
	for (const char *const *a = e->aliases; a && *a; a++)
		if (strcmp(*a, name) == 0)
			return 1;
	return 0;
}

const vs_cmd_entry *vs_subcommand_find(const vs_cmd_entry *e, const char *name)
{
	for (const vs_cmd_entry *const *c = e->subcommands; c && *c; c++)
		if (vs_entry_named(*c, name))
			return *c;
	return NULL;
}

static int count_options(const vs_cmd_entry *e)
{
	int n = 0;
	while (e->options && e->options[n].name)
		n++;
	return n;
}

static int option_index(const vs_cmd_entry *e, const char *name)
{
	for (int i = 0; e->options && e->options[i].name; i++)
		if (strcmp(e->options[i].name, name) == 0)
			return i;
	return -1;
}

/* "load, tokens, text" */
static void list_subcommands(const vs_cmd_entry *e, char *buf, size_t size)
{
	buf[0] = '\0';
	for (const vs_cmd_entry *const *c = e->subcommands; c && *c; c++) {
		strncat(buf, (*c)->name, size - strlen(buf) - 1);
		if (c[1])
			strncat(buf, ", ", size - strlen(buf) - 1);
	}
}

static int check_entry(const vs_cmd_entry *parent, const vs_cmd_entry *e, vs_error *err)
{
	const char *p = parent ? parent->name : "", *sp = parent ? " " : "";
	if (!e->name || !*e->name || !e->usage || !e->summary || !e->example)
		return vs_fail(err, "command '%s%s%s' lacks a name, usage, summary or example", p, sp,
		               e->name ? e->name : "?");
	int n = count_options(e);
	if (n > VS_MAX_OPTIONS)
		return vs_fail(err, "command '%s%s%s' declares %d options; the parser takes %d", p, sp, e->name, n,
		               VS_MAX_OPTIONS);
	for (int i = 0; i < n; i++) {
		if (e->options[i].name[0] != '-' || !e->options[i].help)
			return vs_fail(err, "command '%s%s%s': option '%s' must start with '-' and have help", p, sp,
			               e->name, e->options[i].name);
		if (option_index(e, e->options[i].name) != i)
			return vs_fail(err, "command '%s%s%s' declares option '%s' twice", p, sp, e->name,
			               e->options[i].name);
	}
	if (e->subcommands) {
		if (parent)
			return vs_fail(err, "subcommand '%s %s' has subcommands of its own", p, e->name);
		if (!e->exec && e->options)
			return vs_fail(err, "command '%s' has subcommands and no handler, so no options of its own", e->name);
		for (const vs_cmd_entry *const *c = e->subcommands; *c; c++) {
			if (vs_subcommand_find(e, (*c)->name) != *c)
				return vs_fail(err, "command '%s' declares subcommand '%s' twice", e->name, (*c)->name);
			if (check_entry(e, *c, err) < 0)
				return -1;
		}
	} else if (!e->exec) {
		return vs_fail(err, "command '%s%s%s' has no handler", p, sp, e->name);
	}
	return 0;
}

int vs_command_table_check(const vs_cmd_entry *const *table, size_t n, vs_error *err)
{
	for (size_t i = 0; i < n; i++) {
		if (check_entry(NULL, table[i], err) < 0)
			return -1;
		for (size_t j = 0; j < i; j++) {
			if (vs_entry_named(table[j], table[i]->name))
				return vs_fail(err, "command '%s' is declared twice", table[i]->name);
			for (const char *const *a = table[i]->aliases; a && *a; a++)
				if (vs_entry_named(table[j], *a))
					return vs_fail(err, "command '%s' has the alias '%s' of '%s'", table[i]->name, *a,
					               table[j]->name);
		}
	}
	return 0;
}

/* An argument that looks like an option: "-k", "--format"; not "-" or a
 * negative number. */
static int looks_like_option(const char *w)
{
	return w[0] == '-' && w[1] && !(w[1] >= '0' && w[1] <= '9') && !(w[1] == '.' && w[2]);
}

static int choice_ok(const vs_option *o, const char *v, const char *cmd, vs_error *err)
{
	if (!o->choices || o->complete != VS_COMPLETE_CHOICE) /* a file's option offers words, takes any path */
		return 0;
	char list[256] = "";
	for (const char *const *c = o->choices; *c; c++) {
		if (strcmp(*c, v) == 0)
			return 0;
		strncat(list, *c, sizeof list - strlen(list) - 1);
		if (c[1])
			strncat(list, ", ", sizeof list - strlen(list) - 1);
	}
	return vs_fail(err, "%s: %s takes one of %s, not '%s'", cmd, o->name, list, v);
}

static int add_value(vs_args *a, int oi, const char *v, vs_error *err)
{
	if (a->nall[oi] == VS_MAX_VALUES)
		return vs_fail(err, "%s: %s is given more than %d times", a->name, a->entry->options[oi].name,
		               VS_MAX_VALUES);
	if (!a->all[oi] && !(a->all[oi] = malloc(VS_MAX_VALUES * sizeof *a->all[oi])))
		return vs_oom(err);
	a->all[oi][a->nall[oi]++] = v;
	a->opt[oi] = v;
	return 0;
}

/* One option word at words[*i] (its value may be the next word). */
static int parse_option(vs_args *a, char **words, int n, int *i, vs_error *err)
{
	const char *w = words[*i];
	const char *eq = w[1] == '-' ? strchr(w, '=') : NULL; /* --name=value */
	size_t nl = eq ? (size_t)(eq - w) : strlen(w);
	char name[64];
	if (nl >= sizeof name)
		return vs_fail(err, "%s: unknown option '%.40s...'", a->name, w);
	memcpy(name, w, nl);
	name[nl] = '\0';
	int oi = option_index(a->entry, name);
	if (oi < 0) {
		a->show_usage = 1;
		return vs_fail(err, "%s: unknown option '%s'", a->name, name);
	}
	const vs_option *o = &a->entry->options[oi];
	if (!o->value) {
		if (eq)
			return vs_fail(err, "%s: %s takes no value", a->name, name);
		a->opt[oi] = "";
		return 0;
	}
	const char *v = eq ? eq + 1 : (*i + 1 < n ? words[++*i] : NULL);
	if (!v)
		return vs_fail(err, "%s: %s needs a value (%s)", a->name, name, o->value);
	if (choice_ok(o, v, a->name, err) < 0)
		return -1;
	return add_value(a, oi, v, err);
}

/* The subcommand named by words[first]; a->entry stays the command on
 * failure, or when the command has a handler of its own for a line whose
 * first word names no subcommand (index NAME PATH... beside index add). */
static int choose_subcommand(vs_args *a, char **words, int n, int *first, vs_error *err)
{
	const vs_cmd_entry *e = a->entry;
	char list[256];
	list_subcommands(e, list, sizeof list);
	const vs_cmd_entry *sub = *first < n ? vs_subcommand_find(e, words[*first]) : NULL;
	if (!sub && e->exec)
		return 0;
	if (*first >= n)
		return vs_fail(err, "%s: expected a subcommand: %s", e->name, list);
	if (!sub)
		return vs_fail(err, "%s: unknown subcommand '%s' (it has: %s)", e->name, words[*first], list);
	a->parent = e;
	a->entry = sub;
	snprintf(a->name, sizeof a->name, "%s %s", e->name, sub->name);
	(*first)++;
	return 0;
}

int vs_args_parse(const vs_cmd_entry *e, char **words, int n, const char *rest, vs_args *a, vs_error *err)
{
	memset(a, 0, sizeof *a);
	a->entry = e;
	a->rest = rest;
	snprintf(a->name, sizeof a->name, "%s", e->name);
	int first = 1;
	if (e->subcommands && choose_subcommand(a, words, n, &first, err) < 0)
		return -1;
	if (count_options(a->entry) > VS_MAX_OPTIONS)
		return vs_fail(err, "%s: declares more options than the parser takes", a->name);
	a->argv = calloc((size_t)n + 1, sizeof *a->argv);
	if (!a->argv)
		return vs_oom(err);
	int only_args = a->entry->raw;
	for (int i = first; i < n; i++) {
		if (!only_args && strcmp(words[i], "--") == 0)
			only_args = 1;
		else if (!only_args && looks_like_option(words[i])) {
			if (parse_option(a, words, n, &i, err) < 0)
				return -1;
		} else
			a->argv[a->argc++] = words[i];
	}
	a->show_usage = 1;
	if (a->argc < a->entry->min_args || (a->entry->max_args >= 0 && a->argc > a->entry->max_args))
		return vs_fail(err, "%s: %s arguments", a->name, a->argc < a->entry->min_args ? "missing" : "too many");
	a->show_usage = 0;
	return 0;
}

void vs_args_free(vs_args *a)
{
	for (int i = 0; i < VS_MAX_OPTIONS; i++)
		free(a->all[i]);
	free(a->argv);
	memset(a, 0, sizeof *a);
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

/* A positive whole number up to 2^40 (bytes, with suffix: times 1024, 1024^2
 * or 1024^3 for a K, M or G after it): 0, or -1 when v is not one. */
static int whole_number(const char *v, int suffix, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long x = strtoull(v, &end, 10);
	int shift = 0;
	if (suffix && end != v && (*end == 'K' || *end == 'M' || *end == 'G')) {
		shift = *end == 'K' ? 10 : *end == 'M' ? 20 : 30;
		end++;
	}
	if (!*v || v[0] == '-' || end == v || *end || errno || x == 0 || x > (1ULL << 40) >> shift)
		return -1;
	*out = (size_t)(x << shift);
	return 0;
}

int vs_arg_size(vs_session *s, const vs_args *a, const char *name, size_t def, size_t *out)
{
	const char *v = vs_arg_opt(a, name);
	*out = def;
	if (v && whole_number(v, 0, out) < 0)
		return vs_session_error(s, "%s: %s takes a positive whole number, not '%s'", a->name, name, v);
	return 0;
}

int vs_arg_bytes(vs_session *s, const vs_args *a, const char *name, size_t def, size_t *out)
{
	const char *v = vs_arg_opt(a, name);
	*out = def;
	if (v && whole_number(v, 1, out) < 0)
		return vs_session_error(s, "%s: %s takes a size in bytes, or with K, M or G (1024-based): 512M, not '%s'",
		                        a->name, name, v);
	return 0;
}

void vs_entry_usage(const vs_cmd_entry *parent, const vs_cmd_entry *e, FILE *out)
{
	fprintf(out, "usage: %s%s%s%s%s\n", parent ? parent->name : "", parent ? " " : "", e->name,
	        e->usage[0] ? " " : "", e->usage);
}

void vs_command_usage(const vs_args *a, FILE *out)
{
	vs_entry_usage(a->parent, a->entry, out);
}
