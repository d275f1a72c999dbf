/* table.c: a table in PostgreSQL opened as a remote set: its columns
 * checked, and the queries a set is asked (a row by its name, the nearest
 * rows, how many rows are closer, names by prefix) as parameterised SQL. */
#include "pg/internal.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_VECTOR, KIND_HALFVEC, KIND_ARRAY };

typedef struct table {
	vs_pg_conn c;
	vs_pg_target t;
	char *from;             /* "schema"."table" */
	char *vec, *label, *id; /* quoted columns (id NULL without one) */
	char *vec_name, *label_name, *id_name; /* as the table names them */
	char *id_type;          /* the id column's type, for a cast */
	char *filter;           /* " AND "col"::text = $N", or "" */
	const char *filter_value;
	int kind;               /* of the vector column */
	size_t dims;
	int ann;                /* a cosine HNSW or IVFFlat index on the vector column */
	int exact;              /* the server scans every row, its index left unused */
	int estimated;          /* the row count is the planner's estimate */
	char how[256];
	char *sql_lookup, *sql_lookup_id, *sql_nearest, *sql_exact, *sql_closer, *sql_band, *sql_prefix;
} table;

static void table_close(void *ctx)
{
	table *tb = ctx;
	if (!tb)
		return;
	vs_pg_disconnect(&tb->c);
	vs_pg_target_free(&tb->t);
	free(tb->from), free(tb->vec), free(tb->label), free(tb->id), free(tb->id_type), free(tb->filter);
	free(tb->vec_name), free(tb->label_name), free(tb->id_name);
	free(tb->sql_lookup), free(tb->sql_lookup_id), free(tb->sql_nearest), free(tb->sql_exact);
	free(tb->sql_closer), free(tb->sql_band), free(tb->sql_prefix);
	free(tb);
}

/* sprintf into new memory. */
static char *format(const char *fmt, ...) VS_PRINTF(1, 2);
static char *format(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *out = NULL;
	if (vasprintf(&out, fmt, ap) < 0)
		out = NULL;
	va_end(ap);
	return out;
}

/* The parameters of a statement: its own, then the filter's value. */
static int with_filter(const table *tb, const char **params, int n)
{
	if (tb->filter_value)
		params[n++] = tb->filter_value;
	return n;
}

/* A vector in pgvector's binary form (int16 dims, int16 0, float4s in
 * network order) into out. */
