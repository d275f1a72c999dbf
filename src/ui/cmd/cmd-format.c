/* format: how results are printed. */
#include "ui/ui.h"

static int cmd_format_exec(vs_session *s, vs_args *a)
{
	if (a->argc == 0) {
		fprintf(s->out, "%s\n", vs_output_format_name(s->format));
		return 0;
	}
	if (vs_output_format_parse(a->argv[0], &s->format) < 0)
		return vs_session_error(s, "format: expected table, tsv or json, not '%s'", a->argv[0]);
	return 0;
}

const vs_cmd_entry cmd_format_entry = {
	.name = "format",
	.usage = "[table|tsv|json]",
	.summary = "set (or show) the output format",
	.help = "table: aligned columns for people. tsv: a header line, then one line per item,\n"
	        "scores with 6 decimals. json: one JSON array of objects per result, on a line.",
	.example = "format tsv",
	.min_args = 0,
	.max_args = 1,
	.args_complete = VS_COMPLETE_CHOICE,
	.choices = vs_output_format_choices,
	.exec = cmd_format_exec,
};
