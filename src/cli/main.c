/* vecsh: a shell for exploring embeddings. */
#include <getopt.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vecsh/command.h"
#include "vecsh/repl.h"

static void usage(FILE *out)
{
	fprintf(out,
	        "usage: vecsh [options] [FILE...]\n"
	        "Explore word vectors: nearest neighbours, analogies, benchmarks.\n"
	        "\n"
	        "  FILE...            load these vector files at start\n"
	        "  -c CMD             run the command CMD (may be repeated), then exit\n"
	        "  -f SCRIPT          run the commands in SCRIPT, then exit\n"
	        "  --init SCRIPT      run the commands in SCRIPT first, then go on as usual\n"
	        "  --bail             stop at the first command that fails\n"
	        "  --format FMT       output format: table, tsv or json\n"
	        "  -q, --quiet        no banner or informational messages\n"
	        "  -h, --help         show this help\n"
	        "  --version          show the version\n"
	        "\n"
	        "Without -c or -f, vecsh reads commands from the terminal (with history and Tab\n"
	        "completion), or from standard input when it is not a terminal.\n"
	        "Type 'help' inside vecsh for the commands; 'man vecsh' for the manual.\n");
}

static void on_sigint_batch(int sig)
{
	(void)sig;
	vs_interrupted = 1;
}

int main(int argc, char **argv)
{
	vs_session s;
	vs_session_init(&s);
	/* characters (for readline and the browser), never numbers: output keeps '.' */
	setlocale(LC_CTYPE, "");
	enum { OPT_BAIL = 256, OPT_FORMAT, OPT_VERSION, OPT_LIST, OPT_INIT };
	static const struct option longopts[] = {
		{"bail", no_argument, NULL, OPT_BAIL},       {"format", required_argument, NULL, OPT_FORMAT},
		{"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, OPT_VERSION}, {"list-commands", no_argument, NULL, OPT_LIST},
		{"init", required_argument, NULL, OPT_INIT},
		{NULL, 0, NULL, 0},
	};
	/* -c and -f run in the order given */
	char **actions = calloc((size_t)argc, sizeof *actions);
	char *kinds = calloc((size_t)argc + 1, 1);
	int nactions = 0, bail = 0, c, status = -1;
	const char *init = NULL;
	if (!actions || !kinds)
		return 2;
	while ((c = getopt_long(argc, argv, "c:f:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
		case 'f':
			kinds[nactions] = (char)c;
			actions[nactions++] = optarg;
			break;
		case 'q':
			s.quiet = 1;
			break;
		case OPT_BAIL:
			bail = 1;
			break;
		case OPT_INIT:
			init = optarg;
			break;
		case OPT_FORMAT:
			if (vs_output_format_parse(optarg, &s.format) < 0) {
				fprintf(stderr, "vecsh: --format takes table, tsv or json, not '%s'\n", optarg);
				status = 2;
				goto done;
			}
			break;
		case 'h':
			usage(stdout);
			status = 0;
			goto done;
		case OPT_VERSION:
			printf("vecsh %s\n", VECSH_VERSION);
			status = 0;
			goto done;
		case OPT_LIST:
			for (size_t i = 0; i < vs_ncommands; i++)
				printf("%s\n", vs_commands[i]->name);
			status = 0;
			goto done;
		default:
			usage(stderr);
			status = 2;
			goto done;
		}
	}
	int interactive = nactions == 0 && isatty(STDIN_FILENO);
	s.interactive = interactive;
	if (!interactive) {
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_sigint_batch;
		sigaction(SIGINT, &sa, NULL);
	}
	int failed = 0;
	for (int i = optind; i < argc && !(failed && bail); i++)
		if (vs_load_into_session(&s, argv[i], NULL, 0, 0, 0) < 0)
			failed = 1;
	if (init && !(failed && bail)) {
		FILE *f = fopen(init, "r");
		if (!f) {
			fprintf(stderr, "vecsh: %s: cannot open the script\n", init);
			failed = 1;
		} else {
			if (vs_run_script(&s, f, init, bail) < 0)
				failed = 1;
			fclose(f);
		}
	}
	if (!(failed && bail)) {
		if (nactions) {
			for (int i = 0; i < nactions && !s.quit && !(failed && bail); i++) {
				if (kinds[i] == 'c') {
					s.script = NULL; /* a single command: "vecsh: message" */
					vs_interrupted = 0;
					if (vs_run_line(&s, actions[i]) < 0)
						failed = 1;
				} else {
					FILE *f = strcmp(actions[i], "-") == 0 ? stdin : fopen(actions[i], "r");
					if (!f) {
						fprintf(stderr, "vecsh: %s: cannot open the script\n", actions[i]);
						failed = 1;
						continue;
					}
					if (vs_run_script(&s, f, actions[i], bail) < 0)
						failed = 1;
					if (f != stdin)
						fclose(f);
				}
			}
		} else if (interactive) {
			vs_repl(&s);
		} else if (vs_run_script(&s, stdin, "-", bail) < 0) {
			failed = 1;
		}
	}
	/* a script's exit status says whether every command succeeded; an
	 * interactive session's, as in sh or sqlite3, only whether vecsh ran */
	if (!interactive)
		failed |= s.failed;
	status = failed ? 1 : 0;
done:
	vs_session_free(&s);
	free(actions);
	free(kinds);
	return status;
}
