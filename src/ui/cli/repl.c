/* The interactive loop: GNU readline with persistent history and completion
 * driven by the command table. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "ui/ui.h"

static vs_session *the_session;
static volatile sig_atomic_t at_prompt;

static void on_sigint(int sig)
{
	(void)sig;
	vs_interrupted = 1;
	if (at_prompt) {
		/* drop the line being typed and prompt again, as bash does */
		(void)!write(STDOUT_FILENO, "\n", 1);
		rl_on_new_line();
		rl_replace_line("", 0);
		rl_redisplay();
	}
}

/* ---- completion ---- */

static char **matches;
static size_t nmatches, capmatches, next_match;

static void add_match(const char *m)
{
	if (nmatches == capmatches) {
		size_t cap = capmatches ? capmatches * 2 : 64;
		char **nm = realloc(matches, cap * sizeof *nm);
		if (!nm)
			return;
		matches = nm;
		capmatches = cap;
	}
	char *d = strdup(m);
	if (d)
		matches[nmatches++] = d;
}

static void clear_matches(void)
{
	for (size_t i = 0; i < nmatches; i++)
		free(matches[i]);
	nmatches = 0;
	next_match = 0;
}

static char *match_generator(const char *text, int state)
{
	(void)text;
	(void)state;
	return next_match < nmatches ? strdup(matches[next_match++]) : NULL;
}

static int add_word(const char *w, void *ctx)
{
	(void)ctx;
	add_match(w);
	return nmatches >= 5000; /* readline asks before showing this many anyway */
}

