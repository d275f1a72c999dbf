/* session.h: what a vecsh session holds: the loaded sets, the active one,
 * the output format, and where messages go. */
#ifndef VECSH_SESSION_H
#define VECSH_SESSION_H

#include <stdio.h>

#include "vecsh/error.h"
#include "vecsh/result.h"
#include "vecsh/tfidf.h"
#include "vecsh/vecset.h"

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
	vs_result *last;        /* the last result shown */
	struct vs_clip_tokenizer *clip_tokenizer; /* loaded on first use */
	struct vs_clip_model *clip;                /* the loaded CLIP checkpoint */
	char *clip_bpe;         /* the merges file it came from */
} vs_session;

void vs_session_init(vs_session *s);
void vs_session_free(vs_session *s);

/* Report an error of the current command ("vecsh: LINE: message" in scripts). */
int vs_session_error(vs_session *s, const char *fmt, ...) VS_PRINTF(2, 3);
void vs_session_warn(vs_session *s, const char *fmt, ...) VS_PRINTF(2, 3);
/* Informational message; silent with -q. */
void vs_session_info(vs_session *s, const char *fmt, ...) VS_PRINTF(2, 3);

/* Print a result in the session's format and keep it as the last result. */
void vs_session_show(vs_session *s, vs_result *r);

vs_vecset *vs_session_find(const vs_session *s, const char *name);
/* The active set, or NULL after reporting "no vectors loaded". */
vs_vecset *vs_session_active(vs_session *s);
/* Add a set, making it active; the name is made unique by the caller. */
int vs_session_add(vs_session *s, vs_vecset *set);
/* Remove a vector set or an index by name. */
int vs_session_remove(vs_session *s, const char *name);

vs_index *vs_session_find_index(const vs_session *s, const char *name);
/* The active index, or NULL after reporting "no index". */
vs_index *vs_session_active_index(vs_session *s);
int vs_session_add_index(vs_session *s, vs_index *ix);
/* Is the name taken by a set or an index? */
int vs_session_name_taken(const vs_session *s, const char *name);

/* Look up a word in set, reporting an error that names it and suggests close
 * spellings when it is missing. Returns the index or -1. */
long vs_session_word(vs_session *s, const vs_vecset *set, const char *word);

#endif
