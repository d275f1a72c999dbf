/* quit: leave vecsh. */
#include "ui/ui.h"

static int cmd_quit_exec(vs_session *s, vs_args *a)
{
	(void)a;
	s->quit = 1;
	return 0;
}

const vs_cmd_entry cmd_quit_entry = {
	.name = "quit",
	.alias = "exit",
	.usage = "",
	.summary = "leave vecsh (Ctrl-D does too)",
	.example = "quit",
	.min_args = 0,
	.max_args = 0,
	.exec = cmd_quit_exec,
};
