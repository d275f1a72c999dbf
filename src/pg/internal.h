/* internal.h: what the PostgreSQL files share (private to src/pg). */
#ifndef VECSH_PG_INTERNAL_H
#define VECSH_PG_INTERNAL_H

#include "pg/pg.h"

#include <libpq-fe.h>

/* libpq is opened when a PostgreSQL target is first used (libpq.c), not
 * linked: the twenty-odd libraries it brings (TLS, Kerberos, LDAP) would
 * otherwise slow every start of vecsh. Its functions, called by their own
 * names, go through this table. */
#define VS_LIBPQ_FUNCTIONS(X) \
	X(PQcancel) \
	X(PQclear) \
	X(PQconnectdbParams) \
	X(PQconsumeInput) \
	X(PQerrorMessage) \
	X(PQescapeIdentifier) \
	X(PQexec) \
	X(PQexecParams) \
	X(PQfinish) \
	X(PQfreeCancel) \
	X(PQfreemem) \
	X(PQgetCancel) \
	X(PQgetResult) \
	X(PQgetisnull) \
	X(PQgetlength) \
	X(PQgetvalue) \
	X(PQisBusy) \
	X(PQntuples) \
	X(PQparameterStatus) \
	X(PQputCopyData) \
	X(PQputCopyEnd) \
	X(PQreset) \
	X(PQresultErrorField) \
	X(PQresultErrorMessage) \
	X(PQresultStatus) \
	X(PQsendQueryParams) \
	X(PQsetNoticeProcessor) \
	X(PQsocket) \
	X(PQstatus)
struct vs_libpq {
#define X(name) __typeof__(name) *name;
	VS_LIBPQ_FUNCTIONS(X)
#undef X
};
extern struct vs_libpq vs_libpq;
/* Open libpq (once): 0, or -1 with a message saying what to install. */
int vs_libpq_load(vs_error *err);
#ifndef VS_LIBPQ_TABLE
#define PQcancel vs_libpq.PQcancel
#define PQclear vs_libpq.PQclear
#define PQconnectdbParams vs_libpq.PQconnectdbParams
#define PQconsumeInput vs_libpq.PQconsumeInput
#define PQerrorMessage vs_libpq.PQerrorMessage
#define PQescapeIdentifier vs_libpq.PQescapeIdentifier
#define PQexec vs_libpq.PQexec
#define PQexecParams vs_libpq.PQexecParams
#define PQfinish vs_libpq.PQfinish
#define PQfreeCancel vs_libpq.PQfreeCancel
#define PQfreemem vs_libpq.PQfreemem
#define PQgetCancel vs_libpq.PQgetCancel
#define PQgetResult vs_libpq.PQgetResult
#define PQgetisnull vs_libpq.PQgetisnull
#define PQgetlength vs_libpq.PQgetlength
#define PQgetvalue vs_libpq.PQgetvalue
#define PQisBusy vs_libpq.PQisBusy
#define PQntuples vs_libpq.PQntuples
#define PQparameterStatus vs_libpq.PQparameterStatus
#define PQputCopyData vs_libpq.PQputCopyData
#define PQputCopyEnd vs_libpq.PQputCopyEnd
#define PQreset vs_libpq.PQreset
#define PQresultErrorField vs_libpq.PQresultErrorField
#define PQresultErrorMessage vs_libpq.PQresultErrorMessage
#define PQresultStatus vs_libpq.PQresultStatus
#define PQsendQueryParams vs_libpq.PQsendQueryParams
#define PQsetNoticeProcessor vs_libpq.PQsetNoticeProcessor
#define PQsocket vs_libpq.PQsocket
#define PQstatus vs_libpq.PQstatus
#endif

/* vecsh's own keys of a target, beside libpq's */
enum { VS_PG_TABLE, VS_PG_VECTOR, VS_PG_LABEL, VS_PG_ID, VS_PG_WHERE, VS_PG_EXACT, VS_PG_NKEYS };

/* A target split: what goes to libpq, what may be shown, and vecsh's keys. */
typedef struct vs_pg_target {
	char *conninfo;            /* for libpq: the target without vecsh's keys */
	char *shown;               /* the target with any password hidden */
	char *server;              /* what names it in errors: shown without vecsh's keys */
	char *key[VS_PG_NKEYS];    /* vecsh's keys' values, or NULL */
} vs_pg_target;

int vs_pg_target_parse(const char *text, vs_pg_target *t, vs_error *err);
void vs_pg_target_free(vs_pg_target *t);

/* A connection that is made again once when it drops. The sets and saves
 * of a session that name the same server share one (a server such as
 * PGlite's serves one connection at a time). */
typedef struct vs_pg_conn {
	PGconn *conn;
	const char *shown;         /* names the server in errors */
	struct vs_pg_shared *shared;
} vs_pg_conn;

int vs_pg_connect(vs_pg_conn *c, const char *conninfo, vs_error *err);
void vs_pg_disconnect(vs_pg_conn *c);
/* Make a dropped connection again (and its set-up statements). */
int vs_pg_reconnect(vs_pg_conn *c, vs_error *err);
/* A parameterised statement (text parameters and results): the result
 * when its status is want, else NULL with the server's message. A dropped
 * connection is made again and the statement run once more. */
PGresult *vs_pg_run(vs_pg_conn *c, const char *sql, int n, const char *const *params, ExecStatusType want,
                    vs_error *err);
/* The same with the results in binary (pgvector's vector: int16 dims,
 * int16 0, then float4s in network order; text as its bytes). */
PGresult *vs_pg_run_binary(vs_pg_conn *c, const char *sql, int n, const char *const *params, ExecStatusType want,
                           vs_error *err);
/* A statement's failure in err: the server's primary message (or the
 * connection's), its first line, after the server's name and what. */
void vs_pg_fail(vs_error *err, const vs_pg_conn *c, const char *what, const PGresult *r);
/* A quoted identifier (PQescapeIdentifier), or NULL with an error. */
char *vs_pg_ident(vs_pg_conn *c, const char *name, vs_error *err);
/* "[v0,v1,...]": a vector as pgvector reads it, exactly (9 digits). */
char *vs_pg_vector_text(const float *v, size_t dims);
/* A table name "t" or "schema.t" as quoted SQL. */
char *vs_pg_table_sql(vs_pg_conn *c, const char *name, vs_error *err);

#endif
