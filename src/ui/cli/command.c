/* Dispatch: a command line run in the session through the command table. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"

const vs_cmd_entry *vs_command_find(const vs_session *s, const char *name)
{
	for (size_t i = 0; i < s->ncommands; i++) {
		const vs_cmd_entry *e = s->commands[i];
		if (vs_entry_named(e, name))
			return e;
	}
	return NULL;
}

/* The command (or alias) nearest to a mistyped name, within two edits, or NULL. */
static const char *nearest_command(const vs_session *s, const char *name)
{
	size_t ln = strlen(name), best = 3;
	const char *near = NULL;
	for (size_t i = 0; i < s->ncommands; i++) {
		const vs_cmd_entry *e = s->commands[i];
		for (int k = -1; k < 0 || (e->aliases && e->aliases[k]); k++) {
			const char *c = k < 0 ? e->name : e->aliases[k];
			size_t d = vs_edit_distance(name, ln, c, strlen(c), best - 1);
			if (d < best) {
				best = d;
				near = c;
			}
		}
	}
	return near;
}

/* The line after the command's name, as typed. */
static const char *after_name(const char *line)
{
	const char *r = line;
	while (*r == ' ' || *r == '\t')
		r++;
	while (*r && *r != ' ' && *r != '\t')
		r++;
	while (*r == ' ' || *r == '\t')
		r++;
	return r;
}

/* Remember what made a new result: browse shows it and drills from it. */
static void remember_query(vs_session *s, const char *line)
{
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

int vs_run_line(vs_session *s, const char *line)
{
	vs_error err = {{0}};
	char **words;
	int n = vs_split_line(line, &words, &err);
	if (n < 0) {
		s->failed = 1;
		return vs_session_error(s, "%s", err.msg);
	}
	if (n == 0) {
		vs_free_words(words);
		return 0;
	}
	int rc = -1;
	vs_args a;
	memset(&a, 0, sizeof a);
	const vs_cmd_entry *e = vs_command_find(s, words[0]);
	if (!e) {
		const char *near = nearest_command(s, words[0]);
		if (near)
			vs_session_error(s, "unknown command '%s'; did you mean '%s'? (type 'help' for the list)", words[0],
			                 near);
		else
			vs_session_error(s, "unknown command '%s' (type 'help' for the list)", words[0]);
	} else if (vs_args_parse(e, words, n, after_name(line), &a, &err) < 0) {
		vs_session_error(s, "%s", err.msg);
		if (a.show_usage)
			vs_command_usage(&a, s->msg);
	} else {
		vs_result *before = s->last;
		char *cmd = strdup(line), *saved = (char *)s->command;
		if (cmd) {
			char *p = cmd + strspn(cmd, " \t");
			p[strcspn(p, "\r\n")] = '\0';
			s->command = p;
		}
		s->oov_words[0] = '\0';
		rc = a.entry->exec(s, &a);
		s->oov_words[0] = '\0';
		if (vs_session_check_maps(s) < 0) /* a mapped file changed underneath the command */
			rc = -1;
		s->command = saved;
		free(cmd);
		if (rc == 0 && s->last && s->last != before && !s->last->query)
			remember_query(s, line);
	}
	vs_args_free(&a);
	vs_free_words(words);
	if (rc < 0)
		s->failed = 1;
	return rc;
}
