/* format: how results are printed. */
#include "ui/ui.h"

static int cmd_format_exec(vs_session *s, vs_args *a)
{
	if (a->argc == 0) {
		fprintf(s->out, "%s\n", vs_output_format_name(s->format));
		return 0;
	}
	vs_output_format f;
	if (vs_output_format_parse(a->argv[0], &f) < 0)
		return vs_session_error(s, "format: expected table, tsv, json or jsonl, not '%s'", a->argv[0]);
	if (f != VS_OUT_JSON)
		vs_session_end_output(s);
	s->format = f;
	return 0;
}

const vs_cmd_entry cmd_format_entry = {
	.name = "format",
	.usage = "[table|tsv|json|jsonl]",
	.summary = "set (or show) the output format",
	.help = "table: aligned columns for people, with a title line where a result has one.\n"
	        "tsv: a header line, then one line per item, scores with 6 decimals; what the\n"
	        "rows are about (the document of keywords, the image of clip classify) is in\n"
	        "leading columns. json: the whole output is one JSON array with an object per\n"
	        "result: {\"command\": ..., its context, \"rows\": [...], \"notes\": [...]}.\n"
	        "jsonl: the same objects, one a line (JSON Lines).",
	.example = "format tsv\nformat json",
	.min_args = 0,
	.max_args = 1,
	.args_complete = VS_COMPLETE_CHOICE,
	.choices = vs_output_format_choices,
	.exec = cmd_format_exec,
};
