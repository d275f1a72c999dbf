/* save: write a set as .vecs or export it. */
#include <string.h>

#include "ui/ui.h"
#include "vectors/vectors.h"

static const char *const save_formats[] = {"vecs", "word2vec", "word2vec-bin", "glove", "fasttext", NULL};
static const char *const save_indexes[] = {"hnsw", NULL};
static const char *const save_dtypes[] = {"f32", "f16", "int8", NULL};

static void rows_written(void *ctx, size_t done, size_t total)
{
	vs_progress_count(ctx, done, total);
}

/* save NAME postgres://...?table=T: a new table, in one transaction. */
static int save_table(vs_session *s, vs_vecset *set, const char *target, vs_args *a)
{
	if (vs_arg_opt(a, "--format"))
		return vs_session_error(s, "save: --format is for files; a table in PostgreSQL has one form");
	const char *index = vs_arg_opt(a, "--index");
	vs_progress p;
	vs_progress_start(&p, s, "writing rows");
	vs_pg_save_options opt = {.replace = vs_arg_flag(a, "--replace"), .insert = vs_arg_flag(a, "--insert"),
	                          .hnsw = index != NULL, .progress = rows_written, .progress_ctx = &p};
	vs_pg_save_report rep;
	vs_error err;
	int rc = vs_pg_save(set, target, &opt, &rep, &err);
	vs_progress_end(&p);
	if (rc < 0)
		return vs_session_error(s, "save: %s", err.msg);
	double el = vs_seconds_since(&p.start);
	set->unsaved = 0;
	vs_session_info(s, "saved %s to table %s: %zu rows x %zu dims in %.2f s (%.0f rows/s, %s%s%s)", set->name,
	                rep.table, rep.rows, set->dims, el, el > 0 ? (double)rep.rows / el : 0.0, rep.method,
	                rep.fell_back ? ": the server dropped the connection on COPY"
	                : rep.no_copy ? ": the server (PGlite) does not take COPY" : "",
	                opt.hnsw ? "; an HNSW index for cosine built" : "");
	return 0;
}

static int cmd_save_exec(vs_session *s, vs_args *a)
{
	vs_index *ix = vs_session_find_index(s, a->argv[0]);
	if (ix) {
		const char *f = vs_arg_opt(a, "--format");
		if (f && strcmp(f, "vecs") != 0)
			return vs_session_error(s, "save: %s is an index; it is saved in the index format only", ix->name);
		vs_error err;
		if (vs_index_save(ix, a->argv[1], &err) < 0)
			return vs_session_error(s, "save: %s", err.msg);
		ix->unsaved = 0;
		vs_session_info(s, "saved index %s to %s", ix->name, a->argv[1]);
		return 0;
	}
	vs_vecset *set = vs_session_find(s, a->argv[0]);
	if (!set)
		return vs_session_error(s, "save: no set named '%s' (see 'sets')", a->argv[0]);
	if (vs_pg_is_target(a->argv[1]))
		return save_table(s, set, a->argv[1], a);
	if (vs_arg_opt(a, "--index") || vs_arg_flag(a, "--replace") || vs_arg_flag(a, "--insert"))
		return vs_session_error(s, "save: --index, --replace and --insert are for a table in PostgreSQL");
	vs_format fmt = VS_FMT_VECS;
	const char *f = vs_arg_opt(a, "--format");
	if (f)
		vs_format_parse(f, &fmt);
	const char *dt = vs_arg_opt(a, "--dtype");
	vs_vec_dtype dtype = VS_VEC_F32;
	if (dt)
		vs_vec_dtype_parse(dt, &dtype); /* the choices were checked by the parser */
	if (dtype != VS_VEC_F32 && fmt != VS_FMT_VECS)
		return vs_session_error(s, "save: --dtype %s is for .vecs files (the other formats keep what they keep)", dt);
	vs_error err;
	if ((dtype != VS_VEC_F32 ? vs_vecs_write_as(set, a->argv[1], dtype, &err) : vs_save(set, a->argv[1], fmt, &err)) < 0)
		return vs_session_error(s, "save: %s", err.msg);
	set->unsaved = 0;
	vs_session_info(s, "saved %s to %s (%s%s%s)", set->name, a->argv[1], vs_format_name(fmt),
	                vs_is_gzip_name(a->argv[1]) && fmt != VS_FMT_VECS ? ", gzip" : "",
	                dtype == VS_VEC_F16   ? ", rows as half floats: answers from it are approximate"
	                : dtype == VS_VEC_INT8 ? ", rows as int8 with a scale a row: answers from it are approximate"
	                                       : "");
	if (set->sub)
		vs_session_info(s, "the file has the %zu dictionary words' vectors (fastText's print-word-vectors); the "
		                "character n-grams are not kept in it, so words outside the dictionary have no vector there",
		                set->count);
	return 0;
}

static const vs_option cmd_save_options[] = {
	{"--format", "FORMAT", "vecs (default), word2vec, word2vec-bin, glove or fasttext", VS_COMPLETE_CHOICE,
	 save_formats},
	{"--dtype", "TYPE", "for .vecs: f32 (default), f16 or int8 (with a scale a row): a half or a quarter of the memory, "
	 "answers approximate", VS_COMPLETE_CHOICE, save_dtypes},
	{"--index", "hnsw", "for a table in PostgreSQL: build an HNSW index (cosine) on the vectors", VS_COMPLETE_CHOICE,
	 save_indexes},
	{"--replace", NULL, "for a table in PostgreSQL: drop a table of that name first (in the same transaction)",
	 VS_COMPLETE_NONE, NULL},
	{"--insert", NULL, "for a table in PostgreSQL: write with INSERTs rather than COPY", VS_COMPLETE_NONE, NULL},
	{0},
};

const vs_cmd_entry cmd_save_entry = {
	.name = "save",
	.usage = "NAME PATH [--format FORMAT] [--dtype f16|int8]\n       save NAME postgres://USER@HOST/DB?table=T [--index hnsw] [--replace] [--insert]",
	.summary = "write a set (.vecs, or export) or an index to a file, or a set to a PostgreSQL table",
	.help = "The native .vecs format opens near-instantly (it is mapped). An index is\n"
	        "written in vecsh's checksummed index format. The file is written to a\n"
	        "temporary file beside PATH and renamed into place. --dtype f16 or int8\n"
	        "keeps the .vecs rows rounded (half floats; int8 values and a scale a row):\n"
	        "the file and the memory a scan needs shrink, and answers from it are those\n"
	        "of the rounded vectors, marked approximate.\n"
	        "To a PostgreSQL target (see load) a set becomes a new table (id, label,\n"
	        "embedding vector(dims)) in one transaction: all rows or none, by COPY (or\n"
	        "INSERTs: --insert, and where the server does not take COPY), with an HNSW\n"
	        "index for cosine with --index hnsw; --replace drops a table of that name.",
	.example = "save demo /tmp/demo.vecs\nsave demo /tmp/demo.txt --format glove\nsave demo /tmp/demo-f16.vecs --dtype f16\nsave demo postgres://me@localhost/db?table=demo --index hnsw",
	.min_args = 2,
	.max_args = 2,
	.first_complete = VS_COMPLETE_SET,
	.args_complete = VS_COMPLETE_FILE,
	.options = cmd_save_options,
	.exec = cmd_save_exec,
};