static int parse_vector(const table *tb, const PGresult *r, int row, int col, const char *name, float *out,
                        vs_error *err)
{
	const unsigned char *p = (const unsigned char *)PQgetvalue(r, row, col);
	size_t len = (size_t)PQgetlength(r, row, col), d = len >= 4 ? (size_t)(p[0] << 8 | p[1]) : 0;
	if (len < 4 || len != 4 + 4 * d)
		return vs_fail(err, "%s: row '%s' of %s: not a vector as pgvector sends one", tb->t.server, name,
		               tb->t.key[VS_PG_TABLE]);
	if (d != tb->dims)
		return vs_fail(err, "%s: row '%s' of %s has %zu dims, the set %zu", tb->t.server, name,
		               tb->t.key[VS_PG_TABLE], d, tb->dims);
	for (size_t i = 0; i < d; i++) {
		const unsigned char *b = p + 4 + 4 * i;
		uint32_t u = (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
		memcpy(&out[i], &u, sizeof u);
		if (!isfinite(out[i]))
			return vs_fail(err, "%s: row '%s' of %s: not a vector of finite numbers", tb->t.server, name,
			               tb->t.key[VS_PG_TABLE]);
	}
	return 0;
}

/* "id:N", or the id column's own name before the colon ("item_id:N"): N;
 * else NULL. */
static const char *row_id(const table *tb, const char *word)
{
	const char *colon = strchr(word, ':');
	if (!tb->id || !colon || !colon[1])
		return NULL;
	size_t n = (size_t)(colon - word);
	int named = (n == 2 && memcmp(word, "id", 2) == 0) ||
	            (n == strlen(tb->id_name) && memcmp(word, tb->id_name, n) == 0);
	return named ? colon + 1 : NULL;
}

static int table_lookup(void *ctx, const char *word, float *vec, char **name, vs_error *err)
{
	table *tb = ctx;
	const char *params[2] = {word};
	*name = NULL;
	PGresult *r = vs_pg_run_binary(&tb->c, tb->sql_lookup, with_filter(tb, params, 1), params, PGRES_TUPLES_OK, err);
	const char *id = row_id(tb, word);
	if (r && PQntuples(r) == 0 && id) { /* a row by its id */
		PQclear(r);
		params[0] = id;
		r = vs_pg_run_binary(&tb->c, tb->sql_lookup_id, with_filter(tb, params, 1), params, PGRES_TUPLES_OK, err);
		if (r && PQntuples(r) > 0 && !(*name = strdup(PQgetvalue(r, 0, 1)))) {
			PQclear(r);
			return vs_oom(err);
		}
	}
	if (!r)
		return -1;
	int found = PQntuples(r) > 0 && !PQgetisnull(r, 0, 0);
	if (found && parse_vector(tb, r, 0, 0, word, vec, err) < 0)
		found = -1;
	PQclear(r);
	if (found <= 0)
		free(*name), *name = NULL;
	return found;
}

/* The rows a statement returns (name, vector): kept in *names and *vecs. */
static int take_rows(table *tb, PGresult *r, char ***names, float **vecs, size_t *got, vs_error *err)
{
	size_t rows = (size_t)PQntuples(r);
	*got = 0;
	*names = calloc(rows ? rows : 1, sizeof **names);
	*vecs = malloc((rows ? rows : 1) * tb->dims * sizeof **vecs);
	if (!*names || !*vecs)
		return vs_oom(err);
	for (size_t i = 0; i < rows; i++) {
		const char *name = PQgetvalue(r, (int)i, 0);
		if (!((*names)[i] = strdup(name)))
			return vs_oom(err);
		*got = i + 1;
		if (parse_vector(tb, r, (int)i, 1, name, *vecs + i * tb->dims, err) < 0)
			return -1;
	}
	return 0;
}

static int table_nearest(void *ctx, const float *q, size_t n, char ***names, float **vecs, size_t *got,
                         vs_error *err)
{
	table *tb = ctx;
	char *qv = vs_pg_vector_text(q, tb->dims), limit[32];
	snprintf(limit, sizeof limit, "%zu", n);
	const char *params[3] = {qv, limit};
	*got = 0;
	if (!qv)
		return vs_oom(err);
	PGresult *r = vs_pg_run_binary(&tb->c, tb->exact ? tb->sql_exact : tb->sql_nearest, with_filter(tb, params, 2),
	                               params, PGRES_TUPLES_OK, err);
	free(qv);
	if (!r)
		return -1;
	int rc = take_rows(tb, r, names, vecs, got, err);
	PQclear(r);
	return rc;
}

static int table_closer(void *ctx, const float *q, double lo, double hi, const char *self, size_t *below,
                        char ***names, float **vecs, size_t *got, vs_error *err)
{
	table *tb = ctx;
	char *qv = vs_pg_vector_text(q, tb->dims), dlo[40], dhi[40];
	snprintf(dlo, sizeof dlo, "%.17g", lo);
	snprintf(dhi, sizeof dhi, "%.17g", hi);
	const char *params[5] = {qv, dlo, self};
	*got = 0;
	if (!qv)
		return vs_oom(err);
	PGresult *r = vs_pg_run(&tb->c, tb->sql_closer, with_filter(tb, params, 3), params, PGRES_TUPLES_OK, err);
	int rc = -1;
	if (r) {
		*below = (size_t)strtoull(PQgetvalue(r, 0, 0), NULL, 10);
		PQclear(r);
		params[3] = dhi;
		r = vs_pg_run_binary(&tb->c, tb->sql_band, with_filter(tb, params, 4), params, PGRES_TUPLES_OK, err);
		rc = r ? take_rows(tb, r, names, vecs, got, err) : -1;
		PQclear(r);
	}
	free(qv);
	return rc;
}

static int table_prefix(void *ctx, const char *prefix, size_t max, int (*fn)(const char *word, void *fctx),
                        void *fctx)
{
	table *tb = ctx;
	vs_error err;
	char *like = malloc(2 * strlen(prefix) + 2), *o = like, limit[32];
	if (!like)
		return -1;
	for (const char *p = prefix; *p; p++) { /* LIKE's own characters taken as themselves */
		if (*p == '%' || *p == '_' || *p == '\\')
			*o++ = '\\';
		*o++ = *p;
	}
	strcpy(o, "%");
	snprintf(limit, sizeof limit, "%zu", max);
	const char *params[3] = {like, limit};
	PGresult *r = vs_pg_run(&tb->c, tb->sql_prefix, with_filter(tb, params, 2), params, PGRES_TUPLES_OK, &err);
	free(like);
	if (!r)
		return -1;
	for (int i = 0; i < PQntuples(r); i++)
		if (fn(PQgetvalue(r, i, 0), fctx))
			break;
	PQclear(r);
	return 0;
}

static const char *table_how(void *ctx)
{
	return ((table *)ctx)->how;
}

static const vs_remote_ops table_ops = {
	.lookup = table_lookup,
	.nearest = table_nearest,
	.closer = table_closer,
	.prefix = table_prefix,
	.how = table_how,
	.close = table_close,
	.what = "a table in PostgreSQL",
};

/* ---- opening: the table and its columns checked */

/* A one-value query's answer (malloc'd), or NULL: *none when no row. */
static char *one_value(table *tb, const char *sql, int n, const char *const *params, int *none, vs_error *err)
{
	PGresult *r = vs_pg_run(&tb->c, sql, n, params, PGRES_TUPLES_OK, err);
	if (!r)
		return NULL;
	*none = PQntuples(r) == 0 || PQgetisnull(r, 0, 0);
	char *v = *none ? NULL : strdup(PQgetvalue(r, 0, 0));
	if (!*none && !v)
		vs_oom(err);
	PQclear(r);
	return v;
}

static int need_pgvector(table *tb, char *version, size_t size, vs_error *err)
{
	int none;
	char *v = one_value(tb, "SELECT extversion FROM pg_extension WHERE extname = 'vector'", 0, NULL, &none, err);
	if (!v && !none)
		return -1;
	if (none)
		return vs_fail(err, "%s: the pgvector extension is not installed in this database "
		               "(CREATE EXTENSION vector; needs pgvector on the server)", tb->t.server);
	snprintf(version, size, "%s", v);
	free(v);
	return 0;
}

/* The table's oid, as text, or NULL with an error naming it. */
static char *find_table(table *tb, vs_error *err)
{
	int none;
	const char *params[1] = {tb->from};
	char *oid = one_value(tb, "SELECT c.oid::text FROM pg_class c WHERE c.oid = to_regclass($1) "
	                      "AND c.relkind IN ('r', 'v', 'm', 'p', 'f')", 1, params, &none, err);
	if (!oid && none)
		vs_fail(err, "%s: no table %s in this database", tb->t.server, tb->t.key[VS_PG_TABLE]);
	return oid;
}

typedef struct column {
	char *name, *type, *typname;
	int typmod;
} column;

static void free_columns(column *cols, int n)
{
	for (int i = 0; i < n; i++)
		free(cols[i].name), free(cols[i].type), free(cols[i].typname);
	free(cols);
}

static column *table_columns(table *tb, const char *oid, int *n, vs_error *err)
{
	const char *params[1] = {oid};
	PGresult *r = vs_pg_run(&tb->c,
	                        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typname, a.atttypmod "
	                        "FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid "
	                        "WHERE a.attrelid = $1::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
	                        1, params, PGRES_TUPLES_OK, err);
	if (!r)
		return NULL;
	*n = PQntuples(r);
	column *cols = calloc((size_t)*n + 1, sizeof *cols);
	for (int i = 0; cols && i < *n; i++) {
		cols[i].name = strdup(PQgetvalue(r, i, 0));
		cols[i].type = strdup(PQgetvalue(r, i, 1));
		cols[i].typname = strdup(PQgetvalue(r, i, 2));
		cols[i].typmod = atoi(PQgetvalue(r, i, 3));
		if (!cols[i].name || !cols[i].type || !cols[i].typname) {
			free_columns(cols, i + 1);
			cols = NULL;
		}
	}
	PQclear(r);
	if (!cols)
		vs_oom(err);
	return cols;
}

static int vector_kind(const column *c)
{
	return strcmp(c->typname, "vector") == 0    ? KIND_VECTOR
	       : strcmp(c->typname, "halfvec") == 0 ? KIND_HALFVEC
	       : strcmp(c->typname, "_float4") == 0 ? KIND_ARRAY
	                                            : -1;
}

static const column *named(const column *cols, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(cols[i].name, name) == 0)
			return &cols[i];
	return NULL;
}

