/* ui.h: the terminal layer: the session, the command table, the REPL and scripts, the browser. */
#ifndef VECSH_UI_H
#define VECSH_UI_H

#include "core/core.h"
#include "output/output.h"
#include "vectors/vectors.h"
#include "text/text.h"
#include "clip/clip.h"
#include "viz/viz.h"
#include "pg/pg.h"

/* ---- What a vecsh session holds: the loaded sets, the active one,
 * the output format, and where messages go. */

#include <stdio.h>
#include <time.h>

/* A named direction of a set (axis). */
typedef struct vs_axis {
	char *name;
	const vs_vecset *set;
	float *g;      /* dims, unit length */
	char *pairs;   /* "he:she man:woman" */
} vs_axis;

typedef struct vs_session {
	vs_vecset **sets;
	size_t nsets;
	long active;            /* index into sets, -1 if none */
	vs_index **indexes;     /* TF-IDF indexes */
	size_t nindexes;
	long active_index;      /* index into indexes, -1 if none */
	vs_output_format format;
	int quiet;              /* no informational messages */
	int interactive;        /* a person at a terminal: prompt, progress bars */
	FILE *out;              /* results */
	FILE *msg;              /* errors, warnings, information */
	const char *script;     /* name of the script being run, or NULL */
	size_t line_no;         /* line of the command being run (scripts) */
	int failed;             /* some command failed */
	int quit;               /* quit was asked for */
	int exit_status;        /* quit N: the exit status asked for, or -1 */
	int echo;               /* print each command before its output (--echo) */
	int quit_warned;        /* the unsaved work was pointed out once */
	int json_open;          /* results printed in JSON's array so far */
	const char *command;    /* the command line being run (JSON names it) */
	int fold_case;          /* a word not found as typed is looked up whatever its case (set case fold) */
	vs_result *last;        /* the last result shown */
	/* the last clustering (cluster): a label per word of one set, -1 for
	 * words not clustered; plots colour points by it */
	const vs_vecset *cluster_set;
	int *cluster_of;
	size_t cluster_k;
	int projection;         /* the browser's p: 0 PCA, 1 t-SNE, 2 UMAP (set projection) */
	vs_axis *axes;          /* named directions (axis) */
	size_t naxes;
	struct vs_clip_tokenizer *clip_tokenizer; /* loaded on first use */
	struct vs_clip_model **models;             /* loaded image-text models */
	size_t nmodels;
	long active_model;                         /* index into models, -1 if none */
	struct vs_clip_model *clip;                /* the active model, or NULL */
	char *clip_bpe;         /* the merges file it came from */
	FILE *script_in;        /* the script being run: data given inline follows its command */
	size_t *script_line;    /* its line counter, moved on by the data read */
	/* reads data typed at the terminal, a line a call (NULL at Ctrl-D) */
	char *(*read_line)(const char *prompt);
	char oov_words[256];    /* words the current command built from subwords (noted under its result) */
	const struct vs_cmd_entry *const *commands; /* the command table */
	size_t ncommands;
} vs_session;

void vs_session_init(vs_session *s);
/* The axis of that name for the set, or NULL with an error naming cmd. */
const vs_axis *vs_session_axis(vs_session *s, const char *cmd, const char *name, const vs_vecset *set);
/* Forget what the session keeps about a set that is being freed. */
void vs_session_forget_set(vs_session *s, const vs_vecset *set);
void vs_session_free(vs_session *s);

/* Report an error of the current command ("vecsh: LINE: message" in scripts). */
int vs_session_error(vs_session *s, const char *fmt, ...) VS_PRINTF(2, 3);
void vs_session_warn(vs_session *s, const char *fmt, ...) VS_PRINTF(2, 3);
/* Informational message; silent with -q. */
void vs_session_info(vs_session *s, const char *fmt, ...) VS_PRINTF(2, 3);

/* Print a result in the session's format and keep it as the last result. */
void vs_session_show(vs_session *s, vs_result *r);
/* Print a result in the session's format (JSON: as an element of the one array). */
void vs_session_print(vs_session *s, const vs_result *r);
/* Close what the output format keeps open (JSON's array). */
void vs_session_end_output(vs_session *s);

/* May the session end? At the terminal with unsaved work, the first time
 * says what would be lost and answers no. */
int vs_session_may_quit(vs_session *s);

/* Data for a command given as '-' (as psql's COPY FROM STDIN): the lines
 * after the command in a script or at the terminal, up to a line "\." or
 * the end; with -c, all of standard input. Returns the text (malloc'd, its
 * length in *len, NUL bytes refused) or NULL after reporting why. */
char *vs_session_read_data(vs_session *s, const char *command, size_t *len);

