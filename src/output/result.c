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

static const struct {
	const char *name;
	vs_output_format f;
} out_names[] = {{"table", VS_OUT_TABLE}, {"tsv", VS_OUT_TSV}, {"json", VS_OUT_JSON}};

int vs_output_format_parse(const char *name, vs_output_format *out)
{
	for (size_t i = 0; i < 3; i++)
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
	for (size_t c = 0; c < r->ncols; c++) {
		if (c)
			fputc('\t', out);
		fputs(r->cols[c].name, out);
	}
	fputc('\n', out);
	for (size_t i = 0; i < r->nrows; i++) {
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
	double p = pow(10, decimals);
	return round(v * p) / p;
}

static void print_json(const vs_result *r, FILE *out)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t i = 0; arr && i < r->nrows; i++) {
		cJSON *o = cJSON_CreateObject();
		for (size_t c = 0; o && c < r->ncols; c++) {
			const vs_cell *cell = &r->cells[i * r->ncols + c];
			const vs_column *col = &r->cols[c];
			cJSON *v;
			if (!cell->set)
				v = cJSON_CreateNull();
			else if (col->type == VS_COL_STR)
				v = cJSON_CreateString(cell->s);
			else if (col->type == VS_COL_INT)
				v = cJSON_CreateNumber((double)cell->i);
			else if (col->type == VS_COL_FLOAT)
				v = isnan(cell->f) ? cJSON_CreateNull() : cJSON_CreateNumber(rounded(cell->f, col->decimals));
			else {
				v = cJSON_CreateArray();
				for (size_t d = 0; v && d < cell->nvec; d++) {
					char num[32];
					snprintf(num, sizeof num, "%.*g", col->decimals < 0 ? -col->decimals : 9, (double)cell->vec[d]);
					cJSON_AddItemToArray(v, cJSON_CreateNumber(col->decimals < 0 ? strtod(num, NULL)
					                                                              : rounded(cell->vec[d], col->decimals)));
				}
			}
			cJSON_AddItemToObject(o, col->name, v);
		}
		cJSON_AddItemToArray(arr, o);
	}
	char *s = arr ? cJSON_PrintUnformatted(arr) : NULL;
	if (s) {
		fputs(s, out);
		fputc('\n', out);
	}
	cJSON_free(s);
	cJSON_Delete(arr);
}

static void pad(FILE *out, size_t n)
{
	while (n--)
		fputc(' ', out);
}

static void print_table(const vs_result *r, FILE *out)
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
	for (size_t i = 0; i < r->nrows; i++) {
		for (size_t c = 0; c < r->ncols; c++) {
			const vs_cell *cell = &r->cells[i * r->ncols + c];
			int last = c + 1 == r->ncols;
			if (r->cols[c].type == VS_COL_VEC) {
				for (size_t d = 0; d < cell->nvec; d++) {
					if (d && d % 8 == 0) {
						fputc('\n', out);
						size_t indent = 0;
						for (size_t k = 0; k < c; k++)
							indent += width[k] + 2;
						pad(out, indent);
					}
					if (r->cols[c].decimals < 0)
						fprintf(out, "%s%*.*g", d % 8 ? " " : "", 14, -r->cols[c].decimals, (double)cell->vec[d]);
					else
						fprintf(out, "%s%*.*f", d % 8 ? " " : "", r->cols[c].decimals + 4, r->cols[c].decimals,
						        (double)cell->vec[d]);
				}
				continue;
			}
			const char *t = cell_text(&r->cols[c], cell, buf);
			size_t w = vs_utf8_width(t);
			int right = r->cols[c].type == VS_COL_INT || r->cols[c].type == VS_COL_FLOAT;
			if (right && !(last && w == 0))
				pad(out, width[c] - w);
			fputs(t, out);
			if (!right && !last)
				pad(out, width[c] - w);
			if (!last)
				fputs("  ", out);
		}
		fputc('\n', out);
	}
}

void vs_result_print(const vs_result *r, vs_output_format fmt, FILE *out, FILE *notes_out)
{
	if (fmt == VS_OUT_TSV)
		print_tsv(r, out);
	else if (fmt == VS_OUT_JSON)
		print_json(r, out);
	else
		print_table(r, out);
	FILE *nf = fmt == VS_OUT_TABLE ? out : notes_out;
	for (size_t i = 0; nf && i < r->nnotes; i++)
		fprintf(nf, "%s\n", r->notes[i]);
	fflush(out);
}
