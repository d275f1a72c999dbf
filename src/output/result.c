#include "output/output.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

vs_result *vs_result_new(void)
{
	return calloc(1, sizeof(vs_result));
}

void vs_result_free(vs_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrows * r->ncols; i++) {
		free(r->cells[i].s);
		free(r->cells[i].vec);
	}
	free(r->cells);
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->notes);
	free(r->title);
	free(r->query);
	for (size_t i = 0; i < r->nctx; i++)
		free(r->ctx_cells[i].s);
	free(r);
}

static char *vformat(const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (s)
		vsnprintf(s, (size_t)n + 1, fmt, ap);
	return s;
}

void vs_result_title(vs_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(r->title);
	r->title = vformat(fmt, ap);
	va_end(ap);
	if (!r->title)
		r->broken = VS_RESULT_OOM;
}

void vs_result_note(vs_result *r, const char *fmt, ...)
{
	char **nn = realloc(r->notes, (r->nnotes + 1) * sizeof *nn);
	if (!nn) {
		r->broken = VS_RESULT_OOM;
		return;
	}
	r->notes = nn;
	va_list ap;
	va_start(ap, fmt);
	char *s = vformat(fmt, ap);
	va_end(ap);
	if (s)
		r->notes[r->nnotes++] = s;
	else
		r->broken = VS_RESULT_OOM;
}

int vs_result_col(vs_result *r, const char *name, vs_col_type type, int decimals)
{
	if (r->ncols == VS_RESULT_MAX_COLS || r->nrows > 0) {
		r->broken = VS_RESULT_TOO_WIDE;
		return -1;
	}
	r->cols[r->ncols++] = (vs_column){name, type, decimals};
	return 0;
}

int vs_result_row(vs_result *r)
{
	if (r->broken)
		return -1;
	if (r->nrows == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		vs_cell *nc = realloc(r->cells, cap * r->ncols * sizeof *nc);
		if (!nc) {
			r->broken = VS_RESULT_OOM;
			return -1;
		}
		r->cells = nc;
		r->cap = cap;
	}
	memset(r->cells + r->nrows * r->ncols, 0, r->ncols * sizeof *r->cells);
	r->nrows++;
	return 0;
}

static vs_cell *cur(vs_result *r, size_t col)
{
	return r->nrows && col < r->ncols ? &r->cells[(r->nrows - 1) * r->ncols + col] : NULL;
}

void vs_result_str(vs_result *r, size_t col, const char *s)
{
	vs_cell *c = cur(r, col);
	if (c && s) {
		free(c->s);
		c->s = strdup(s);
		c->set = c->s != NULL;
		if (!c->s)
			r->broken = VS_RESULT_OOM;
	}
}

void vs_result_int(vs_result *r, size_t col, long long v)
{
	vs_cell *c = cur(r, col);
	if (c)
		c->i = v, c->set = 1;
}

void vs_result_float(vs_result *r, size_t col, double v)
{
	vs_cell *c = cur(r, col);
	if (c)
		c->f = v, c->set = 1;
}

void vs_result_vec(vs_result *r, size_t col, const float *v, size_t n)
{
	vs_cell *c = cur(r, col);
	if (!c)
		return;
	free(c->vec);
	c->vec = malloc((n ? n : 1) * sizeof *c->vec);
	if (c->vec) {
		memcpy(c->vec, v, n * sizeof *v);
		c->nvec = n;
		c->set = 1;
	} else {
		r->broken = VS_RESULT_OOM;
	}
}

/* The columns that name a result's items and score them, by name. */
size_t vs_result_item_column(const vs_result *r)
{
	static const char *const names[] = {"word", "doc", "term", "section", "name", NULL};
	for (int k = 0; names[k]; k++)
		for (size_t c = 0; c < r->ncols; c++)
			if (strcmp(r->cols[c].name, names[k]) == 0)
				return c;
	for (size_t c = 0; c < r->ncols; c++)
		if (r->cols[c].type == VS_COL_STR)
			return c;
	return 0;
}

long vs_result_score_column(const vs_result *r)
{
	static const char *const names[] = {"score", "weight", "similarity", "accuracy", "idf", NULL};
	for (int k = 0; names[k]; k++)
		for (size_t c = 0; c < r->ncols; c++)
			if (strcmp(r->cols[c].name, names[k]) == 0 && r->cols[c].type == VS_COL_FLOAT)
				return (long)c;
	return -1;
}

static vs_cell *context_cell(vs_result *r, const char *name, vs_col_type type, int decimals)
{
	if (r->nctx == VS_RESULT_MAX_CONTEXT) {
		r->broken = VS_RESULT_TOO_WIDE;
		return NULL;
	}
	r->ctx_cols[r->nctx] = (vs_column){name, type, decimals};
	vs_cell *c = &r->ctx_cells[r->nctx++];
	memset(c, 0, sizeof *c);
	c->set = 1;
	return c;
}

void vs_result_context_str(vs_result *r, const char *name, const char *value)
{
	vs_cell *c = context_cell(r, name, VS_COL_STR, 0);
	if (c && !(c->s = strdup(value))) {
		c->set = 0;
		r->broken = VS_RESULT_OOM;
	}
}

