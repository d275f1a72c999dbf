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
	s->script = name;
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
	return failed ? -1 : 0;
}
