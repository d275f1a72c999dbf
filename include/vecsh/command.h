/* command.h: the command table. Each command is one declarative entry in
 * its own file under src/cmd/; the same table drives dispatch, help, tab
 * completion and the check that the man page documents every command. */
#ifndef VECSH_COMMAND_H
#define VECSH_COMMAND_H

#include <stddef.h>

#include "vecsh/session.h"

/* What a positional argument or an option's value completes to. */
typedef enum vs_complete {
	VS_COMPLETE_NONE,
	VS_COMPLETE_WORD,     /* words of the active set */
	VS_COMPLETE_SET,      /* names of loaded sets */
	VS_COMPLETE_FILE,
	VS_COMPLETE_COMMAND,
	VS_COMPLETE_CHOICE,   /* one of the option's or argument's choices */
	VS_COMPLETE_DOC,      /* documents of the active index */
	VS_COMPLETE_TERM      /* terms of the active index */
} vs_complete;

typedef struct vs_option {
	const char *name;      /* "-k", "--format" */
	const char *value;     /* name of its value ("N"), or NULL for a flag */
	const char *help;
	vs_complete complete;
	const char *const *choices; /* NULL-terminated, for VS_COMPLETE_CHOICE */
} vs_option;

#define VS_MAX_OPTIONS 12

typedef struct vs_args {
	int argc;
	char **argv;                        /* positional arguments */
	const char *opt[VS_MAX_OPTIONS];    /* value of each option of the entry (or "" for flags) */
	const char *rest;                   /* the line after the command's name, as typed */
	const char *all[VS_MAX_OPTIONS][16]; /* every value of each option, for repeated options */
	int nall[VS_MAX_OPTIONS];
	const struct vs_cmd_entry *entry;
} vs_args;

typedef struct vs_cmd_entry {
	const char *name;
	const char *alias;        /* or NULL */
	const char *usage;        /* arguments, as shown by help */
	const char *summary;      /* one line */
	const char *help;         /* a paragraph, or NULL */
	const char *example;      /* one or more example lines */
	int min_args, max_args;   /* positional arguments; max -1 = any number */
	vs_complete first_complete;/* what the first positional argument completes to */
	vs_complete args_complete;/* what the others (or all, if first is NONE) complete to */
	const char *const *choices;    /* for VS_COMPLETE_CHOICE arguments */
	const vs_option *options; /* terminated by a zero entry */
	int raw;                  /* no option parsing: the handler reads `rest` (browse CMD ...) */
	int (*exec)(vs_session *s, vs_args *a);
} vs_cmd_entry;

extern const vs_cmd_entry *const vs_commands[];
extern const size_t vs_ncommands;

const vs_cmd_entry *vs_command_find(const char *name);

/* Split a command line into words: blanks separate, '...' and "..." quote,
 * backslash escapes. Returns the number of words (argv malloc'd, NULL-ended),
 * or -1 with a message (unbalanced quotes). */
int vs_split_line(const char *line, char ***argv, vs_error *err);
void vs_free_words(char **argv);

/* Run one command line in the session. Returns 0, or -1 if it failed. */
int vs_run_line(vs_session *s, const char *line);

/* Options, read by the handlers. */
const char *vs_arg_opt(const vs_args *a, const char *name);
int vs_arg_flag(const vs_args *a, const char *name);
/* Every value given to an option (repeated options), in order; *n gets the count. */
const char *const *vs_arg_all(const vs_args *a, const char *name, int *n);
/* A positive whole number option (or def); reports and returns -1 if bad. */
int vs_arg_size(vs_session *s, const vs_args *a, const char *name, size_t def, size_t *out);

/* Load a vector file as a new active set named name (or after the file);
 * fmt is a vs_format. Reports errors and warnings. Used by load and at start. */
int vs_load_into_session(vs_session *s, const char *path, const char *name, int fmt, size_t limit, int strict);
int vs_load_into_session_labels(vs_session *s, const char *path, const char *name, int fmt, size_t limit, int strict,
                                const char *labels);

/* Print the usage and summary of a command. */
void vs_command_usage(const vs_cmd_entry *e, FILE *out);

#endif