void vs_result_context_int(vs_result *r, const char *name, long long value)
{
	vs_cell *c = context_cell(r, name, VS_COL_INT, 0);
	if (c)
		c->i = value;
}

void vs_result_context_float(vs_result *r, const char *name, double value, int decimals)
{
	vs_cell *c = context_cell(r, name, VS_COL_FLOAT, decimals);
	if (c)
		c->f = value;
}

static const struct {
	const char *name;
	vs_output_format f;
} out_names[] = {{"table", VS_OUT_TABLE}, {"tsv", VS_OUT_TSV}, {"json", VS_OUT_JSON}, {"jsonl", VS_OUT_JSONL}};

int vs_output_format_parse(const char *name, vs_output_format *out)
{
	for (size_t i = 0; i < sizeof out_names / sizeof out_names[0]; i++)
		if (strcmp(name, out_names[i].name) == 0) {
			*out = out_names[i].f;
			return 0;
		}
	return -1;
}

const char *vs_output_format_name(vs_output_format f)
{
	return out_names[f].name;
}

/* Text of a scalar cell (not vectors); buf must hold 64 bytes. */
static const char *cell_text(const vs_column *col, const vs_cell *c, char *buf)
{
	if (!c->set)
		return "";
	switch (col->type) {
	case VS_COL_STR:
		return c->s;
	case VS_COL_INT:
		snprintf(buf, 64, "%lld", c->i);
		return buf;
	case VS_COL_FLOAT:
		if (isnan(c->f))
			return "nan";
		snprintf(buf, 64, "%.*f", col->decimals, c->f);
		if (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)) /* -0.000000 is 0.000000 */
			memmove(buf, buf + 1, strlen(buf));
		return buf;
	case VS_COL_VEC:
		return "";
	}
	return "";
}

static void put_tsv_field(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\t')
			fputs("\\t", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '\\')
			fputs("\\\\", out);
		else
			fputc(*s, out);
	}
}

static void print_tsv(const vs_result *r, FILE *out)
{
	char buf[64];
	for (size_t c = 0; c < r->nctx; c++) {
		fputs(r->ctx_cols[c].name, out);
		fputc('\t', out);
	}
	for (size_t c = 0; c < r->ncols; c++) {
		if (c)
			fputc('\t', out);
		fputs(r->cols[c].name, out);
	}
	fputc('\n', out);
	for (size_t i = 0; i < r->nrows; i++) {
		for (size_t c = 0; c < r->nctx; c++) { /* the context, on every row */
			put_tsv_field(out, cell_text(&r->ctx_cols[c], &r->ctx_cells[c], buf));
			fputc('\t', out);
		}
		for (size_t c = 0; c < r->ncols; c++) {
			const vs_cell *cell = &r->cells[i * r->ncols + c];
			if (c)
				fputc('\t', out);
			if (r->cols[c].type == VS_COL_VEC) {
				for (size_t d = 0; d < cell->nvec; d++) {
					int dec = r->cols[c].decimals; /* negative: significant digits */
					fprintf(out, dec < 0 ? (d ? " %.*g" : "%.*g") : (d ? " %.*f" : "%.*f"), dec < 0 ? -dec : dec,
					        (double)cell->vec[d]);
				}
			} else {
				put_tsv_field(out, cell_text(&r->cols[c], cell, buf));
			}
		}
		fputc('\n', out);
	}
}

static double rounded(double v, int decimals)
{
	double p = pow(10, decimals), r = round(v * p) / p;
	return r == 0 ? 0.0 : r; /* no -0 */
}

static cJSON *json_value(const vs_column *col, const vs_cell *cell)
{
	if (!cell->set)
		return cJSON_CreateNull();
	if (col->type == VS_COL_STR)
		return cJSON_CreateString(cell->s);
	if (col->type == VS_COL_INT)
		return cJSON_CreateNumber((double)cell->i);
	if (col->type == VS_COL_FLOAT)
		return isnan(cell->f) ? cJSON_CreateNull() : cJSON_CreateNumber(rounded(cell->f, col->decimals));
	cJSON *v = cJSON_CreateArray();
	for (size_t d = 0; v && d < cell->nvec; d++) {
		char num[32];
		snprintf(num, sizeof num, "%.*g", col->decimals < 0 ? -col->decimals : 9, (double)cell->vec[d]);
		cJSON_AddItemToArray(v, cJSON_CreateNumber(col->decimals < 0 ? strtod(num, NULL)
		                                                              : rounded(cell->vec[d], col->decimals)));
	}
	return v;
}

