/* help: the command list, or one command's (or subcommand's) usage, options and example. */
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

static void list_commands(const vs_session *s, FILE *out)
{
	size_t w = 0;
	for (size_t i = 0; i < s->ncommands; i++)
		if (strlen(s->commands[i]->name) > w)
			w = strlen(s->commands[i]->name);
	fprintf(out, "Commands (help COMMAND for more):\n");
	for (size_t i = 0; i < s->ncommands; i++)
		fprintf(out, "  %-*s  %s\n", (int)w, s->commands[i]->name, s->commands[i]->summary);
}

static void list_options(const vs_option *options, FILE *out)
{
	if (!options || !options[0].name)
		return;
	size_t w = 0;
	for (const vs_option *o = options; o->name; o++) {
		size_t l = strlen(o->name) + (o->value ? 1 + strlen(o->value) : 0);
		if (l > w)
			w = l;
	}
	fprintf(out, "\noptions:\n");
	for (const vs_option *o = options; o->name; o++) {
		char head[128];
		snprintf(head, sizeof head, "%s%s%s", o->name, o->value ? " " : "", o->value ? o->value : "");
		fprintf(out, "  %-*s  %s\n", (int)w, head, o->help);
	}
}

static void list_subcommands(const vs_cmd_entry *e, FILE *out)
{
	size_t w = 0;
	for (const vs_cmd_entry *const *c = e->subcommands; *c; c++)
		if (strlen((*c)->name) > w)
			w = strlen((*c)->name);
	fprintf(out, "\nsubcommands (help %s SUBCOMMAND for more):\n", e->name);
	for (const vs_cmd_entry *const *c = e->subcommands; *c; c++)
		fprintf(out, "  %-*s  %s\n", (int)w, (*c)->name, (*c)->summary);
}

static void describe(const vs_cmd_entry *parent, const vs_cmd_entry *e, FILE *out)
{
	vs_entry_usage(parent, e, out);
	fprintf(out, "%s", e->summary);
	for (const char *const *a = e->aliases; a && *a; a++)
		fprintf(out, "%s%s", a == e->aliases ? "; also called " : ", ", *a);
	fputc('\n', out);
	if (e->help) {
		fputc('\n', out);
		print_indented(out, e->help);
	}
	if (e->subcommands)
		list_subcommands(e, out);
	list_options(e->options, out);
	fprintf(out, "\nexample:\n");
	print_indented(out, e->example);
}

static int cmd_help_exec(vs_session *s, vs_args *a)
{
	if (a->argc == 0) {
		list_commands(s, s->out);
		return 0;
	}
	const vs_cmd_entry *e = vs_command_find(s, a->argv[0]), *sub = NULL;
	if (!e)
		return vs_session_error(s, "help: unknown command '%s'", a->argv[0]);
	if (a->argc == 2 && !(sub = e->subcommands ? vs_subcommand_find(e, a->argv[1]) : NULL))
		return vs_session_error(s, "help: '%s' has no subcommand '%s'", e->name, a->argv[1]);
	if (sub)
		describe(e, sub, s->out);
	else
		describe(NULL, e, s->out);
	return 0;
}

const vs_cmd_entry cmd_help_entry = {
	.name = "help",
	.usage = "[COMMAND [SUBCOMMAND]]",
	.summary = "list the commands, or show how to use one",
	.example = "help\nhelp nn\nhelp clip classify",
	.min_args = 0,
	.max_args = 2,
	.args_complete = VS_COMPLETE_COMMAND,
	.exec = cmd_help_exec,
};