/* Report and unload what came from a mapped file that changed on disk; -1 if anything did. */
int vs_session_check_maps(vs_session *s);

/* Report running out of memory; returns -1. */
int vs_session_oom(vs_session *s);

/* Load a vector file (or a saved index) as a new active set named name, or
 * after the file; reports errors, warnings and progress. opt may be NULL. */
int vs_session_load(vs_session *s, const char *path, const char *name, const vs_load_options *opt);

/* Open a table in PostgreSQL (a postgres:// URI or libpq's key=value words
 * with table=...) as a new active set; exact: the server scans every row. */
int vs_session_load_table(vs_session *s, const char *target, const char *name, int exact);

vs_vecset *vs_session_find(const vs_session *s, const char *name);
/* The active set, or NULL after reporting "no vectors loaded". */
vs_vecset *vs_session_active(vs_session *s);
/* Add a set, making it active; the name is made unique by the caller. */
int vs_session_add(vs_session *s, vs_vecset *set);
/* Remove a vector set or an index by name. */
int vs_session_remove(vs_session *s, const char *name);

/* Image-text models: add one (it becomes active), find one by name. */
int vs_session_add_model(vs_session *s, struct vs_clip_model *m);
struct vs_clip_model *vs_session_find_model(const vs_session *s, const char *name);
/* Make a set, an index or a model active by name; -1 if none has it. */
int vs_session_use(vs_session *s, const char *name);

vs_index *vs_session_find_index(const vs_session *s, const char *name);
/* The active index, or NULL after reporting "no index". */
vs_index *vs_session_active_index(vs_session *s);
int vs_session_add_index(vs_session *s, vs_index *ix);
/* The index old (freed) becomes ix in its place (index add, index remove). */
void vs_session_swap_index(vs_session *s, vs_index *old, vs_index *ix);
/* Is the name taken by a set or an index? */
int vs_session_name_taken(const vs_session *s, const char *name);

/* Look up a word in set, reporting an error that names it and suggests close
 * spellings when it is missing. A set with subwords (a fastText model)
 * gives a word outside its dictionary a vector from its character n-grams,
 * and the command's result notes it. Returns the index or -1. */
long vs_session_word(vs_session *s, vs_vecset *set, const char *word);

/* ---- the command table (ui/cmd/) and the argument parser (ui/cli/args.c) ----
 * Each command is one declarative entry in its own file under src/ui/cmd/;
 * the same table drives dispatch, help, tab completion and the check that
 * the man page documents every command. A command with subcommands (clip,
 * images) lists them as entries of their own, each with its usage, options,
 * arity, help, completion and handler. A command may have a handler of its
 * own as well, for a line whose first word names no subcommand (index NAME
 * PATH... beside index add and index remove). */

/* What a positional argument or an option's value completes to. */
typedef enum vs_complete {
	VS_COMPLETE_NONE,
	VS_COMPLETE_WORD,     /* words of the active set */
	VS_COMPLETE_SET,      /* names of loaded sets, indexes and models */
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
	const char *const *choices; /* NULL-terminated: with VS_COMPLETE_CHOICE the only values taken;
	                             * with VS_COMPLETE_FILE words offered beside file names */
} vs_option;

/* Limits of the parser: a table over them is refused at start-up
 * (vs_command_table_check); a line over them is an error. */
#define VS_MAX_OPTIONS 24  /* options of one command or subcommand */
#define VS_MAX_VALUES 64   /* values given to one repeated option */

typedef struct vs_cmd_entry vs_cmd_entry;

typedef struct vs_args {
	int argc;
	char **argv;                        /* positional arguments (after a subcommand's name) */
	const char *rest;                   /* the line after the command's name, as typed */
	const vs_cmd_entry *entry;          /* the command, or the subcommand chosen */
	const vs_cmd_entry *parent;         /* the command of a subcommand, or NULL */
	char name[64];                      /* "nn", "clip text": for messages */
	const char *opt[VS_MAX_OPTIONS];    /* the last value of each option (or "" for flags) */
	const char **all[VS_MAX_OPTIONS];   /* every value of each option, in order */
	int nall[VS_MAX_OPTIONS];
	int show_usage;                     /* set by a parse error the usage line explains */
} vs_args;

struct vs_cmd_entry {
	const char *name;
	const char *const *aliases; /* other names (NULL-terminated), or NULL */
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
	const vs_cmd_entry *const *subcommands; /* NULL-terminated, or NULL */
	int (*exec)(vs_session *s, vs_args *a);  /* NULL for a command of subcommands */
};

/* The command table (ui/cmd/cmd-table.c), in the order help lists them. */
extern const vs_cmd_entry *const vs_commands[];
extern const size_t vs_ncommands;

