/* conn.c: targets (libpq's connection strings with vecsh's keys beside)
 * and connections that are made again once when they drop. */
#include "pg/internal.h"

#include <ctype.h>
#include <poll.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const own_keys[VS_PG_NKEYS] = {"table", "vector", "label", "id", "where", "exact"};

static int own_key(const char *k, size_t len)
{
	for (int i = 0; i < VS_PG_NKEYS; i++)
		if (strlen(own_keys[i]) == len && memcmp(own_keys[i], k, len) == 0)
			return i;
	return -1;
}

/* ---- text built a piece at a time */

typedef struct buf {
	char *s;
	size_t len, cap;
	int failed;
} buf;

static void put(buf *b, const char *s, size_t n)
{
	if (b->failed)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->s, cap);
		if (!p) {
			b->failed = 1;
			return;
		}
		b->s = p, b->cap = cap;
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void puts_(buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* %XX decoded (a URI's parameter value). */
static char *percent_decoded(const char *s, size_t n)
{
	char *out = malloc(n + 1), *o = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval((unsigned char)s[i + 1]) >= 0 &&
		    hexval((unsigned char)s[i + 2]) >= 0) {
			*o++ = (char)(hexval((unsigned char)s[i + 1]) * 16 + hexval((unsigned char)s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

int vs_pg_is_target(const char *text)
{
	if (strncmp(text, "postgres://", 11) == 0 || strncmp(text, "postgresql://", 13) == 0)
		return 1;
	/* key=value words: the first word a key, and a table named */
	size_t k = strspn(text, "abcdefghijklmnopqrstuvwxyz_");
	return k > 0 && text[k + strspn(text + k, " ")] == '=' && strstr(text, "table") != NULL;
}

/* A URI: vecsh's parameters taken out of the query; the password (in the
 * user part or a password parameter) hidden in what is shown. */
static int parse_uri(const char *text, vs_pg_target *t, vs_error *err)
{
	const char *q = strchr(text, '?');
	size_t base = q ? (size_t)(q - text) : strlen(text);
	buf conn = {0}, shown = {0};
	const char *scheme_end = strstr(text, "://") + 3;
	const char *slash = memchr(scheme_end, '/', base - (size_t)(scheme_end - text));
	size_t auth_len = slash ? (size_t)(slash - scheme_end) : base - (size_t)(scheme_end - text);
	const char *at = NULL;
	for (const char *p = scheme_end; p < scheme_end + auth_len; p++)
		if (*p == '@')
			at = p;
	const char *colon = at ? memchr(scheme_end, ':', (size_t)(at - scheme_end)) : NULL;
	put(&conn, text, base);
	if (colon) {
		put(&shown, text, (size_t)(colon - text) + 1);
		puts_(&shown, "***");
		put(&shown, at, base - (size_t)(at - text));
	} else {
		put(&shown, text, base);
	}
	int nconn = 0, nshown = 0;
	for (const char *p = q ? q + 1 : NULL; p && *p;) {
		const char *amp = strchr(p, '&'), *end = amp ? amp : p + strlen(p);
		const char *eq = memchr(p, '=', (size_t)(end - p));
		size_t klen = eq ? (size_t)(eq - p) : (size_t)(end - p);
		int own = own_key(p, klen);
		if (own >= 0) {
			free(t->key[own]);
			t->key[own] = eq ? percent_decoded(eq + 1, (size_t)(end - eq - 1)) : strdup("");
			if (!t->key[own])
				conn.failed = 1;
		} else if (end > p) {
			puts_(&conn, nconn++ ? "&" : "?");
			put(&conn, p, (size_t)(end - p));
		}
		if (end > p) {
			puts_(&shown, nshown++ ? "&" : "?");
			if (klen == 8 && memcmp(p, "password", 8) == 0)
				puts_(&shown, "password=***");
			else
				put(&shown, p, (size_t)(end - p));
		}
		p = amp ? amp + 1 : end;
	}
	puts_(&conn, "");
	puts_(&shown, "");
	t->conninfo = conn.s, t->shown = shown.s;
	if (conn.failed || shown.failed)
		return vs_oom(err);
	return 0;
}

/* libpq's key=value words: 'quoted' values with \\ and \' escapes. */
/* A key=value word for showing: the value quoted when it has blanks or
 * quotes, a password hidden. */
static void show_word(buf *b, const char *k, size_t klen, const char *v)
{
	puts_(b, b->len ? " " : "");
	put(b, k, klen);
	puts_(b, "=");
	if (klen == 8 && memcmp(k, "password", 8) == 0) {
		puts_(b, "***");
		return;
	}
	int quote = !*v || strpbrk(v, " \t\n\r'\\") != NULL;
	puts_(b, quote ? "'" : "");
	for (const char *c = v; *c; c++) {
		if (quote && (*c == '\'' || *c == '\\'))
			puts_(b, "\\");
		put(b, c, 1);
	}
	puts_(b, quote ? "'" : "");
}

static int parse_words(const char *text, vs_pg_target *t, vs_error *err)
{
	buf conn = {0}, shown = {0}, val = {0}, server = {0};
	const char *p = text;
	for (;;) {
		p += strspn(p, " \t\n\r");
		if (!*p)
			break;
		const char *k = p;
		p += strcspn(p, "= \t\n\r");
		size_t klen = (size_t)(p - k);
		p += strspn(p, " \t\n\r");
		if (*p != '=' || klen == 0) {
			free(conn.s), free(shown.s), free(val.s), free(server.s);
			return vs_fail(err, "connection string: expected key=value at \"%.20s\"", k);
		}
		p++;
		p += strspn(p, " \t\n\r");
		val.len = 0;
		puts_(&val, "");
		if (*p == '\'') {
			for (p++; *p && *p != '\''; p++) {
				if (*p == '\\' && p[1])
					p++;
				put(&val, p, 1);
			}
			if (*p != '\'') {
				free(conn.s), free(shown.s), free(val.s), free(server.s);
				return vs_fail(err, "connection string: a quoted value is not closed");
			}
			p++;
		} else {
			for (; *p && !isspace((unsigned char)*p); p++) {
				if (*p == '\\' && p[1])
					p++;
				put(&val, p, 1);
			}
		}
		if (val.failed)
			break;
		int own = own_key(k, klen);
		if (own >= 0) {
			free(t->key[own]);
			if (!(t->key[own] = strdup(val.s)))
				conn.failed = 1;
		} else {
			put(&conn, k, klen);
			puts_(&conn, "='");
			for (const char *c = val.s; *c; c++) {
				if (*c == '\'' || *c == '\\')
					puts_(&conn, "\\");
				put(&conn, c, 1);
			}
			puts_(&conn, "' ");
		}
		show_word(&shown, k, klen, val.s);
		if (own < 0)
			show_word(&server, k, klen, val.s);
	}
	free(val.s);
	puts_(&conn, "");
	puts_(&shown, "");
	puts_(&server, "");
	t->conninfo = conn.s, t->shown = shown.s, t->server = server.s;
	if (conn.failed || shown.failed || val.failed || server.failed)
		return vs_oom(err);
	return 0;
}

int vs_pg_target_parse(const char *text, vs_pg_target *t, vs_error *err)
{
	memset(t, 0, sizeof *t);
	int rc = strstr(text, "://") && strncmp(text, "postgres", 8) == 0 ? parse_uri(text, t, err)
	                                                                 : parse_words(text, t, err);
	if (rc == 0 && !t->server && !(t->server = strndup(t->shown, strcspn(t->shown, "?")))) /* a URI's */
		rc = vs_oom(err);
	if (rc < 0)
		vs_pg_target_free(t);
	return rc;
}

void vs_pg_target_free(vs_pg_target *t)
{
	free(t->conninfo);
	free(t->shown);
	free(t->server);
	for (int i = 0; i < VS_PG_NKEYS; i++)
		free(t->key[i]);
	memset(t, 0, sizeof *t);
}

/* ---- connections */

/* The first line of a libpq message, without "ERROR:  ". */
static void message(vs_error *err, const char *shown, const char *what, const char *msg)
{
	if (!msg || !*msg)
		msg = "no message from the server";
	size_t n = strcspn(msg, "\n");
	vs_fail(err, "%s: %s%.*s", shown, what, (int)n, msg);
}

static void no_notices(void *arg, const char *msg)
{
	(void)arg, (void)msg; /* the server's notices (PGlite sends its DEBUG lines) are not vecsh's output */
}

static int set_up(vs_pg_conn *c, vs_error *err)
{
	static const char *const setup[] = {"SET client_min_messages = warning", "SET client_encoding = 'UTF8'"};
	PQsetNoticeProcessor(c->conn, no_notices, NULL);
	for (size_t i = 0; i < sizeof setup / sizeof *setup; i++) {
		PGresult *r = PQexec(c->conn, setup[i]);
		int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
		if (!ok)
			message(err, c->shown, "", PQresultErrorMessage(r));
		PQclear(r);
		if (!ok)
			return -1;
	}
	return 0;
}

/* The session's open connections, one a connection string. */
typedef struct vs_pg_shared {
	char *conninfo;
	PGconn *conn;
	int users;
	struct vs_pg_shared *next;
} vs_pg_shared;
static vs_pg_shared *open_conns;

/* Did a connection fail because the server closed it at once, as a server
 * that has just closed another may do for a moment (PGlite's serves one
 * connection at a time)? Then a tenth of a second's pause before the next
 * try, REFUSED_TRIES at most. */
enum { REFUSED_TRIES = 30 };
static int refused_for_now(PGconn *conn)
{
	if (PQstatus(conn) == CONNECTION_OK || !strstr(PQerrorMessage(conn), "server closed the connection unexpectedly"))
		return 0;
	struct timespec pause = {0, 100 * 1000 * 1000};
	nanosleep(&pause, NULL);
	return 1;
}

/* A new connection, tried again while the server refuses for now. */
static PGconn *connect_to(const char *conninfo)
{
	/* connect_timeout before dbname: the target's own (expanded from dbname) wins */
	const char *keys[] = {"connect_timeout", "fallback_application_name", "dbname", NULL};
	const char *vals[] = {"10", "vecsh", conninfo, NULL};
	PGconn *conn = NULL;
	for (int tries = 0; tries < REFUSED_TRIES; tries++) {
		if (conn)
			PQfinish(conn);
		conn = PQconnectdbParams(keys, vals, 1);
		if (!conn || !refused_for_now(conn))
			break;
	}
	return conn;
}

int vs_pg_connect(vs_pg_conn *c, const char *conninfo, vs_error *err)
{
	if (vs_libpq_load(err) < 0)
		return -1;
	for (vs_pg_shared *sh = open_conns; sh; sh = sh->next)
		if (strcmp(sh->conninfo, conninfo) == 0) {
			sh->users++;
			c->shared = sh;
			c->conn = sh->conn;
			return 0;
		}
	vs_pg_shared *sh = calloc(1, sizeof *sh);
	if (!sh || !(sh->conninfo = strdup(conninfo))) {
		free(sh);
		return vs_oom(err);
	}
	c->conn = sh->conn = connect_to(conninfo);
	if (!c->conn) {
		free(sh->conninfo), free(sh);
		return vs_oom(err);
	}
	if (PQstatus(c->conn) != CONNECTION_OK || set_up(c, err) < 0) {
		if (PQstatus(c->conn) != CONNECTION_OK)
			message(err, c->shown, "cannot connect: ", PQerrorMessage(c->conn));
		PQfinish(c->conn);
		c->conn = NULL;
		free(sh->conninfo), free(sh);
		return -1;
	}
	sh->users = 1;
	sh->next = open_conns;
	open_conns = sh;
	c->shared = sh;
	return 0;
}

void vs_pg_disconnect(vs_pg_conn *c)
{
	vs_pg_shared *sh = c->shared;
	c->conn = NULL;
	c->shared = NULL;
	if (!sh || --sh->users > 0)
		return;
	for (vs_pg_shared **p = &open_conns; *p; p = &(*p)->next)
		if (*p == sh) {
			*p = sh->next;
			break;
		}
	PQfinish(sh->conn);
	free(sh->conninfo);
	free(sh);
}

int vs_pg_reconnect(vs_pg_conn *c, vs_error *err)
{
	for (int tries = 0; tries < REFUSED_TRIES; tries++) { /* (a server that has just lost it may refuse a moment) */
		PQreset(c->conn);
		if (!refused_for_now(c->conn))
			break;
	}
	if (PQstatus(c->conn) != CONNECTION_OK) {
		message(err, c->shown, "the connection dropped and cannot be made again: ", PQerrorMessage(c->conn));
		return -1;
	}
	return set_up(c, err);
}

/* Ctrl-C during a statement: the server is asked to cancel it (as psql
 * does); if no answer comes within CANCEL_WAIT seconds the connection is
 * made again, dropping the statement. */
enum { CANCEL_WAIT = 3 };

static double seconds_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void cancel(PGconn *conn)
{
	PGcancel *cn = PQgetCancel(conn);
	char why[256];
	if (cn) {
		PQcancel(cn, why, (int)sizeof why);
		PQfreeCancel(cn);
	}
}

/* The statement's result, waited for in steps so that Ctrl-C is heard:
 * the last result it gives (NULL when the connection failed); *stopped
 * when it was interrupted. */
static PGresult *wait_result(vs_pg_conn *c, int *stopped)
{
	double cancelled = 0;
	*stopped = 0;
	while (PQisBusy(c->conn)) {
		if (vs_interrupted && !cancelled) {
			cancel(c->conn);
			cancelled = seconds_now();
			*stopped = 1;
		}
		if (cancelled && seconds_now() - cancelled > CANCEL_WAIT) { /* no answer: given up */
			PQreset(c->conn);
			return NULL;
		}
		struct pollfd pfd = {PQsocket(c->conn), POLLIN, 0};
		if (pfd.fd < 0 || (poll(&pfd, 1, 100) < 0 && errno != EINTR) || !PQconsumeInput(c->conn))
			break;
	}
	PGresult *last = NULL, *r;
	while ((r = PQgetResult(c->conn))) {
		PQclear(last);
		last = r;
	}
	return last;
}

static PGresult *run(vs_pg_conn *c, const char *sql, int n, const char *const *params, ExecStatusType want,
                     int binary, vs_error *err)
{
	for (int attempt = 0;; attempt++) {
		int stopped = 0;
		PGresult *r = PQsendQueryParams(c->conn, sql, n, NULL, params, NULL, NULL, binary) ? wait_result(c, &stopped)
		                                                                                  : NULL;
		if (r && PQresultStatus(r) == want)
			return r;
		if (stopped) {
			PQclear(r);
			vs_fail(err, "%s: interrupted (the statement was cancelled)", c->shown);
			return NULL;
		}
		if (PQstatus(c->conn) != CONNECTION_BAD || attempt == 1) {
			vs_pg_fail(err, c, attempt ? "the connection dropped twice: " : "", r);
			PQclear(r);
			return NULL;
		}
		PQclear(r); /* the connection dropped: made again once */
		if (vs_pg_reconnect(c, err) < 0)
			return NULL;
	}
}

PGresult *vs_pg_run(vs_pg_conn *c, const char *sql, int n, const char *const *params, ExecStatusType want,
                    vs_error *err)
{
	return run(c, sql, n, params, want, 0, err);
}

PGresult *vs_pg_run_binary(vs_pg_conn *c, const char *sql, int n, const char *const *params, ExecStatusType want,
                           vs_error *err)
{
	return run(c, sql, n, params, want, 1, err);
}

void vs_pg_fail(vs_error *err, const vs_pg_conn *c, const char *what, const PGresult *r)
{
	const char *primary = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	message(err, c->shown, what, primary ? primary : PQerrorMessage(c->conn));
}

char *vs_pg_ident(vs_pg_conn *c, const char *name, vs_error *err)
{
	char *q = PQescapeIdentifier(c->conn, name, strlen(name));
	if (!q) {
		message(err, c->shown, "", PQerrorMessage(c->conn));
		return NULL;
	}
	char *copy = strdup(q); /* (libpq's own memory is freed with PQfreemem) */
	PQfreemem(q);
	if (!copy)
		vs_oom(err);
	return copy;
}

char *vs_pg_table_sql(vs_pg_conn *c, const char *name, vs_error *err)
{
	const char *dot = strchr(name, '.');
	if (!dot)
		return vs_pg_ident(c, name, err);
	char *schema_name = strndup(name, (size_t)(dot - name));
	char *schema = schema_name ? vs_pg_ident(c, schema_name, err) : NULL;
	char *table = schema ? vs_pg_ident(c, dot + 1, err) : NULL;
	char *out = table ? malloc(strlen(schema) + strlen(table) + 2) : NULL;
	if (out)
		sprintf(out, "%s.%s", schema, table);
	else if (table)
		vs_oom(err);
	free(schema_name), free(schema), free(table);
	return out;
}

char *vs_pg_vector_text(const float *v, size_t dims)
{
	char *out = malloc(dims * 18 + 3), *o = out;
	if (!out)
		return NULL;
	*o++ = '[';
	for (size_t d = 0; d < dims; d++)
		o += sprintf(o, "%s%.9g", d ? "," : "", (double)v[d]);
	*o++ = ']';
	*o = '\0';
	return out;
}
