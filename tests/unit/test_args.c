/* Unit tests: the argument parser (splitting, quoting, options, repeated
 * values, choices, subcommands, limits), the command table check, and the
 * renderers of results. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ui/ui.h"

static int noop(vs_session *s, vs_args *a)
{
	(void)s;
	(void)a;
	return 0;
}

static const char *const colours[] = {"red", "green", NULL};

static const vs_option opts[] = {
	{"-k", "N", "how many", VS_COMPLETE_NONE, NULL},
	{"--flag", NULL, "a flag", VS_COMPLETE_NONE, NULL},
	{"--colour", "C", "a choice", VS_COMPLETE_CHOICE, colours},
	{"--many", "V", "repeated", VS_COMPLETE_NONE, NULL},
	{0},
};

static const vs_cmd_entry test_entry = {
	.name = "t", .usage = "ARG...", .summary = "s", .example = "t x", .min_args = 1, .max_args = 3,
	.options = opts, .exec = noop,
};

static const vs_cmd_entry sub_a = {
	.name = "alpha", .aliases = (const char *const[]){"a", NULL}, .usage = "X", .summary = "s", .example = "p alpha x", .min_args = 1,
	.max_args = 1, .options = opts, .exec = noop,
};
static const vs_cmd_entry sub_b = {
	.name = "beta", .usage = "", .summary = "s", .example = "p beta", .exec = noop,
};
static const vs_cmd_entry *const subs[] = {&sub_a, &sub_b, NULL};
static const vs_cmd_entry parent_entry = {
	.name = "p", .usage = "SUBCOMMAND ...", .summary = "s", .example = "p beta", .subcommands = subs,
};

/* Split and parse a line for e; returns the parse status. */
static int parse(const vs_cmd_entry *e, const char *line, vs_args *a, char ***words, vs_error *err)
{
	int n = vs_split_line(line, words, err);
	assert_true(n >= 1);
	return vs_args_parse(e, *words, n, "", a, err);
}

static void test_split_and_quote(void **state)
{
	(void)state;
	char **w;
	vs_error err;
	assert_int_equal(vs_split_line("  nn 'king queen' \"a \\\"b\\\"\" c\\ d  ", &w, &err), 4);
	assert_string_equal(w[0], "nn");
	assert_string_equal(w[1], "king queen");
	assert_string_equal(w[2], "a \"b\"");
	assert_string_equal(w[3], "c d");
	assert_null(w[4]);
	vs_free_words(w);
	assert_int_equal(vs_split_line("", &w, &err), 0);
	vs_free_words(w);
	assert_int_equal(vs_split_line("nn 'open", &w, &err), -1);
	assert_string_equal(err.msg, "unbalanced ' quote");
}

static void test_options(void **state)
{
	(void)state;
	vs_args a;
	char **w;
	vs_error err;
	assert_int_equal(parse(&test_entry, "t x -k 5 --flag --colour=green -- -y", &a, &w, &err), 0);
	assert_int_equal(a.argc, 2);
	assert_string_equal(a.argv[0], "x");
	assert_string_equal(a.argv[1], "-y");
	assert_string_equal(vs_arg_opt(&a, "-k"), "5");
	assert_true(vs_arg_flag(&a, "--flag"));
	assert_string_equal(vs_arg_opt(&a, "--colour"), "green");
	assert_null(vs_arg_opt(&a, "--many"));
	vs_args_free(&a);
	vs_free_words(w);
	/* negative numbers are arguments, not options */
	assert_int_equal(parse(&test_entry, "t -1.5 -.5 -", &a, &w, &err), 0);
	assert_int_equal(a.argc, 3);
	vs_args_free(&a);
	vs_free_words(w);
}