/* Is name the entry's name or one of its aliases? */
int vs_entry_named(const vs_cmd_entry *e, const char *name);
/* A command of the session's table by name or alias, or NULL. */
const vs_cmd_entry *vs_command_find(const vs_session *s, const char *name);
/* A subcommand of e by name or alias, or NULL. */
const vs_cmd_entry *vs_subcommand_find(const vs_cmd_entry *e, const char *name);
/* Check a table against the parser's limits and the entries' rules (unique
 * names, a handler or subcommands, usage, summary and example). */
int vs_command_table_check(const vs_cmd_entry *const *table, size_t n, vs_error *err);

/* Split a command line into words: blanks separate, '...' and "..." quote,
 * backslash escapes, '#' at the start of a word begins a comment. Returns the number of words (argv malloc'd, NULL-ended),
 * or -1 with a message (unbalanced quotes). */
int vs_split_line(const char *line, char ***argv, vs_error *err);
void vs_free_words(char **argv);

/* Parse words[1..n-1] for the command e (words[0] is its name): choose the
 * subcommand, then options and positional arguments, with every limit
 * checked. On failure, a message naming the command; a->entry is then the
 * entry whose usage to show. vs_args_free releases a (argv points into words). */
int vs_args_parse(const vs_cmd_entry *e, char **words, int n, const char *rest, vs_args *a, vs_error *err);
void vs_args_free(vs_args *a);

/* Run one command line in the session. Returns 0, or -1 if it failed. */
int vs_run_line(vs_session *s, const char *line);

/* Options, read by the handlers. */
const char *vs_arg_opt(const vs_args *a, const char *name);
int vs_arg_flag(const vs_args *a, const char *name);
/* Every value given to an option (repeated options), in order; *n gets the count. */
const char *const *vs_arg_all(const vs_args *a, const char *name, int *n);
/* A positive whole number option (or def); reports and returns -1 if bad. */
int vs_arg_size(vs_session *s, const vs_args *a, const char *name, size_t def, size_t *out);
/* A size in bytes, or with K, M or G (1024-based): 512M (or def); reports and returns -1 if bad. */
int vs_arg_bytes(vs_session *s, const vs_args *a, const char *name, size_t def, size_t *out);

/* Print the usage line of a command or subcommand ("usage: clip text ..."). */
void vs_command_usage(const vs_args *a, FILE *out);
void vs_entry_usage(const vs_cmd_entry *parent, const vs_cmd_entry *e, FILE *out);

/* ---- The interactive front end (readline) and the script runner. */

#include <stdio.h>

#define VECSH_VERSION "0.1.0"

/* Run commands read from f, one a line ('#' comments, blank lines skipped).
 * name is used in messages. Stops at the first failure when bail is set.
 * Returns 0 if every command succeeded. */
int vs_run_script(vs_session *s, FILE *f, const char *name, int bail);

/* Run one command of a script or of -c: echoed first when s->echo is set. */
int vs_run_command(vs_session *s, const char *line);

/* A progress line on the terminal (only for a person at one). */
typedef struct vs_progress {
	const char *what;
	struct timespec start;
	int shown;
	double delay; /* seconds before it shows */
	FILE *out;  /* NULL: show nothing */
} vs_progress;
void vs_progress_start(vs_progress *p, vs_session *s, const char *what);
/* done in [0, 1]; the signature of the engines' progress callbacks */
void vs_progress_update(void *p, double done);
void vs_progress_count(vs_progress *p, size_t done, size_t total);
/* Files read of total, and their bytes: rate and time left (the index
 * builder's progress callback). */
void vs_progress_files(void *p, size_t done, size_t total, size_t bytes);
void vs_progress_end(vs_progress *p);
double vs_seconds_since(const struct timespec *t0);

/* The interactive loop: prompt, history, completion, Ctrl-C. */
int vs_repl(vs_session *s);

/* ---- The full-screen ncurses explorer over results. It knows
 * nothing of sessions: a host runs commands and describes items for it. */

#include <stddef.h>

