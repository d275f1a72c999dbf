/* help: the command list, or one command's usage, options and example. */
#include <string.h>

#include "ui/ui.h"

static void print_indented(FILE *out, const char *text)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		fprintf(out, "  %.*s\n", (int)n, p);
		p += n + (nl != NULL);
	}
}

static int cmd_help_exec(vs_session *s, vs_args *a)
{
	FILE *out = s->out;
	if (a->argc == 0) {
		size_t w = 0;
		for (size_t i = 0; i < vs_ncommands; i++)
			if (strlen(vs_commands[i]->name) > w)
				w = strlen(vs_commands[i]->name);
		fprintf(out, "Commands (help COMMAND for more):\n");
		for (size_t i = 0; i < vs_ncommands; i++)
			fprintf(out, "  %-*s  %s\n", (int)w, vs_commands[i]->name, vs_commands[i]->summary);
		return 0;
	}
	const vs_cmd_entry *e = vs_command_find(a->argv[0]);
	if (!e)
		return vs_session_error(s, "help: unknown command '%s'", a->argv[0]);
	vs_command_usage(e, out);
	fprintf(out, "%s%s%s\n", e->summary, e->alias ? "; also called " : "", e->alias ? e->alias : "");
	if (e->help) {
		fputc('\n', out);
		print_indented(out, e->help);
	}
	if (e->options && e->options[0].name) {
		fprintf(out, "\noptions:\n");
		for (const vs_option *o = e->options; o->name; o++) {
			char head[64];
			snprintf(head, sizeof head, "%s%s%s", o->name, o->value ? " " : "", o->value ? o->value : "");
			fprintf(out, "  %-18s %s\n", head, o->help);
		}
	}
	fprintf(out, "\nexample:\n");
	print_indented(out, e->example);
	return 0;
}

const vs_cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND]",
	.summary = "list the commands, or show how to use one",
	.example = "help\nhelp nn",
	.min_args = 0,
	.max_args = 1,
	.args_complete = VS_COMPLETE_COMMAND,
	.exec = cmd_help_exec,
};
