/* save.c: a set written to a new table in one transaction: COPY where the
 * server takes it, batched parameterised INSERTs where it does not. */
#include "pg/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { INSERT_BATCH = 1000, COPY_CHUNK = 1 << 20 };

typedef struct writer {
	vs_pg_conn c;
	vs_pg_target t;
	const vs_vecset *set;
	const vs_pg_save_options *opt;
	char *from, *vec, *label, *id; /* quoted */
} writer;

/* One statement in the transaction: never run again on a new connection
 * (what it would write would be outside the transaction). */
static int step(writer *w, const char *sql, int n, const char *const *params, vs_error *err)
{
	PGresult *r = PQexecParams(w->c.conn, sql, n, NULL, params, NULL, NULL, 0);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		vs_pg_fail(err, &w->c, "", r);
	PQclear(r);
	return ok ? 0 : -1;
}

static void progress(writer *w, size_t done)
{
	if (w->opt->progress)
		w->opt->progress(w->opt->progress_ctx, done, w->set->count);
}

/* COPY's text format: backslash, tab, newline and carriage return escaped. */
static size_t copy_text(char *out, const char *s)
{
	size_t o = 0;
	for (; *s; s++) {
		char e = *s == '\\' ? '\\' : *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\r' ? 'r' : 0;
		if (e)
			out[o++] = '\\', out[o++] = e;
		else
			out[o++] = *s;
	}
	return o;
}

static int copy_rows(writer *w, vs_error *err)
{
	const vs_vecset *set = w->set;
	char *sql = NULL;
	if (asprintf(&sql, "COPY %s (%s, %s, %s) FROM STDIN", w->from, w->id, w->label, w->vec) < 0)
		return vs_oom(err);
	PGresult *r = PQexec(w->c.conn, sql);
	free(sql);
	int ok = PQresultStatus(r) == PGRES_COPY_IN;
	PQclear(r);
	if (!ok)
		return vs_fail(err, "%s: COPY was refused: %s", w->t.server, PQerrorMessage(w->c.conn));
	size_t row_max = 2 * 4096 + set->dims * 18 + 48, cap = COPY_CHUNK + row_max, len = 0;
	char *chunk = malloc(cap);
	if (!chunk)
		return vs_oom(err);
	for (size_t i = 0; i < set->count && ok; i++) {
		size_t wl = strlen(vs_vecset_word(set, i));
		if (wl * 2 + set->dims * 18 + 48 > cap - len) { /* a long word: room for it */
			char *more = realloc(chunk, cap = len + wl * 2 + set->dims * 18 + 48);
			if (!more) {
				free(chunk);
				return vs_oom(err);
			}
			chunk = more;
		}
		len += (size_t)sprintf(chunk + len, "%zu\t", i + 1);
		len += copy_text(chunk + len, vs_vecset_word(set, i));
		chunk[len++] = '\t';
		chunk[len++] = '[';
		const float *v = set->vectors + i * set->dims;
		for (size_t d = 0; d < set->dims; d++)
			len += (size_t)sprintf(chunk + len, "%s%.9g", d ? "," : "", (double)v[d]);
		chunk[len++] = ']';
		chunk[len++] = '\n';
		if (len >= COPY_CHUNK || i + 1 == set->count) {
			ok = PQputCopyData(w->c.conn, chunk, (int)len) == 1;
			len = 0;
			progress(w, i + 1);
		}
		if (vs_interrupted)
			break;
	}
	free(chunk);
	if (!ok || PQputCopyEnd(w->c.conn, vs_interrupted ? "interrupted" : NULL) != 1)
		return vs_fail(err, "%s: COPY failed: %s", w->t.server, PQerrorMessage(w->c.conn));
	while ((r = PQgetResult(w->c.conn))) {
		if (PQresultStatus(r) != PGRES_COMMAND_OK && ok) {
			ok = 0;
			vs_fail(err, "%s: COPY failed: %s", w->t.server, PQresultErrorMessage(r));
		}
		PQclear(r);
	}
	if (ok && PQstatus(w->c.conn) == CONNECTION_BAD)
		return vs_fail(err, "%s: the connection dropped during COPY", w->t.server);
	return ok ? 0 : -1;
}

