/* pg.h: sets that live in PostgreSQL tables with pgvector: a table opened
 * as a remote set (the server searches; vecsh fetches only the rows a
 * command needs), and a set written to a table. */
#ifndef VECSH_PG_H
#define VECSH_PG_H

#include "core/core.h"
#include "vectors/vectors.h"

/* Does text name a table in PostgreSQL: a postgres:// or postgresql:// URI,
 * or libpq's key=value words, with vecsh's own keys (table=, vector=,
 * label=, id=, where=, exact=) beside libpq's? */
int vs_pg_is_target(const char *text);

/* The table as a remote set (named after the table; its source the target
 * with any password hidden; `about` what info shows). exact: the server
 * scans every row rather than answering from an approximate index. */
vs_vecset *vs_pg_open(const char *target, int exact, vs_error *err);

typedef struct vs_pg_save_options {
	int replace;   /* a table of that name is dropped first, in the same transaction */
	int insert;    /* batched INSERTs rather than COPY */
	int hnsw;      /* build an HNSW index (cosine) on the vector column */
	void (*progress)(void *ctx, size_t rows_done, size_t rows); /* as rows go */
	void *progress_ctx;
} vs_pg_save_options;

typedef struct vs_pg_save_report {
	size_t rows;
	const char *method;  /* "COPY" or "INSERT" */
	int fell_back;       /* COPY failed (the connection dropped) and INSERTs wrote the rows */
	int no_copy;         /* the server does not take COPY (PGlite): INSERTs wrote the rows */
	char table[256];     /* as written: "schema"."table" */
} vs_pg_save_report;

/* Write every row of set to a new table (id bigint, label text, vector
 * vector(dims)) in one transaction: all or nothing. */
int vs_pg_save(const vs_vecset *set, const char *target, const vs_pg_save_options *opt, vs_pg_save_report *rep,
               vs_error *err);

#endif
