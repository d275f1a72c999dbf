/* Script lines through the parser and dispatch of a session with a small set
 * and index loaded (commands that open the terminal or write files are kept
 * out: browse, save, plot, quit). */
#include <string.h>

#include "fuzz.h"
#include "ui/ui.h"

static vs_session s;

static void setup(void)
{
	vs_session_init(&s);
	s.commands = vs_commands;
	s.ncommands = vs_ncommands;
	s.quiet = 1;
	s.out = fopen("/dev/null", "w");
	s.msg = s.out;
	const char *const names[] = {"king", "queen", "man", "woman"};
	const float v[] = {1, 2, 0, 1, 1.5f, 0.2f, 0.5f, 1, 0, 0.4f, 0.6f, 0.3f};
	vs_error err;
	vs_vecset *set = vs_vecset_from_arrays(names, 4, v, 3, &err);
	if (!set || !(set->name = strdup("t")) || vs_session_add(&s, set) < 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!s.out)
		setup();
	char *line = malloc(size + 1);
	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0';
	char **words;
	vs_error err;
	int n = vs_split_line(line, &words, &err);
	int skip = n > 0 && (strcmp(words[0], "browse") == 0 || strcmp(words[0], "save") == 0 ||
	                     strcmp(words[0], "plot") == 0 || strncmp(words[0], "q", 1) == 0 ||
	                     strcmp(words[0], "exit") == 0 || strcmp(words[0], ".quit") == 0 ||
	                     strcmp(words[0], "index") == 0 || strcmp(words[0], "images") == 0 ||
	                     strcmp(words[0], "clip") == 0 || strcmp(words[0], "load") == 0 ||
	                     strcmp(words[0], "eval") == 0 || strcmp(words[0], "verify") == 0);
	if (n >= 0)
		vs_free_words(words);
	if (!skip)
		vs_run_line(&s, line);
	s.quit = 0;
	free(line);
	return 0;
}