/* "INSERT ... VALUES ($1::bigint, $2, $3::vector), ..." for n rows. */
static char *insert_sql(const writer *w, size_t n)
{
	size_t cap = 128 + strlen(w->from) + strlen(w->id) + strlen(w->label) + strlen(w->vec) + n * 64, o;
	char *sql = malloc(cap);
	if (!sql)
		return NULL;
	o = (size_t)snprintf(sql, cap, "INSERT INTO %s (%s, %s, %s) VALUES ", w->from, w->id, w->label, w->vec);
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(sql + o, cap - o, "%s($%zu::bigint, $%zu, $%zu::vector)", i ? ", " : "", 3 * i + 1,
		                      3 * i + 2, 3 * i + 3);
	return sql;
}

static int insert_rows(writer *w, vs_error *err)
{
	const vs_vecset *set = w->set;
	char *full = insert_sql(w, INSERT_BATCH), **vals = calloc(INSERT_BATCH * 3, sizeof *vals);
	char (*ids)[24] = malloc(INSERT_BATCH * sizeof *ids);
	int rc = full && vals && ids ? 0 : vs_oom(err);
	for (size_t from = 0; rc == 0 && from < set->count && !vs_interrupted; from += INSERT_BATCH) {
		size_t n = set->count - from < INSERT_BATCH ? set->count - from : INSERT_BATCH;
		for (size_t i = 0; i < n && rc == 0; i++) {
			snprintf(ids[i], sizeof ids[i], "%zu", from + i + 1);
			vals[3 * i] = ids[i];
			vals[3 * i + 1] = (char *)vs_vecset_word(set, from + i);
			free(vals[3 * i + 2]);
			if (!(vals[3 * i + 2] = vs_pg_vector_text(set->vectors + (from + i) * set->dims, set->dims)))
				rc = vs_oom(err);
		}
		char *last = rc == 0 && n < INSERT_BATCH ? insert_sql(w, n) : NULL;
		if (rc == 0 && n < INSERT_BATCH && !last)
			rc = vs_oom(err);
		if (rc == 0)
			rc = step(w, last ? last : full, (int)(3 * n), (const char *const *)vals, err);
		free(last);
		progress(w, from + n);
	}
	for (size_t i = 0; vals && i < INSERT_BATCH; i++)
		free(vals[3 * i + 2]);
	free(full), free(vals), free(ids);
	return rc;
}

/* Everything in one transaction; on any failure it is rolled back. */
static int write_table(writer *w, int copy, vs_error *err)
{
	char *create = NULL, *drop = NULL, *index = NULL, *by_label = NULL;
	int rc = -1;
	if (asprintf(&create, "CREATE TABLE %s (%s bigint PRIMARY KEY, %s text NOT NULL, %s vector(%zu))", w->from, w->id,
	             w->label, w->vec, w->set->dims) < 0 ||
	    asprintf(&drop, "DROP TABLE IF EXISTS %s", w->from) < 0 ||
	    asprintf(&index, "CREATE INDEX ON %s USING hnsw (%s vector_cosine_ops)", w->from, w->vec) < 0 ||
	    asprintf(&by_label, "CREATE INDEX ON %s (%s)", w->from, w->label) < 0) {
		vs_oom(err);
		goto out;
	}
	if (step(w, "BEGIN", 0, NULL, err) < 0 || (w->opt->replace && step(w, drop, 0, NULL, err) < 0) ||
	    step(w, create, 0, NULL, err) < 0 || (copy ? copy_rows(w, err) : insert_rows(w, err)) < 0)
		goto out;
	if (vs_interrupted) {
		vs_fail(err, "%s: interrupted: nothing was written", w->t.server);
		goto out;
	}
	/* words are looked up by label: an index makes that one probe */
	if (step(w, by_label, 0, NULL, err) < 0 || (w->opt->hnsw && step(w, index, 0, NULL, err) < 0) ||
	    step(w, "COMMIT", 0, NULL, err) < 0)
		goto out;
	rc = 0;
out:
	if (rc < 0 && PQstatus(w->c.conn) == CONNECTION_OK) {
		PGresult *r = PQexec(w->c.conn, "ROLLBACK");
		PQclear(r);
	}
	free(create), free(drop), free(index), free(by_label);
	return rc;
}

/* pgvector in the database: there already, or created (where allowed). */
static int ensure_pgvector(writer *w, vs_error *err)
{
	PGresult *r = vs_pg_run(&w->c, "SELECT 1 FROM pg_extension WHERE extname = 'vector'", 0, NULL, PGRES_TUPLES_OK,
	                        err);
	if (!r)
		return -1;
	int there = PQntuples(r) > 0;
	PQclear(r);
	if (there)
		return 0;
	vs_error why;
	r = vs_pg_run(&w->c, "CREATE EXTENSION IF NOT EXISTS vector", 0, NULL, PGRES_COMMAND_OK, &why);
	if (!r)
		return vs_fail(err, "the pgvector extension is not installed and cannot be: %s", why.msg);
	PQclear(r);
	return 0;
}

