#include <stdlib.h>
#include <string.h>

#include "vecsh/command.h"
#include "vecsh/repl.h"

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
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0')
			continue;
		s->line_no = line_no;
		vs_interrupted = 0;
		if (vs_run_line(s, p) < 0) {
			failed = 1;
			if (bail)
				break;
		}
	}
	free(line);
	s->script = saved;
	return failed ? -1 : 0;
}
