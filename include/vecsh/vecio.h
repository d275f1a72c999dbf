/* vecio.h: reading and writing word-vector files. */
#ifndef VECSH_VECIO_H
#define VECSH_VECIO_H

#include <stddef.h>

#include "vecsh/error.h"
#include "vecsh/vecset.h"

typedef enum vs_format {
	VS_FMT_AUTO,
	VS_FMT_WORD2VEC,     /* text with a "count dims" header */
	VS_FMT_WORD2VEC_BIN, /* the original word2vec tool's binary format */
	VS_FMT_GLOVE,        /* text without a header */
	VS_FMT_FASTTEXT,     /* fastText .vec: word2vec text */
	VS_FMT_VECS          /* vecsh's native, mapped format */
} vs_format;

typedef struct vs_load_options {
	vs_format format;
	size_t limit;   /* keep only the first limit words; 0 keeps all */
	int strict;     /* invalid UTF-8 in a word is an error, not replaced */
	int threads;    /* parser threads for text; 0 = number of cores */
	const char *labels; /* .npy: a text file with one name per row */
	/* called now and then from the loading thread with done in [0, 1] */
	void (*progress)(void *ctx, double done);
	void *progress_ctx;
} vs_load_options;

typedef struct vs_load_report {
	const char *format;   /* the format that was read */
	size_t invalid_utf8;  /* words whose invalid UTF-8 was replaced by U+FFFD */
	size_t duplicates;    /* later occurrences of a word, dropped */
	int compressed;       /* the file was gzip-compressed */
} vs_load_report;

/* Parse a format name ("auto", "word2vec", ...). Returns -1 if unknown. */
int vs_format_parse(const char *name, vs_format *out);
const char *vs_format_name(vs_format f);

/* Load a file. On failure returns NULL with a message naming the file and
 * the line or byte offset; nothing is kept. */
vs_vecset *vs_load(const char *path, const vs_load_options *opt,
                   vs_load_report *report, vs_error *err);

/* Write a set to path in the given format (VS_FMT_VECS, VS_FMT_WORD2VEC,
 * VS_FMT_WORD2VEC_BIN, VS_FMT_GLOVE, VS_FMT_FASTTEXT), through a temporary
 * file in the same directory renamed into place. */
int vs_save(const vs_vecset *set, const char *path, vs_format fmt, vs_error *err);

/* A numpy .npy matrix (float32 or float16, C order, 2-D) with a file of one
 * label per line, as embeddings computed elsewhere (CLIP's) come. */
vs_vecset *vs_npy_load(const char *path, const char *labels, vs_error *err);

/* Writing any file through a temporary file beside path, renamed into place
 * by commit (which removes the temporary when failed is set or writing failed). */
#include <stdio.h>
FILE *vs_tmpfile_open_public(const char *path, char **tmp_path, vs_error *err);
int vs_tmpfile_commit_public(FILE *f, char *tmp_path, const char *path, int failed, vs_error *err);

/* Native format, exposed for tests. */
vs_vecset *vs_vecs_open(const char *path, vs_error *err);
int vs_vecs_write(const vs_vecset *set, const char *path, vs_error *err);

/* Parse one decimal number of a text vector file exactly as strtof would,
 * rejecting NaN and infinities. Returns the end of the number or NULL. */
const char *vs_parse_float(const char *p, const char *end, float *out);

#endif