/* The columns' names, for an error. */
static void column_list(const column *cols, int n, char *out, size_t size)
{
	size_t o = 0;
	out[0] = '\0';
	for (int i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%s (%s)", i ? ", " : "", cols[i].name, cols[i].type);
}

/* The table's columns, and their names listed for errors. */
typedef struct columns {
	const column *c;
	int n;
	char list[1024];
} columns;

/* The column named name (given by key), or an error listing them. */
static const column *given(table *tb, const columns *cs, const char *name, vs_error *err)
{
	const column *c = named(cs->c, cs->n, name);
	if (!c)
		vs_fail(err, "%s: %s has no column %s (its columns: %s)", tb->t.server, tb->t.key[VS_PG_TABLE], name, cs->list);
	return c;
}

/* vector=, or the table's one vector column; its kind and dims. */
static const column *vector_column(table *tb, const columns *cs, vs_error *err)
{
	const char *name = tb->t.key[VS_PG_VECTOR];
	const column *v = NULL;
	if (name && !(v = given(tb, cs, name, err)))
		return NULL;
	for (int i = 0; !name && i < cs->n; i++)
		if (vector_kind(&cs->c[i]) >= 0) {
			if (v) {
				vs_fail(err, "%s: %s has more than one vector column: say which with vector=COLUMN (its columns: %s)",
				        tb->t.server, tb->t.key[VS_PG_TABLE], cs->list);
				return NULL;
			}
			v = &cs->c[i];
		}
	if (!v) {
		vs_fail(err, "%s: %s has no vector column (vector, halfvec or real[]; its columns: %s)", tb->t.server,
		        tb->t.key[VS_PG_TABLE], cs->list);
		return NULL;
	}
	if ((tb->kind = vector_kind(v)) < 0) {
		vs_fail(err, "%s: column %s of %s is %s, not a vector (vector, halfvec or real[])", tb->t.server, v->name,
		        tb->t.key[VS_PG_TABLE], v->type);
		return NULL;
	}
	if (tb->kind != KIND_ARRAY && v->typmod > 0)
		tb->dims = (size_t)v->typmod;
	return v;
}

/* label=, or the first text column. */
static const column *label_column(table *tb, const columns *cs, vs_error *err)
{
	if (tb->t.key[VS_PG_LABEL])
		return given(tb, cs, tb->t.key[VS_PG_LABEL], err);
	for (int i = 0; i < cs->n; i++)
		if (strcmp(cs->c[i].typname, "text") == 0 || strcmp(cs->c[i].typname, "varchar") == 0)
			return &cs->c[i];
	vs_fail(err, "%s: %s has no text column to name its rows: say which with label=COLUMN (its columns: %s)",
	        tb->t.server, tb->t.key[VS_PG_TABLE], cs->list);
	return NULL;
}

/* id=, or the primary key when it is one column; *id NULL when neither. */
static int id_column(table *tb, const char *oid, const columns *cs, const column **id, vs_error *err)
{
	*id = NULL;
	if (tb->t.key[VS_PG_ID])
		return (*id = given(tb, cs, tb->t.key[VS_PG_ID], err)) ? 0 : -1;
	const char *params[1] = {oid};
	int none;
	char *pk = one_value(tb, "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
	                     "AND a.attnum = i.indkey[0] WHERE i.indrelid = $1::oid AND i.indisprimary AND i.indnatts = 1",
	                     1, params, &none, err);
	if (!pk && !none)
		return -1;
	*id = pk ? named(cs->c, cs->n, pk) : NULL;
	free(pk);
	return 0;
}

/* where=COLUMN=VALUE: the column quoted (completed with its parameter's
 * number in each statement), the value a parameter; "" without one. */
static int filter_column(table *tb, const columns *cs, vs_error *err)
{
	const char *w = tb->t.key[VS_PG_WHERE], *eq = w ? strchr(w, '=') : NULL;
	if (!w)
		return (tb->filter = strdup("")) ? 0 : vs_oom(err);
	if (!eq || eq == w)
		return vs_fail(err, "%s: where= takes COLUMN=VALUE, not '%s'", tb->t.server, w);
	char *col = strndup(w, (size_t)(eq - w));
	if (!col)
		return vs_oom(err);
	const column *c = given(tb, cs, col, err);
	free(col);
	if (!c || !(tb->filter = vs_pg_ident(&tb->c, c->name, err)))
		return -1;
	tb->filter_value = eq + 1;
	return 0;
}

/* The vector, label, id and filter columns, quoted for the statements. */
static int choose_columns(table *tb, const char *oid, const column *cols, int n, vs_error *err)
{
	columns cs = {cols, n, ""};
	column_list(cols, n, cs.list, sizeof cs.list);
	const column *v = vector_column(tb, &cs, err), *l = v ? label_column(tb, &cs, err) : NULL, *id = NULL;
	if (!l || id_column(tb, oid, &cs, &id, err) < 0)
		return -1;
	if (!(tb->vec = vs_pg_ident(&tb->c, v->name, err)) || !(tb->label = vs_pg_ident(&tb->c, l->name, err)))
		return -1;
	if (id && (!(tb->id = vs_pg_ident(&tb->c, id->name, err)) || !(tb->id_type = strdup(id->type))))
		return tb->id ? vs_oom(err) : -1;
	tb->vec_name = strdup(v->name), tb->label_name = strdup(l->name), tb->id_name = strdup(id ? id->name : "none");
	if (!tb->vec_name || !tb->label_name || !tb->id_name)
		return vs_oom(err);
	return filter_column(tb, &cs, err);
}

/* " AND col::text = $n" for a statement with n - 1 parameters of its own. */
static char *filter_sql(const table *tb, int n)
{
	return tb->filter_value ? format(" AND %s::text = $%d", tb->filter, n) : strdup("");
}

/* The statements, built once from quoted identifiers. */
static int build_statements(table *tb, vs_error *err)
{
	const char *cast = tb->kind == KIND_HALFVEC ? "halfvec" : "vector";
	char *vexpr = tb->kind == KIND_ARRAY ? format("%s::vector", tb->vec) : strdup(tb->vec);
	char *f1 = filter_sql(tb, 2), *f2 = filter_sql(tb, 3), *f3 = filter_sql(tb, 4), *f4 = filter_sql(tb, 5);
	char *name = tb->id ? format("coalesce(%s::text, 'id:' || %s::text)", tb->label, tb->id)
	                    : format("coalesce(%s::text, '')", tb->label);
	const char *order = tb->id ? tb->id : "ctid";
	if (vexpr && f1 && f2 && f3 && f4 && name) {
		tb->sql_lookup = format("SELECT %s::vector FROM %s WHERE %s::text = $1%s ORDER BY %s LIMIT 1", tb->vec,
		                        tb->from, tb->label, f1, order);
		tb->sql_lookup_id = tb->id ? format("SELECT %s::vector, %s FROM %s WHERE %s = CAST($1 AS %s)%s LIMIT 1",
		                                    tb->vec, name, tb->from, tb->id, tb->id_type, f1)
		                           : strdup("");
		tb->sql_nearest = format("SELECT %s, %s::vector FROM %s WHERE %s IS NOT NULL%s ORDER BY %s <=> $1::%s LIMIT "
		                         "$2::bigint", name, tb->vec, tb->from, tb->vec, f2, vexpr, cast);
		/* exact: an order no index can give (HNSW and IVFFlat serve only the
		 * operator itself), so the server scans every row; no setting is
		 * changed (PGlite's sessions share one) */
		tb->sql_exact = format("SELECT %s, %s::vector FROM %s WHERE %s IS NOT NULL%s ORDER BY (%s <=> $1::%s) + 0 "
		                       "LIMIT $2::bigint", name, tb->vec, tb->from, tb->vec, f2, vexpr, cast);
		tb->sql_closer = format("SELECT count(*) FROM %s WHERE %s IS NOT NULL AND (%s <=> $1::%s) < $2::float8 "
		                        "AND %s::text IS DISTINCT FROM $3%s", tb->from, tb->vec, vexpr, cast, tb->label, f3);
		tb->sql_band = format("SELECT %s, %s::vector FROM %s WHERE %s IS NOT NULL AND (%s <=> $1::%s) >= $2::float8 "
		                      "AND (%s <=> $1::%s) < $4::float8 AND %s::text IS DISTINCT FROM $3%s", name, tb->vec,
		                      tb->from, tb->vec, vexpr, cast, vexpr, cast, tb->label, f4);
		tb->sql_prefix = format("SELECT w FROM (SELECT DISTINCT %s::text AS w FROM %s WHERE %s::text LIKE $1%s) q "
		                        "ORDER BY w COLLATE \"C\" LIMIT $2::bigint", tb->label, tb->from, tb->label, f2);
	}
	free(vexpr), free(f1), free(f2), free(f3), free(f4), free(name);
	if (!tb->sql_lookup || !tb->sql_lookup_id || !tb->sql_nearest || !tb->sql_exact || !tb->sql_closer ||
	    !tb->sql_band || !tb->sql_prefix)
		return vs_oom(err);
	return 0;
}

/* dims from the first row, for a column declared without them. */
static int first_row_dims(table *tb, vs_error *err)
{
	if (tb->dims)
		return 0;
	char *sql = format("SELECT vector_dims(%s%s) FROM %s WHERE %s IS NOT NULL LIMIT 1", tb->vec,
	                   tb->kind == KIND_ARRAY ? "::vector" : tb->kind == KIND_HALFVEC ? "::vector" : "", tb->from,
	                   tb->vec);
	int none;
	char *v = sql ? one_value(tb, sql, 0, NULL, &none, err) : NULL;
	free(sql);
	if (!v)
		return none ? vs_fail(err, "%s: %s has no rows, and its column does not say how many dims", tb->t.server,
		                      tb->from)
		            : -1;
	tb->dims = (size_t)strtoull(v, NULL, 10);
	free(v);
	if (tb->dims == 0 || tb->dims > VS_MAX_DIMS)
		return vs_fail(err, "%s: %s: %zu dims", tb->t.server, tb->t.key[VS_PG_TABLE], tb->dims);
	return 0;
}

/* The rows: counted where that is quick (under a million rows by the
 * planner's estimate, or never analysed), else the estimate (*rows_note
 * says which). A count of a large table reads all of it. */
enum { COUNT_LIMIT = 1000000 };
static int count_rows(table *tb, const char *oid, size_t *rows, vs_error *err)
{
	const char *params[1] = {oid};
	int none;
	char *est = one_value(tb, "SELECT reltuples::bigint FROM pg_class WHERE oid = $1::oid", 1, params, &none, err);
	if (!est && !none)
		return -1;
	long long e = est ? strtoll(est, NULL, 10) : -1;
	free(est);
	if (e >= COUNT_LIMIT) {
		*rows = (size_t)e;
		tb->estimated = 1;
		return 0;
	}
	char *f = filter_sql(tb, 1);
	char *sql = f ? format("SELECT count(*) FROM %s WHERE %s IS NOT NULL%s", tb->from, tb->vec, f) : NULL;
	free(f);
	if (!sql)
		return vs_oom(err);
	params[0] = tb->filter_value;
	char *count = one_value(tb, sql, tb->filter_value ? 1 : 0, params, &none, err);
	free(sql);
	if (!count)
		return -1;
	*rows = (size_t)strtoull(count, NULL, 10);
	free(count);
	return 0;
}

/* "field\tvalue" lines for info: rows, columns, indexes, how it searches. */
static char *describe(table *tb, const char *oid, const char *server, const char *pgvector, size_t *rows,
                      vs_error *err)
{
	if (count_rows(tb, oid, rows, err) < 0)
		return NULL;
	/* the indexes whose first column is the vector column, with its operator class */
	const char *iparams[2] = {oid, tb->vec_name};
	PGresult *r = vs_pg_run(&tb->c,
	                        "SELECT c.relname, am.amname, op.opcname FROM pg_index i "
	                        "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam "
	                        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0] "
	                        "JOIN pg_opclass op ON op.oid = i.indclass[0] "
	                        "WHERE i.indrelid = $1::oid AND a.attname = $2 ORDER BY c.relname",
	                        2, iparams, PGRES_TUPLES_OK, err);
	if (!r)
		return NULL;
	char indexes[1024] = "";
	size_t o = 0;
	for (int i = 0; i < PQntuples(r) && o < sizeof indexes; i++) {
		const char *name = PQgetvalue(r, i, 0), *am = PQgetvalue(r, i, 1), *ops = PQgetvalue(r, i, 2);
		int ann = strcmp(am, "hnsw") == 0 || strcmp(am, "ivfflat") == 0;
		if (ann && strstr(ops, "_cosine_ops") && tb->kind != KIND_ARRAY && !tb->ann) {
			tb->ann = 1;
			snprintf(tb->how, sizeof tb->how, "approximate: the server's %s index %s answers (load with --exact "
			         "for exact answers)", am, name);
		}
		o += (size_t)snprintf(indexes + o, sizeof indexes - o, "%s%s (%s, %s)", o ? "; " : "", name, am, ops);
	}
	if (!tb->ann || tb->exact)
		snprintf(tb->how, sizeof tb->how, "exact: the server scans every row%s",
		         tb->ann ? " (--exact: its index is not used)" : "");
	const char *kind = tb->kind == KIND_VECTOR ? "vector" : tb->kind == KIND_HALFVEC ? "halfvec" : "real[]";
	const char *counted = tb->estimated     ? " (the planner's estimate: counting would read the table)"
	                      : tb->filter_value ? " (with the filter)"
	                                         : "";
	char *about = format("server\t%s, pgvector %s\ntable\t%s\nrows\t%s%zu%s\nvector column\t%s (%s%s)\n"
	                     "label column\t%s\nid column\t%s\nindexes\t%s\nsearch\t%s\n",
	                     server, pgvector, tb->t.key[VS_PG_TABLE], tb->estimated ? "about " : "", *rows, counted,
	                     tb->vec_name, kind, tb->kind == KIND_ARRAY ? ", compared as vector" : "", tb->label_name,
	                     tb->id_name,
	                     o ? indexes : "none on the vector column", tb->how);
	PQclear(r);
	if (about && tb->filter_value) {
		char *more = format("%sfilter\t%s\n", about, tb->t.key[VS_PG_WHERE]);
		free(about);
		about = more;
	}
	if (!about)
		vs_oom(err);
	return about;
}

