/* quit: leave vecsh, with an exit status; an interactive session with
 * unsaved work is warned once, as editors do. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"

/* The name of something built in this session and not saved, or NULL. */
static const char *unsaved_name(const vs_session *s, const char **kind)
{
	for (size_t i = 0; i < s->nindexes; i++)
		if (s->indexes[i]->unsaved) {
			*kind = "index";
			return s->indexes[i]->name;
		}
	for (size_t i = 0; i < s->nsets; i++)
		if (s->sets[i]->unsaved) {
			*kind = "set";
			return s->sets[i]->name;
		}
	return NULL;
}

int vs_session_may_quit(vs_session *s)
{
	const char *kind, *name = unsaved_name(s, &kind);
	if (!s->interactive || !name || s->quit_warned)
		return 1;
	s->quit_warned = 1;
	vs_session_warn(s, "the %s %s was made in this session and not saved ('save %s FILE'); quit again to leave "
	                   "without saving", kind, name, name);
	return 0;
}

static int cmd_quit_exec(vs_session *s, vs_args *a)
{
	int status = -1;
	if (a->argc == 1) {
		char *end;
		errno = 0;
		long v = strtol(a->argv[0], &end, 10);
		if (!*a->argv[0] || *end || errno || v < 0 || v > 255)
			return vs_session_error(s, "quit: the exit status is a whole number from 0 to 255, not '%s'",
			                        a->argv[0]);
		status = (int)v;
	}
	if (!vs_session_may_quit(s))
		return 0;
	s->quit = 1;
	s->exit_status = status;
	return 0;
}

const vs_cmd_entry cmd_quit_entry = {
	.name = "quit",
	.aliases = (const char *const[]){"exit", "q", ".quit", NULL},
	.usage = "[STATUS]",
	.summary = "leave vecsh (Ctrl-D does too)",
	.help = "STATUS (0 to 255) is vecsh's exit status; without it, a script's status says\n"
	        "whether every command succeeded. At the terminal, when an index or a set was\n"
	        "made in the session and not saved, the first quit says so and a second quits.",
	.example = "quit\nquit 3",
	.min_args = 0,
	.max_args = 1,
	.exec = cmd_quit_exec,
};
