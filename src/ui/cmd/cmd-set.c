/* set: the session's settings (echo, case), as sqlite3's .echo and friends. */
#include <string.h>

#include "ui/ui.h"

static const char *const on_off[] = {"on", "off", NULL};
static const char *const cases[] = {"exact", "fold", NULL};
static const char *const scans[] = {"auto", "codes", "float", NULL}; /* in vs_scan_policy's order */
static const char *const projections[] = {"pca", "tsne", "umap", NULL};

static int show_settings(vs_session *s, vs_args *a)
{
	(void)a;
	vs_result *r = vs_result_new();
	if (!r)
		return vs_session_oom(s);
	vs_result_col(r, "setting", VS_COL_STR, 0);
	vs_result_col(r, "value", VS_COL_STR, 0);
	const char *rows[][2] = {
		{"echo", s->echo ? "on" : "off"},
		{"case", s->fold_case ? "fold" : "exact"},
		{"format", vs_output_format_name(s->format)},
		{"scan", scans[vs_get_scan_policy()]},
		{"projection", projections[s->projection]},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (vs_result_row(r) < 0)
			break;
		vs_result_str(r, 0, rows[i][0]);
		vs_result_str(r, 1, rows[i][1]);
	}
	vs_session_show(s, r);
	return 0;
}

/* The value must be one of the choices (the argument parser checks options, not arguments). */
static int choice(vs_session *s, const vs_args *a, const char *const *choices)
{
	for (int i = 0; choices[i]; i++)
		if (strcmp(a->argv[0], choices[i]) == 0)
			return i;
	size_t n = 0;
	while (choices[n])
		n++;
	return vs_session_error(s, "%s: expected %s%s%s or %s, not '%s'", a->name, choices[0], n > 2 ? ", " : "",
	                        n > 2 ? choices[1] : "", choices[n - 1], a->argv[0]);
}

static int set_echo(vs_session *s, vs_args *a)
{
	int i = choice(s, a, on_off);
	if (i < 0)
		return -1;
	s->echo = i == 0;
	return 0;
}

static int set_case(vs_session *s, vs_args *a)
{
	int i = choice(s, a, cases);
	if (i < 0)
		return -1;
	s->fold_case = i == 1;
	return 0;
}

static int set_scan(vs_session *s, vs_args *a)
{
	int i = choice(s, a, scans);
	if (i < 0)
		return -1;
	vs_set_scan_policy((vs_scan_policy)i);
	return 0;
}

static int set_projection(vs_session *s, vs_args *a)
{
	int i = choice(s, a, projections);
	if (i < 0)
		return -1;
	s->projection = i;
	return 0;
}

static const vs_cmd_entry set_show_entry = {
	.name = "show",
	.usage = "",
	.summary = "list the settings and their values",
	.example = "set show",
	.exec = show_settings,
};

static const vs_cmd_entry set_echo_entry = {
	.name = "echo",
	.usage = "on|off",
	.summary = "print each command of a script before its output (as --echo)",
	.example = "set echo on",
	.min_args = 1,
	.max_args = 1,
	.first_complete = VS_COMPLETE_CHOICE,
	.choices = on_off,
	.exec = set_echo,
};

static const vs_cmd_entry set_case_entry = {
	.name = "case",
	.usage = "exact|fold",
	.summary = "look words up exactly, or whatever their case when not found as typed",
	.help = "fold: 'King' finds 'king' (the most frequent word of the same letters)\n"
	        "when the set has no 'King'; slides often capitalise words.",
	.example = "set case fold\nnn King - Man + Woman",
	.min_args = 1,
	.max_args = 1,
	.first_complete = VS_COMPLETE_CHOICE,
	.choices = cases,
	.exec = set_case,
};

static const vs_cmd_entry set_scan_entry = {
	.name = "scan",
	.usage = "auto|codes|float",
	.summary = "how nn, analogy, rank and vector queries read every row",
	.help = "codes: first through int8 codes of the rows (a quarter of the bytes), each\n"
	        "row's cosine bounded exactly, then the float32 cosines of the rows whose\n"
	        "bounds reach the top k: the same answers as a float32 scan, faster on big\n"
	        "sets. The codes are made on a set's first scan (on every core) or read\n"
	        "from a .vecs file that has them. float: one float32 scan of every row.\n"
	        "auto (the default): codes on sets of 8 M numbers or more. nn reads the\n"
	        "codes' high four bits first (made on its first scan), then the int8 codes\n"
	        "of the rows they leave.",
	.example = "set scan codes\nnn king -k 5\nset scan auto",
	.min_args = 1,
	.max_args = 1,
	.first_complete = VS_COMPLETE_CHOICE,
	.choices = scans,
	.exec = set_scan,
};

static const vs_cmd_entry set_projection_entry = {
	.name = "projection",
	.usage = "pca|tsne|umap",
	.summary = "how the browser's p lays out a list of words",
	.help = "pca (the default): principal components; tsne and umap as project\n"
	        "--method tsne and umap do (t-SNE's perplexity is cut to a third of the\n"
	        "list for short lists).",
	.example = "set projection tsne\nbrowse nn frog -k 40",
	.min_args = 1,
	.max_args = 1,
	.first_complete = VS_COMPLETE_CHOICE,
	.choices = projections,
	.exec = set_projection,
};

static const vs_cmd_entry *const set_subcommands[] = {&set_show_entry, &set_echo_entry, &set_case_entry,
                                                      &set_scan_entry, &set_projection_entry, NULL};

const vs_cmd_entry cmd_set_entry = {
	.name = "set",
	.usage = "SUBCOMMAND ...",
	.summary = "the session's settings: echo, case, scan, projection",
	.help = "The output format has a command of its own, 'format'.",
	.example = "set echo on\nset case fold\nset show",
	.subcommands = set_subcommands,
};