/* Does the server take COPY FROM STDIN? PGlite's socket server (Postgres
 * built with Emscripten) stops on it. */
static int takes_copy(writer *w, vs_error *err)
{
	PGresult *r = vs_pg_run(&w->c, "SELECT version()", 0, NULL, PGRES_TUPLES_OK, err);
	if (!r)
		return -1;
	int wasm = strstr(PQgetvalue(r, 0, 0), "Emscripten") != NULL;
	PQclear(r);
	return !wasm;
}

static int table_exists(writer *w, int *exists, vs_error *err)
{
	const char *params[1] = {w->from};
	PGresult *r = vs_pg_run(&w->c, "SELECT to_regclass($1) IS NOT NULL", 1, params, PGRES_TUPLES_OK, err);
	if (!r)
		return -1;
	*exists = strcmp(PQgetvalue(r, 0, 0), "t") == 0;
	PQclear(r);
	return 0;
}

static int quote_names(writer *w, vs_error *err)
{
	const char *v = w->t.key[VS_PG_VECTOR] ? w->t.key[VS_PG_VECTOR] : "embedding";
	const char *l = w->t.key[VS_PG_LABEL] ? w->t.key[VS_PG_LABEL] : "label";
	const char *id = w->t.key[VS_PG_ID] ? w->t.key[VS_PG_ID] : "id";
	if (!(w->from = vs_pg_table_sql(&w->c, w->t.key[VS_PG_TABLE], err)) || !(w->vec = vs_pg_ident(&w->c, v, err)) ||
	    !(w->label = vs_pg_ident(&w->c, l, err)) || !(w->id = vs_pg_ident(&w->c, id, err)))
		return -1;
	if (strcmp(w->vec, w->label) == 0 || strcmp(w->vec, w->id) == 0 || strcmp(w->label, w->id) == 0)
		return vs_fail(err, "%s: the id, label and vector columns need three names (%s, %s, %s)", w->t.server, id, l,
		               v);
	return 0;
}

int vs_pg_save(const vs_vecset *set, const char *target, const vs_pg_save_options *opt, vs_pg_save_report *rep,
               vs_error *err)
{
	memset(rep, 0, sizeof *rep);
	if (vs_vecset_whole(set, "saving", err) < 0)
		return -1;
	writer w = {.set = set, .opt = opt};
	int rc = -1, exists = 0;
	if (vs_pg_target_parse(target, &w.t, err) < 0)
		return -1;
	w.c.shown = w.t.server;
	if (!w.t.key[VS_PG_TABLE]) {
		vs_fail(err, "%s: say which table to write: ?table=NAME", w.t.server);
		goto out;
	}
	vs_vecset_need_all(set);
	if (vs_pg_connect(&w.c, w.t.conninfo, err) < 0 || quote_names(&w, err) < 0 || ensure_pgvector(&w, err) < 0 ||
	    table_exists(&w, &exists, err) < 0)
		goto out;
	if (exists && !opt->replace) {
		vs_fail(err, "%s: table %s exists already (--replace drops it and writes the set, in one transaction)",
		        w.t.server, w.t.key[VS_PG_TABLE]);
		goto out;
	}
	int copy = opt->insert ? 0 : takes_copy(&w, err);
	if (copy < 0)
		goto out;
	rep->method = copy ? "COPY" : "INSERT";
	rep->no_copy = !opt->insert && !copy;
	rc = write_table(&w, copy, err);
	if (rc < 0 && copy && PQstatus(w.c.conn) == CONNECTION_BAD && !vs_interrupted) {
		/* the server dropped the connection on COPY (as PGlite's socket server
		 * does): nothing was committed; the rows go again as INSERTs */
		if (vs_pg_reconnect(&w.c, err) < 0)
			goto out;
		PGresult *r = PQexec(w.c.conn, "ROLLBACK"); /* (a server that kept the session) */
		PQclear(r);
		rep->method = "INSERT";
		rep->fell_back = 1;
		rc = write_table(&w, 0, err);
	}
	if (rc == 0) {
		rep->rows = set->count;
		snprintf(rep->table, sizeof rep->table, "%s", w.from);
	}
out:
	vs_pg_disconnect(&w.c);
	vs_pg_target_free(&w.t);
	free(w.from), free(w.vec), free(w.label), free(w.id);
	return rc;
}