static void complete_kind(vs_complete kind, const char *const *choices, const char *text)
{
	size_t tl = strlen(text);
	switch (kind) {
	case VS_COMPLETE_WORD:
		if (the_session->active >= 0)
			vs_vecset_prefix(the_session->sets[the_session->active], text, add_word, NULL);
		break;
	case VS_COMPLETE_SET: /* sets, indexes and models: whatever has a name */
		for (size_t i = 0; i < the_session->nsets; i++)
			if (strncmp(the_session->sets[i]->name, text, tl) == 0)
				add_match(the_session->sets[i]->name);
		for (size_t i = 0; i < the_session->nindexes; i++)
			if (strncmp(the_session->indexes[i]->name, text, tl) == 0)
				add_match(the_session->indexes[i]->name);
		for (size_t i = 0; i < the_session->nmodels; i++)
			if (strncmp(the_session->models[i]->name, text, tl) == 0)
				add_match(the_session->models[i]->name);
		break;
	case VS_COMPLETE_COMMAND:
		for (size_t i = 0; i < the_session->ncommands; i++)
			if (strncmp(the_session->commands[i]->name, text, tl) == 0)
				add_match(the_session->commands[i]->name);
		break;
	case VS_COMPLETE_CHOICE:
		for (const char *const *c = choices; c && *c; c++)
			if (strncmp(*c, text, tl) == 0)
				add_match(*c);
		break;
	case VS_COMPLETE_DOC:
		if (the_session->active_index >= 0) {
			const vs_index *ix = the_session->indexes[the_session->active_index];
			for (uint32_t d = 0; d < ix->ndocs && nmatches < 5000; d++)
				if (strncmp(ix->doc_names[d], text, tl) == 0)
					add_match(ix->doc_names[d]);
		}
		break;
	case VS_COMPLETE_TERM:
		if (the_session->active_index >= 0) {
			/* terms are sorted: find the first with the prefix, then walk */
			const vs_index *ix = the_session->indexes[the_session->active_index];
			size_t lo = 0, hi = ix->nterms;
			while (!ix->opt.hash_bits && lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (strcmp(ix->terms[mid], text) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (size_t t = ix->opt.hash_bits ? 0 : lo; t < ix->nterms && nmatches < 5000; t++) {
				if (strncmp(ix->terms[t], text, tl) == 0)
					add_match(ix->terms[t]);
				else if (!ix->opt.hash_bits)
					break;
			}
		}
		break;
	default:
		break;
	}
}

static char **vecsh_completion(const char *text, int start, int end)
{
	(void)end;
	clear_matches();
	rl_attempted_completion_over = 1;
	char *before = strndup(rl_line_buffer, (size_t)start);
	char **words = NULL;
	vs_error err;
	int n = before ? vs_split_line(before, &words, &err) : -1;
	free(before);
	if (n < 0)
		return NULL;
	if (n == 0) {
		complete_kind(VS_COMPLETE_COMMAND, NULL, text);
		for (size_t i = 0; i < the_session->ncommands; i++)
			for (const char *const *al = the_session->commands[i]->aliases; al && *al; al++)
				if (strncmp(*al, text, strlen(text)) == 0)
					add_match(*al);
	} else {
		const vs_cmd_entry *e = vs_command_find(the_session, words[0]);
		const vs_option *value_of = NULL;
		int argi = 0, first = 1;
		if (e && e->subcommands) {
			if (n == 1) { /* the subcommand's name (or, with a handler of its own, the command's first argument) */
				for (const vs_cmd_entry *const *c = e->subcommands; *c; c++)
					if (strncmp((*c)->name, text, strlen(text)) == 0)
						add_match((*c)->name);
				if (!e->exec)
					e = NULL;
			} else if (vs_subcommand_find(e, words[1]) || !e->exec) {
				e = vs_subcommand_find(e, words[1]);
				first = 2;
			}
		}
		for (int i = first; e && i < n; i++) {
			value_of = NULL;
			if (words[i][0] == '-' && words[i][1] && e->options) {
				for (const vs_option *o = e->options; o->name; o++)
					if (strcmp(o->name, words[i]) == 0 && o->value)
						value_of = o;
			} else {
				argi++;
			}
			if (value_of && i + 1 < n) {
				i++;
				value_of = NULL;
			}
		}
		if (!e) {
			;
		} else if (value_of) {
			if (value_of->complete == VS_COMPLETE_FILE && value_of->choices) { /* its words, then files */
				complete_kind(VS_COMPLETE_CHOICE, value_of->choices, text);
				char *f;
				for (int st = 0; (f = rl_filename_completion_function(text, st)); st++) {
					add_match(f);
					free(f);
				}
				rl_filename_completion_desired = 1;
			} else if (value_of->complete == VS_COMPLETE_FILE) {
				vs_free_words(words);
				rl_attempted_completion_over = 0;
				return rl_completion_matches(text, rl_filename_completion_function);
			}
			complete_kind(value_of->complete, value_of->choices, text);
		} else if (text[0] == '-' && e->options) {
			for (const vs_option *o = e->options; o->name; o++)
				if (strncmp(o->name, text, strlen(text)) == 0)
					add_match(o->name);
		} else if (e->max_args >= 0 && argi >= e->max_args) {
			; /* every argument is there already: nothing more to offer */
		} else {
			vs_complete kind = argi == 0 && e->first_complete ? e->first_complete : e->args_complete;
			if (kind == VS_COMPLETE_FILE) {
				vs_free_words(words);
				return rl_completion_matches(text, rl_filename_completion_function);
			}
			complete_kind(kind, e->choices, text);
		}
	}
	vs_free_words(words);
	if (nmatches == 0)
		return NULL;
	return rl_completion_matches(text, match_generator);
}

/* ---- history ---- */

static char *history_path(void)
{
	const char *env = getenv("VECSH_HISTORY");
	if (env)
		return *env ? strdup(env) : NULL;
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[4096];
	if (state && *state)
		snprintf(dir, sizeof dir, "%s/vecsh", state);
	else if (home && *home)
		snprintf(dir, sizeof dir, "%s/.local/state/vecsh", home);
	else
		return NULL;
	/* make the directory and its parents */
	for (char *p = dir + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	mkdir(dir, 0700);
	size_t n = strlen(dir) + 16;
	char *path = malloc(n);
	if (path)
		snprintf(path, n, "%s/history", dir);
	return path;
}

int vs_repl(vs_session *s)
{
	the_session = s;
	s->read_line = readline;
	rl_readline_name = "vecsh";
	rl_attempted_completion_function = vecsh_completion;
	rl_completer_word_break_characters = " \t";
	rl_catch_signals = 0;
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);

	char *hist = history_path();
	if (hist && read_history(hist) != 0)
		write_history(hist); /* append_history needs the file to exist */
	stifle_history(2000);
	if (!s->quiet)
		printf("vecsh %s: word vectors at the terminal. 'help' lists the commands; Tab completes.\n",
		       VECSH_VERSION);
	while (!s->quit) {
		char prompt[128];
		if (s->active >= 0)
			snprintf(prompt, sizeof prompt, "vecsh:%.60s> ", s->sets[s->active]->name);
		else
			snprintf(prompt, sizeof prompt, "vecsh> ");
		at_prompt = 1;
		vs_interrupted = 0;
		char *line = readline(prompt);
		at_prompt = 0;
		if (!line) { /* Ctrl-D: as quit */
			putchar('\n');
			if (vs_session_may_quit(s))
				break;
			continue;
		}
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != '#') {
			add_history(line);
			if (hist)
				append_history(1, hist);
			vs_interrupted = 0;
			vs_run_line(s, p);
		}
		free(line);
	}
	if (hist)
		history_truncate_file(hist, 2000);
	free(hist);
	clear_matches();
	free(matches);
	return s->failed ? 1 : 0;
}
