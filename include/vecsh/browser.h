/* browser.h: the full-screen ncurses explorer over results. It knows
 * nothing of sessions: a host runs commands and describes items for it. */
#ifndef VECSH_BROWSER_H
#define VECSH_BROWSER_H

#include <stddef.h>

#include "vecsh/result.h"

typedef struct vs_browse_host {
	void *ctx;
	/* Run a command line; a new result (the browser frees it), or NULL with
	 * *error set to a malloc'd message (NULL: the command printed nothing). */
	vs_result *(*run)(void *ctx, const char *cmd, char **error);
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
} vs_browse_host;

/* Why browse cannot open here (no terminal, TERM=dumb), or NULL if it can. */
const char *vs_browse_unavailable(void);

/* Explore starting from first (the browser takes it). Returns when the
 * user quits (q or Ctrl-C), with the terminal as it was. */
int vs_browse(const vs_browse_host *host, vs_result *first);

/* The column that holds a result's items (word, doc, term), and its score. */
size_t vs_result_item_column(const vs_result *r);
long vs_result_score_column(const vs_result *r);

#endif
