/* output.h: the result type (a table of typed columns) and its table, TSV and JSON renderers. */
#ifndef VECSH_OUTPUT_H
#define VECSH_OUTPUT_H

#include "core/core.h"

/* ---- The one result type every command produces, and its three
 * renderings: an aligned table, tab-separated values, or JSON. */

#include <stdio.h>
#include <stddef.h>

typedef enum vs_output_format { VS_OUT_TABLE, VS_OUT_TSV, VS_OUT_JSON, VS_OUT_JSONL } vs_output_format;

typedef enum vs_col_type { VS_COL_STR, VS_COL_INT, VS_COL_FLOAT, VS_COL_VEC } vs_col_type;

#define VS_RESULT_MAX_COLS 16
#define VS_RESULT_MAX_CONTEXT 6

/* Why a result is broken: a column past the limit (no rows are taken then),
 * or memory ran out while it was filled (cells, notes or title missing). */
enum { VS_RESULT_TOO_WIDE = 1, VS_RESULT_OOM = 2 };

typedef struct vs_column {
	const char *name;  /* static string */
	vs_col_type type;
	int decimals;      /* for floats and vectors; for vectors, negative: significant digits */
} vs_column;

typedef struct vs_cell {
	int set;           /* 0: empty (null in JSON) */
	char *s;
	long long i;
	double f;
	float *vec;
	size_t nvec;
} vs_cell;

typedef struct vs_result {
	char *title;              /* shown above a table */
	char *query;              /* the command that made it (for browse and plot), or NULL */
	size_t ncols;
	vs_column cols[VS_RESULT_MAX_COLS];
	size_t nrows, cap;
	vs_cell *cells;           /* nrows x ncols */
	char **notes;             /* lines for people: under a table, on stderr otherwise */
	size_t nnotes;
	int broken;               /* VS_RESULT_TOO_WIDE or VS_RESULT_OOM: not to be shown */
	/* what the rows are about (the document of keywords, the image of clip
	 * classify): leading columns of TSV, fields of JSON; a table's title says it */
	size_t nctx;
	vs_column ctx_cols[VS_RESULT_MAX_CONTEXT];
	vs_cell ctx_cells[VS_RESULT_MAX_CONTEXT];
} vs_result;

vs_result *vs_result_new(void);
void vs_result_free(vs_result *r);
void vs_result_title(vs_result *r, const char *fmt, ...) VS_PRINTF(2, 3);
/* Add a column (before the first row); -1 past VS_RESULT_MAX_COLS, and the
 * result then refuses rows. */
int vs_result_col(vs_result *r, const char *name, vs_col_type type, int decimals);
/* Start a new row; the cells of the columns are then set by index. */
int vs_result_row(vs_result *r);
void vs_result_str(vs_result *r, size_t col, const char *s);
void vs_result_int(vs_result *r, size_t col, long long v);
void vs_result_float(vs_result *r, size_t col, double v);
void vs_result_vec(vs_result *r, size_t col, const float *v, size_t n);
void vs_result_note(vs_result *r, const char *fmt, ...) VS_PRINTF(2, 3);
/* Context of the whole result: a string, a whole number or a float with decimals. */
void vs_result_context_str(vs_result *r, const char *name, const char *value);
void vs_result_context_int(vs_result *r, const char *name, long long value);
void vs_result_context_float(vs_result *r, const char *name, double value, int decimals);

/* Render to out; notes go to out under a table, to notes_out (if not NULL)
 * in TSV, into the object in JSON. JSON and JSON Lines print one object a
 * result, {"command": command, context..., "rows": [...], "notes": [...]};
 * the caller puts JSON's objects in one array. */
void vs_result_print(const vs_result *r, vs_output_format fmt, const char *command, FILE *out, FILE *notes_out);
/* A table fitted to a terminal of cols columns (0: as wide as it is): the last
 * column's text is cut with an ellipsis, vectors wrap to fit. */
void vs_result_print_table(const vs_result *r, size_t cols, FILE *out);

/* The column that holds a result's items (word, doc, term), and its score (-1 if none). */
size_t vs_result_item_column(const vs_result *r);
long vs_result_score_column(const vs_result *r);

int vs_output_format_parse(const char *name, vs_output_format *out);
const char *vs_output_format_name(vs_output_format f);

#endif