vs_vecset *vs_pg_open(const char *target, int exact, vs_error *err)
{
	table *tb = calloc(1, sizeof *tb);
	if (!tb) {
		vs_oom(err);
		return NULL;
	}
	char *oid = NULL, *about = NULL, pgvector[32], server[64];
	int n = 0;
	column *cols = NULL;
	size_t rows = 0;
	if (vs_pg_target_parse(target, &tb->t, err) < 0)
		goto fail;
	tb->c.shown = tb->t.server;
	const char *ex = tb->t.key[VS_PG_EXACT];
	tb->exact = exact || (ex && strcmp(ex, "0") != 0 && strcmp(ex, "false") != 0 && strcmp(ex, "off") != 0);
	if (!tb->t.key[VS_PG_TABLE]) {
		vs_fail(err, "%s: say which table: ?table=NAME (or table=NAME among key=value words)", tb->t.server);
		goto fail;
	}
	if (vs_pg_connect(&tb->c, tb->t.conninfo, err) < 0 || need_pgvector(tb, pgvector, sizeof pgvector, err) < 0 ||
	    !(tb->from = vs_pg_table_sql(&tb->c, tb->t.key[VS_PG_TABLE], err)) || !(oid = find_table(tb, err)) ||
	    !(cols = table_columns(tb, oid, &n, err)) || choose_columns(tb, oid, cols, n, err) < 0 ||
	    first_row_dims(tb, err) < 0 || build_statements(tb, err) < 0)
		goto fail;
	snprintf(server, sizeof server, "PostgreSQL %s", PQparameterStatus(tb->c.conn, "server_version"));
	if (!(about = describe(tb, oid, server, pgvector, &rows, err)))
		goto fail;
	free(oid);
	free_columns(cols, n);
	vs_vecset *set = vs_vecset_remote(tb->dims, &table_ops, tb, err);
	if (!set) {
		free(about);
		return NULL;
	}
	const char *base = strrchr(tb->t.key[VS_PG_TABLE], '.');
	set->name = strdup(base ? base + 1 : tb->t.key[VS_PG_TABLE]);
	set->source = strdup(tb->t.shown);
	set->format = "postgresql";
	set->about = about;
	set->remote_rows = rows;
	if (!set->name || !set->source) {
		vs_vecset_free(set);
		vs_oom(err);
		return NULL;
	}
	return set;
fail:
	free(oid);
	free(about);
	free_columns(cols, n);
	table_close(tb);
	return NULL;
}