typedef struct vs_browse_host {
	void *ctx;
	/* Run a command line; a new result (the browser frees it), or NULL with
	 * *error set to a malloc'd message (NULL: the command printed nothing).
	 * *close is set when the command asked to leave (quit): the browser closes. */
	vs_result *(*run)(void *ctx, const char *cmd, char **error, int *close);
	/* Lines about row `row` of r for the detail pane (malloc'd), or NULL. */
	char *(*detail)(void *ctx, const vs_result *r, size_t row);
	/* The command that drills into row `row` (malloc'd), or NULL. */
	char *(*drill)(void *ctx, const vs_result *r, size_t row);
	/* The command a '/' query runs on a result like r ("nn %s", "search %s"). */
	const char *(*query_command)(void *ctx, const vs_result *r);
	/* 2-D coordinates (xy[2i], xy[2i+1]) of r's rows; 0, or -1 with *error. */
	int (*project)(void *ctx, const vs_result *r, double *xy, char **error);
	/* Completion of a word being typed at the '/' prompt: malloc'd, or NULL. */
	char *(*complete)(void *ctx, const vs_result *r, const char *prefix);
	const char *title;    /* what is browsed, e.g. the active set's name */
	/* The name of the projection's layout now ("PCA", "t-SNE", "UMAP"), or NULL for PCA. */
	const char *(*projection)(void *ctx);
	/* Row `row`'s group in the projection's colours: 0 none, else 1 + its
	 * cluster (of the last cluster); NULL: no groups. */
	int (*group)(void *ctx, const vs_result *r, size_t row);
} vs_browse_host;

/* Why browse cannot open here (no terminal, TERM=dumb), or NULL if it can. */
const char *vs_browse_unavailable(void);

/* Explore starting from first (the browser takes it). Returns when the
 * user quits (q or Ctrl-C), with the terminal as it was. */
int vs_browse(const vs_browse_host *host, vs_result *first);

/* Helpers shared by the command handlers (glue only, no engine logic). */

/* A ranked word list: columns rank, word, score. */
vs_result *vs_words_result(const vs_vecset *set, const vs_hit *hits, size_t n);
/* The same with another name for the item column (a static string: "image"). */
/* Under a result the server answered: the set is a table, and how it searched. */
void vs_remote_note(vs_result *r, const vs_vecset *set);
vs_result *vs_ranked_result(const vs_vecset *set, const vs_hit *hits, size_t n, const char *item);

/* Parse "w1 [+|-] w2 ..." into positive and negative word indices (arrays
 * of argc entries). Reports unknown words. */
int vs_parse_expression(vs_session *s, vs_vecset *set, int argc, char **argv, long *pos, size_t *npos,
                        long *neg, size_t *nneg);

/* The arguments joined by spaces (malloc'd), or NULL when out of memory. */
char *vs_join_args(int argc, char **argv);
/* A number of hashing-trick bits, 1 to max; reports errors. */
int vs_parse_bits(vs_session *s, const char *cmd, const char *opt, const char *v, int max, int *out);
/* --ngram MIN,MAX (or MIN-MAX), within 1..VS_MAX_NGRAM; reports errors. */
int vs_parse_ngram(vs_session *s, const char *cmd, const char *v, int *lo, int *hi);
/* The active set and the two words of a command (sim A B, rank A B), known
 * and not zero vectors; reports and returns -1 otherwise. */
int vs_session_two_words(vs_session *s, const vs_args *a, vs_vecset **set, long *x, long *y);
/* Two loaded sets named by a command's first two arguments; reports and
 * returns -1 when one is not loaded. */
int vs_session_two_sets(vs_session *s, const vs_args *a, vs_vecset **x, vs_vecset **y);
/* The words a command shows (project, plot, cluster): the arguments, the
 * first N words with --top N, or the words of the last result (its query's
 * words first: *nhigh of them). */
int vs_gather_words(vs_session *s, vs_args *a, vs_vecset *set, long **out, size_t *n, size_t *nhigh);
/* The same for the arguments after the first `skip` (an axis, a folder). */
int vs_gather_words_after(vs_session *s, vs_args *a, int skip, vs_vecset *set, long **out, size_t *n, size_t *nhigh);
/* The rows of those words, copied (n x dims), or NULL without memory. */
float *vs_rows_of(const vs_vecset *set, const long *idx, size_t n);

/* The active CLIP model's embedding of a text, warning when the text is cut
 * to the model's context; reports errors as cmd's. */
int vs_session_encode_text(vs_session *s, const char *cmd, const char *text, float *out);
/* A BLIP model's view of an image file (its tokens for ITM, its ITC
 * embedding into itc; kept by the model, not to be freed), and the ITM
 * probability of a text with it; errors reported as cmd's. */
struct vs_blip_image *vs_session_blip_image(vs_session *s, const char *cmd, const char *path, float *itc);
int vs_session_blip_itm(vs_session *s, const char *cmd, struct vs_blip_image *im, const char *text, int enc_first,
                        double *p);
/* Indexes 0..n-1 ordered by score, best first, ties in index order (malloc'd). */
int *vs_rank_order(const double *score, int n);
/* clip load and model load: DIR [as NAME], the family from its config.json. */
int vs_session_load_model(vs_session *s, vs_args *a);

/* Format a byte count for people: "12.3 MiB". */
void vs_human_bytes(size_t n, char *buf, size_t size);

extern const char *const vs_vector_format_choices[];
extern const char *const vs_output_format_choices[];

#endif
