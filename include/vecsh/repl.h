/* repl.h: the interactive front end (readline) and the script runner. */
#ifndef VECSH_REPL_H
#define VECSH_REPL_H

#include <stdio.h>

#include "vecsh/session.h"

#define VECSH_VERSION "0.1.0"

/* Run commands read from f, one a line ('#' comments, blank lines skipped).
 * name is used in messages. Stops at the first failure when bail is set.
 * Returns 0 if every command succeeded. */
int vs_run_script(vs_session *s, FILE *f, const char *name, int bail);

/* The interactive loop: prompt, history, completion, Ctrl-C. */
int vs_repl(vs_session *s);

#endif