static void test_option_errors(void **state)
{
	(void)state;
	static const struct {
		const char *line, *msg;
		int usage;
	} cases[] = {
		{"t x --nosuch", "t: unknown option '--nosuch'", 1},
		{"t x -k", "t: -k needs a value (N)", 0},
		{"t x --flag=1", "t: --flag takes no value", 0},
		{"t x --colour blue", "t: --colour takes one of red, green, not 'blue'", 0},
		{"t", "t: missing arguments", 1},
		{"t a b c d", "t: too many arguments", 1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		vs_args a;
		char **w;
		vs_error err;
		assert_int_equal(parse(&test_entry, cases[i].line, &a, &w, &err), -1);
		assert_string_equal(err.msg, cases[i].msg);
		assert_int_equal(a.show_usage, cases[i].usage);
		vs_args_free(&a);
		vs_free_words(w);
	}
}

static void test_repeated_values(void **state)
{
	(void)state;
	char line[4096] = "t x";
	for (int i = 0; i < VS_MAX_VALUES; i++)
		snprintf(line + strlen(line), sizeof line - strlen(line), " --many v%d", i);
	vs_args a;
	char **w;
	vs_error err;
	assert_int_equal(parse(&test_entry, line, &a, &w, &err), 0);
	int n;
	const char *const *all = vs_arg_all(&a, "--many", &n);
	assert_int_equal(n, VS_MAX_VALUES);
	assert_string_equal(all[0], "v0");
	assert_string_equal(all[VS_MAX_VALUES - 1], "v63");
	vs_args_free(&a);
	vs_free_words(w);
	/* one more is an error, never a silent drop */
	strcat(line, " --many last");
	assert_int_equal(parse(&test_entry, line, &a, &w, &err), -1);
	assert_string_equal(err.msg, "t: --many is given more than 64 times");
	vs_args_free(&a);
	vs_free_words(w);
}

static void test_subcommands(void **state)
{
	(void)state;
	vs_args a;
	char **w;
	vs_error err;
	assert_int_equal(parse(&parent_entry, "p a x -k 2", &a, &w, &err), 0);
	assert_ptr_equal(a.entry, &sub_a);
	assert_ptr_equal(a.parent, &parent_entry);
	assert_string_equal(a.name, "p alpha");
	assert_int_equal(a.argc, 1);
	assert_string_equal(a.argv[0], "x");
	assert_string_equal(vs_arg_opt(&a, "-k"), "2");
	vs_args_free(&a);
	vs_free_words(w);
	/* each subcommand has its own options and arity */
	assert_int_equal(parse(&parent_entry, "p beta -k 2", &a, &w, &err), -1);
	assert_string_equal(err.msg, "p beta: unknown option '-k'");
	vs_args_free(&a);
	vs_free_words(w);
	assert_int_equal(parse(&parent_entry, "p gamma", &a, &w, &err), -1);
	assert_string_equal(err.msg, "p: unknown subcommand 'gamma' (it has: alpha, beta)");
	vs_args_free(&a);
	vs_free_words(w);
	assert_int_equal(parse(&parent_entry, "p", &a, &w, &err), -1);
	assert_string_equal(err.msg, "p: expected a subcommand: alpha, beta");
	vs_args_free(&a);
	vs_free_words(w);
}

static void test_table_check(void **state)
{
	(void)state;
	vs_error err;
	assert_int_equal(vs_command_table_check(vs_commands, vs_ncommands, &err), 0);
	const vs_cmd_entry *ok[] = {&test_entry, &parent_entry};
	assert_int_equal(vs_command_table_check(ok, 2, &err), 0);
	/* a spec with more options than the parser takes is refused */
	static vs_option many[VS_MAX_OPTIONS + 2];
	static char names[VS_MAX_OPTIONS + 1][8];
	for (int i = 0; i <= VS_MAX_OPTIONS; i++) {
		snprintf(names[i], sizeof names[i], "--o%d", i);
		many[i] = (vs_option){names[i], NULL, "h", VS_COMPLETE_NONE, NULL};
	}
	vs_cmd_entry big = test_entry;
	big.options = many;
	const vs_cmd_entry *bad[] = {&big};
	assert_int_equal(vs_command_table_check(bad, 1, &err), -1);
	assert_string_equal(err.msg, "command 't' declares 25 options; the parser takes 24");
	const vs_cmd_entry *twice[] = {&test_entry, &test_entry};
	assert_int_equal(vs_command_table_check(twice, 2, &err), -1);
	assert_string_equal(err.msg, "command 't' is declared twice");
	vs_cmd_entry nohandler = test_entry;
	nohandler.exec = NULL;
	const vs_cmd_entry *nh[] = {&nohandler};
	assert_int_equal(vs_command_table_check(nh, 1, &err), -1);
	assert_string_equal(err.msg, "command 't' has no handler");
}

static char *render(const vs_result *r, vs_output_format f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	vs_result_print(r, f, NULL, out, NULL);
	fclose(out);
	return buf;
}

static void test_rendering(void **state)
{
	(void)state;
	vs_result *r = vs_result_new();
	assert_int_equal(vs_result_col(r, "word", VS_COL_STR, 0), 0);
	assert_int_equal(vs_result_col(r, "score", VS_COL_FLOAT, 3), 0);
	assert_int_equal(vs_result_row(r), 0);
	vs_result_str(r, 0, "caf\xc3\xa9\t\"x\"");
	vs_result_float(r, 1, 0.5);
	assert_int_equal(vs_result_row(r), 0);
	vs_result_str(r, 0, "b");
	char *t = render(r, VS_OUT_TSV);
	assert_string_equal(t, "word\tscore\ncaf\xc3\xa9\\t\"x\"\t0.500\nb\t\n");
	free(t);
	t = render(r, VS_OUT_JSONL);
	assert_string_equal(t, "{\"rows\":[{\"word\":\"caf\xc3\xa9\\t\\\"x\\\"\",\"score\":0.5},{\"word\":\"b\",\"score\":null}]}\n");
	free(t);
	/* context: leading TSV columns, JSON fields */
	vs_result_context_str(r, "doc", "d1");
	t = render(r, VS_OUT_TSV);
	assert_string_equal(t, "doc\tword\tscore\nd1\tcaf\xc3\xa9\\t\"x\"\t0.500\nd1\tb\t\n");
	free(t);
	t = render(r, VS_OUT_JSONL);
	assert_non_null(strstr(t, "{\"doc\":\"d1\",\"rows\":["));
	free(t);
	t = render(r, VS_OUT_TABLE);
	assert_non_null(strstr(t, "word"));
	free(t);
	/* columns past the limit are an error, not a silent drop */
	for (int i = 2; i < VS_RESULT_MAX_COLS; i++)
		vs_result_col(r, "x", VS_COL_INT, 0);
	vs_result_free(r);
	r = vs_result_new();
	for (int i = 0; i < VS_RESULT_MAX_COLS; i++)
		assert_int_equal(vs_result_col(r, "x", VS_COL_INT, 0), 0);
	assert_int_equal(vs_result_col(r, "y", VS_COL_INT, 0), -1);
	assert_int_equal(vs_result_row(r), -1);
	vs_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_and_quote), cmocka_unit_test(test_options),
		cmocka_unit_test(test_option_errors),   cmocka_unit_test(test_repeated_values),
		cmocka_unit_test(test_subcommands),     cmocka_unit_test(test_table_check),
		cmocka_unit_test(test_rendering),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