/* {"command": ..., context..., "rows": [...], "notes": [...]} on one line */
static void print_json(const vs_result *r, const char *command, FILE *out)
{
	cJSON *obj = cJSON_CreateObject(), *rows = cJSON_CreateArray();
	if (obj && command)
		cJSON_AddItemToObject(obj, "command", cJSON_CreateString(command));
	for (size_t c = 0; obj && c < r->nctx; c++)
		cJSON_AddItemToObject(obj, r->ctx_cols[c].name, json_value(&r->ctx_cols[c], &r->ctx_cells[c]));
	for (size_t i = 0; rows && i < r->nrows; i++) {
		cJSON *o = cJSON_CreateObject();
		for (size_t c = 0; o && c < r->ncols; c++)
			cJSON_AddItemToObject(o, r->cols[c].name, json_value(&r->cols[c], &r->cells[i * r->ncols + c]));
		cJSON_AddItemToArray(rows, o);
	}
	if (obj && rows)
		cJSON_AddItemToObject(obj, "rows", rows);
	else
		cJSON_Delete(rows);
	if (obj && r->nnotes) {
		cJSON *notes = cJSON_CreateArray();
		for (size_t i = 0; notes && i < r->nnotes; i++)
			cJSON_AddItemToArray(notes, cJSON_CreateString(r->notes[i]));
		cJSON_AddItemToObject(obj, "notes", notes);
	}
	char *s = obj ? cJSON_PrintUnformatted(obj) : NULL;
	if (s)
		fputs(s, out);
	cJSON_free(s);
	cJSON_Delete(obj);
}

static void pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

void vs_result_print_table(const vs_result *r, size_t cols, FILE *out)
{
	size_t width[VS_RESULT_MAX_COLS];
	char buf[64];
	if (r->title)
		fprintf(out, "%s\n", r->title);
	for (size_t c = 0; c < r->ncols; c++) {
		width[c] = vs_utf8_width(r->cols[c].name);
		for (size_t i = 0; i < r->nrows && r->cols[c].type != VS_COL_VEC; i++) {
			size_t w = vs_utf8_width(cell_text(&r->cols[c], &r->cells[i * r->ncols + c], buf));
			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t c = 0; c < r->ncols; c++) {
		int right = r->cols[c].type == VS_COL_INT || r->cols[c].type == VS_COL_FLOAT;
		size_t w = vs_utf8_width(r->cols[c].name);
		int last = c + 1 == r->ncols;
		if (right)
			pad(out, width[c] - w);
		fputs(r->cols[c].name, out);
		if (!right && !last)
			pad(out, width[c] - w);
		if (!last)
			fputs("  ", out);
	}
	fputc('\n', out);
	size_t start = 0; /* where the last column starts */
	for (size_t c = 0; c + 1 < r->ncols; c++)
		start += width[c] + 2;
	for (size_t i = 0; i < r->nrows; i++) {
		for (size_t c = 0; c < r->ncols; c++) {
			const vs_cell *cell = &r->cells[i * r->ncols + c];
			int last = c + 1 == r->ncols;
			if (r->cols[c].type == VS_COL_VEC) {
				size_t indent = 0;
				for (size_t k = 0; k < c; k++)
					indent += width[k] + 2;
				size_t cell_w = r->cols[c].decimals < 0 ? 15 : (size_t)r->cols[c].decimals + 5, per = 8;
				if (cols && cols > indent + cell_w) /* as many values a line as the terminal holds */
					per = (cols - indent) / cell_w < 8 ? (cols - indent) / cell_w : 8;
				for (size_t d = 0; d < cell->nvec; d++) {
					if (d && d % per == 0) {
						fputc('\n', out);
						pad(out, indent);
					}
					if (r->cols[c].decimals < 0)
						fprintf(out, "%s%*.*g", d % per ? " " : "", 14, -r->cols[c].decimals, (double)cell->vec[d]);
					else
						fprintf(out, "%s%*.*f", d % per ? " " : "", r->cols[c].decimals + 4, r->cols[c].decimals,
						        (double)cell->vec[d]);
				}
				continue;
			}
			const char *t = cell_text(&r->cols[c], cell, buf);
			size_t w = vs_utf8_width(t);
			int right = r->cols[c].type == VS_COL_INT || r->cols[c].type == VS_COL_FLOAT;
			if (right && !(last && w == 0))
				pad(out, width[c] - w);
			if (last && !right && cols && start + w > cols && cols > start + 1) { /* cut to the terminal */
				size_t n = vs_utf8_fit(t, cols - start - 1, NULL);
				fprintf(out, "%.*s\xe2\x80\xa6", (int)n, t);
				continue;
			}
			fputs(t, out);
			if (!right && !last)
				pad(out, width[c] - w);
			if (!last)
				fputs("  ", out);
		}
		fputc('\n', out);
	}
}

void vs_result_print(const vs_result *r, vs_output_format fmt, const char *command, FILE *out, FILE *notes_out)
{
	if (fmt == VS_OUT_TSV)
		print_tsv(r, out);
	else if (fmt == VS_OUT_JSON || fmt == VS_OUT_JSONL)
		print_json(r, command, out);
	else
		vs_result_print_table(r, 0, out);
	if (fmt == VS_OUT_JSONL)
		fputc('\n', out);
	FILE *nf = fmt == VS_OUT_TABLE ? out : fmt == VS_OUT_TSV ? notes_out : NULL;
	for (size_t i = 0; nf && i < r->nnotes; i++)
		fprintf(nf, "%s\n", r->notes[i]);
	fflush(out);
}
