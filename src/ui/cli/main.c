/* vecsh: a shell for exploring embeddings. main reads the command line,
 * loads the files it names, runs --init, then the -c/-f actions, the
 * interactive shell, or standard input, in that order. */
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/ui.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: vecsh [options] [FILE...]\n"
	        "Explore embeddings: word vectors, TF-IDF indexes and CLIP models.\n"
	        "\n"
	        "  FILE...            load these vector files at start\n"
	        "  -c CMD             run the command CMD (may be repeated), then exit\n"
	        "  -f SCRIPT          run the commands in SCRIPT, then exit\n"
	        "  --init SCRIPT      run the commands in SCRIPT first, then go on as usual\n"
	        "  --bail             stop at the first command that fails\n"
	        "  --echo             print each command (as 'vecsh> CMD') before its output\n"
	        "  --format FMT       output format: table, tsv, json or jsonl\n"
	        "  -q, --quiet        no banner or informational messages\n"
	        "  -h, --help         show this help\n"
	        "  --version          show the version\n"
	        "\n"
	        "Without -c or -f, vecsh reads commands from the terminal (with history and Tab\n"
	        "completion), or from standard input when it is not a terminal.\n"
	        "Type 'help' inside vecsh for the commands; 'man vecsh' for the manual.\n");
}

/* What the command line asked for. */
typedef struct options {
	char **actions;  /* -c commands and -f scripts, in the order given */
	char *kinds;     /* 'c' or 'f' for each action */
	int nactions;
	int bail;
	const char *init;
	int exit_now;    /* --help, --version, --list-commands done, or a bad option: */
	int status;      /* the exit status then */
} options;

enum { OPT_BAIL = 256, OPT_FORMAT, OPT_VERSION, OPT_LIST, OPT_INIT, OPT_ECHO };

static const struct option longopts[] = {
	{"bail", no_argument, NULL, OPT_BAIL},       {"format", required_argument, NULL, OPT_FORMAT},
	{"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION}, {"list-commands", no_argument, NULL, OPT_LIST},
	{"init", required_argument, NULL, OPT_INIT}, {"echo", no_argument, NULL, OPT_ECHO},
	{NULL, 0, NULL, 0},
};

static void stop_with(options *o, int status)
{
	o->exit_now = 1;
	o->status = status;
}

/* Read the options into o and the session; returns -1 when out of memory. */
static int parse_options(int argc, char **argv, vs_session *s, options *o)
{
	memset(o, 0, sizeof *o);
	o->actions = calloc((size_t)argc, sizeof *o->actions);
	o->kinds = calloc((size_t)argc + 1, 1);
	if (!o->actions || !o->kinds)
		return -1;
	int c;
	while (!o->exit_now && (c = getopt_long(argc, argv, "c:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'f':
			o->kinds[o->nactions] = (char)c;
			o->actions[o->nactions++] = optarg;
			break;
		case 'q': s->quiet = 1; break;
		case OPT_BAIL: o->bail = 1; break;
		case OPT_ECHO: s->echo = 1; break;
		case OPT_INIT: o->init = optarg; break;
		case OPT_FORMAT:
			if (vs_output_format_parse(optarg, &s->format) < 0) {
				fprintf(stderr, "vecsh: --format takes table, tsv, json or jsonl, not '%s'\n", optarg);
				stop_with(o, 2);
			}
			break;
		case 'h':
			usage(stdout);
			stop_with(o, 0);
			break;
		case OPT_VERSION:
			printf("vecsh %s\n", VECSH_VERSION);
			stop_with(o, 0);
			break;
		case OPT_LIST:
			for (size_t i = 0; i < vs_ncommands; i++)
				printf("%s\n", vs_commands[i]->name);
			stop_with(o, 0);
			break;
		default:
			usage(stderr);
			stop_with(o, 2);
			break;
		}
	}
	return 0;
}

static void on_sigint_batch(int sig)
{
	(void)sig;
	vs_interrupted = 1;
}

/* Outside the interactive shell Ctrl-C interrupts the running command. */
static void catch_interrupts(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint_batch;
	sigaction(SIGINT, &sa, NULL);
}

static int run_script_file(vs_session *s, const char *path, int bail)
{
	if (strcmp(path, "-") == 0)
		return vs_run_script(s, stdin, "-", bail);
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "vecsh: %s: cannot open the script\n", path);
		return -1;
	}
	/* relative paths in a script are the script's folder's, wherever vecsh runs */
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char *copy = strdup(path);
	const char *dir = copy ? dirname(copy) : ".";
	if (here < 0 || chdir(dir) != 0) {
		fprintf(stderr, "vecsh: %s: cannot enter the script's folder\n", path);
		free(copy);
		fclose(f);
		if (here >= 0)
			close(here);
		return -1;
	}
	int rc = vs_run_script(s, f, path, bail);
	if (fchdir(here) != 0)
		fprintf(stderr, "vecsh: cannot return to the folder vecsh started in\n");
	close(here);
	free(copy);
	fclose(f);
	return rc;
}

/* The -c commands and -f scripts in the order given. */
static int run_actions(vs_session *s, const options *o)
{
	int failed = 0;
	for (int i = 0; i < o->nactions && !s->quit && !(failed && o->bail); i++) {
		int rc;
		if (o->kinds[i] == 'c') {
			s->script = NULL; /* a single command: "vecsh: message" */
			rc = vs_run_command(s, o->actions[i]);
		} else {
			rc = run_script_file(s, o->actions[i], o->bail);
		}
		if (rc < 0)
			failed = 1;
	}
	return failed ? -1 : 0;
}

/* Files named on the command line, then --init. */
static int load_start_files(vs_session *s, int argc, char **argv, const options *o)
{
	int failed = 0;
	for (int i = optind; i < argc && !(failed && o->bail); i++)
		if (vs_session_load(s, argv[i], NULL, NULL) < 0)
			failed = 1;
	if (o->init && !(failed && o->bail) && run_script_file(s, o->init, o->bail) < 0)
		failed = 1;
	return failed ? -1 : 0;
}

int main(int argc, char **argv)
{
	vs_session s;
	vs_session_init(&s);
	/* characters (for readline and the browser), never numbers: output keeps '.' */
	setlocale(LC_CTYPE, "");
	options o;
	int status = 2;
	vs_error err;
	if (vs_command_table_check(vs_commands, vs_ncommands, &err) < 0) {
		fprintf(stderr, "vecsh: internal error in the command table: %s\n", err.msg);
		return 70;
	}
	s.commands = vs_commands;
	s.ncommands = vs_ncommands;
	vs_map_guard_install(); /* a mapped file truncated underneath is an error, not the end */
	if (parse_options(argc, argv, &s, &o) < 0)
		goto done;
	if (o.exit_now) {
		status = o.status;
		goto done;
	}
	int interactive = o.nactions == 0 && isatty(STDIN_FILENO);
	s.interactive = interactive;
	if (!interactive)
		catch_interrupts();
	int failed = load_start_files(&s, argc, argv, &o) < 0;
	if (!(failed && o.bail)) {
		if (o.nactions)
			failed |= run_actions(&s, &o) < 0;
		else if (interactive)
			vs_repl(&s);
		else
			failed |= vs_run_script(&s, stdin, "-", o.bail) < 0;
	}
	/* a script's exit status says whether every command succeeded; an
	 * interactive session's, as in sh or sqlite3, only whether vecsh ran */
	if (!interactive)
		failed |= s.failed;
	status = s.exit_status >= 0 ? s.exit_status : failed ? 1 : 0;
done:
	vs_session_free(&s);
	free(o.actions);
	free(o.kinds);
	return status;
}
