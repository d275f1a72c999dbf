/* Scripts: commands read from a file or standard input, one a line. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"

int vs_run_command(vs_session *s, const char *line)
{
	if (s->echo) {
		size_t n = strcspn(line, "\r\n");
		fprintf(s->out, "vecsh> %.*s\n", (int)n, line);
		fflush(s->out);
	}
	vs_interrupted = 0;
	return vs_run_line(s, line);
}

int vs_run_script(vs_session *s, FILE *f, const char *name, int bail)
{
	char *line = NULL;
	size_t cap = 0, line_no = 0;
	ssize_t n;
	int failed = 0;
	const char *saved = s->script;
	FILE *saved_in = s->script_in;
	size_t *saved_line = s->script_line;
	s->script = name;
	s->script_in = f;
	s->script_line = &line_no;
	while (!s->quit && (n = getline(&line, &cap, f)) >= 0) {
		line_no++;
		if ((size_t)n != strlen(line)) { /* a NUL byte would cut the command short, silently */
			s->line_no = line_no;
			vs_session_error(s, "a NUL byte in the line (a binary file?): the line is not run");
			s->failed = 1;
			failed = 1;
			if (bail)
				break;
			continue;
		}
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		s->line_no = line_no;
		if (vs_run_command(s, p) < 0) {
			failed = 1;
			if (bail)
				break;
		}
	}
	free(line);
	s->script = saved;
	s->script_in = saved_in;
	s->script_line = saved_line;
	return failed ? -1 : 0;
}

/* text grows by a line */
static int append(char **text, size_t *len, size_t *cap, const char *line, size_t n)
{
	if (*len + n + 2 > *cap) {
		size_t c = (*cap ? *cap : 256);
		while (*len + n + 2 > c)
			c *= 2;
		char *t = realloc(*text, c);
		if (!t)
			return -1;
		*text = t;
		*cap = c;
	}
	memcpy(*text + *len, line, n);
	*len += n;
	(*text)[*len] = '\0';
	return 0;
}

static int is_end_mark(const char *line, size_t n)
{
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	return n == 2 && line[0] == '\\' && line[1] == '.';
}

char *vs_session_read_data(vs_session *s, const char *command, size_t *len)
{
	char *text = NULL, *line = NULL;
	size_t cap = 0, lcap = 0;
	ssize_t n;
	int nul = 0, oom = 0;
	*len = 0;
	if (!append(&text, len, &cap, "", 0)) {
		if (s->script_in) { /* the lines after the command */
			while ((n = getline(&line, &lcap, s->script_in)) >= 0) {
				++*s->script_line;
				if (is_end_mark(line, (size_t)n))
					break;
				nul |= (size_t)n != strlen(line);
				oom |= append(&text, len, &cap, line, (size_t)n) < 0;
			}
		} else if (s->interactive && s->read_line) { /* typed, up to \. or Ctrl-D */
			fprintf(s->msg, "Enter the lines; end with \\. on a line of its own, or Ctrl-D.\n");
			char *l;
			while ((l = s->read_line(">> ")) && !is_end_mark(l, strlen(l))) {
				oom |= append(&text, len, &cap, l, strlen(l)) < 0 || append(&text, len, &cap, "\n", 1) < 0;
				free(l);
			}
			free(l);
		} else { /* -c: standard input */
			while ((n = getline(&line, &lcap, stdin)) >= 0) {
				nul |= (size_t)n != strlen(line);
				oom |= append(&text, len, &cap, line, (size_t)n) < 0;
			}
		}
	} else {
		oom = 1;
	}
	free(line);
	if (oom || nul) {
		free(text);
		if (oom)
			vs_session_oom(s);
		else
			vs_session_error(s, "%s: the data has a NUL byte (binary input?)", command);
		return NULL;
	}
	return text;
}
