/* internal.h: what the vector-file readers and writers share (private to src/vectors). */
#ifndef VECSH_VECTORS_INTERNAL_H
#define VECSH_VECTORS_INTERNAL_H

#include "vectors/vectors.h"

/* Internal interface between the format readers. */

#include <stdio.h>

/* "count dims" on the first line: returns 1 and the header's length. */
int vs_parse_header(const char *buf, size_t len, size_t *count, size_t *dims, size_t *header_len);

/* Text formats from a stream positioned at the start (plain or gzip). */
vs_vecset *vs_read_text_stream(vs_stream *st, int has_header, const vs_load_options *opt, vs_load_report *rep,
                               vs_error *err);
/* word2vec binary from a stream positioned at the header (plain or gzip). */
vs_vecset *vs_read_binary_stream(vs_stream *st, const vs_load_options *opt, vs_load_report *rep, vs_error *err);

/* Make a set from n parsed rows: the words are at buf + word_off[i] with
 * word_len[i] bytes. Repairs or rejects invalid UTF-8, drops duplicates
 * (keeping the first), takes ownership of vectors (freed on failure);
 * vectors NULL leaves the rows to be made later (vs_vecset_defer_rows).
 * line_base > 0 names rows by line (text), 0 by byte offset (binary). */
vs_vecset *vs_build_set(const char *path, const char *buf, size_t n, size_t dims, float *vectors,
                        const size_t *word_off, const size_t *word_len, size_t line_base,
                        const vs_load_options *opt, vs_load_report *rep, vs_error *err);

/* Rows read from a stream (build.c): a growing matrix, and the words kept
 * one after another, NUL-terminated, in blob. */
typedef struct vs_rows {
	size_t dims;
	float *vectors;
	size_t *word_off, *word_len;
	size_t cap, n;       /* rows allocated, read */
	char *blob;
	size_t blob_len, blob_cap;
} vs_rows;
void vs_rows_free(vs_rows *r);
/* Room for `more` rows, never past max: all max at once (its pages made
 * ready on every core) when a header's count was checked against the file
 * size, else by doubling. */
int vs_rows_room(vs_rows *r, size_t more, size_t max, int all, const char *path, vs_error *err);
/* Keep row i's word: len bytes at w. */
int vs_rows_word(vs_rows *r, size_t i, const char *w, size_t len, vs_error *err);
/* The set of the rows (vs_build_set, words named by line from line_base, or
 * by byte offset if 0); the rows are given up either way. */
vs_vecset *vs_rows_set(vs_rows *r, const char *path, size_t line_base, const vs_load_options *opt,
                       vs_load_report *rep, vs_error *err);

extern const char VS_VECS_MAGIC[8];

/* ---- scans of a remote set, asked of the server (remote.c) */
/* The k rows nearest to q (qn 0: q is a unit vector; else its norm), the
 * excluded rows left out, scored here as the float32 scan scores them. */
int vs_remote_nearest(const vs_vecset *set, const float *q, double qn, size_t k, const long *ex, size_t nex,
                      vs_hit *out, size_t *nout, vs_error *err);
/* gensim's rank(a, b) counted by the server (0 on error). */
size_t vs_remote_rank(const vs_vecset *set, long a, long b, vs_error *err);

/* ---- int8 codes of a set's rows (codes.c) */
typedef struct vs_codes {
	size_t count, dims, stride; /* stride: dims rounded up to 32 */
	const int8_t *q;            /* count x stride codes c: row ~ s c */
	const float *row;           /* count x 3: s / |x|, |s c| / |x| and |x - s c| / |x| (rounded up); s NaN: a zero row, inf: no bound */
	int8_t *own_q;              /* heap storage, or NULL when mapped */
	float *own_row;
	uint8_t *nib;               /* count x stride/2: each code's high four bits + 8, two a byte (made on first use) */
	float *cols;                /* with nib: row's three numbers as three columns of count */
} vs_codes;
size_t vs_codes_stride(size_t dims);
int vs_codes_build(const vs_vecset *set, vs_codes **out, vs_error *err);
void vs_codes_free(vs_codes *c);
/* For the tests: do the first pass's bounds hold for every row and query q
 * (0), or not (-1)? 1: no codes for this set or query. */
int vs_codes_bounds_hold(const vs_vecset *set, const float *q);
/* Are a row's stored codes and numbers what encoding x gives (0), or not (-1)? */
int vs_codes_check_row(const float *x, size_t dims, float norm, const int8_t *c, const float *row);

/* How a candidate's float32 dot becomes its score, as the brute force makes
 * it: qn == 0: dot / norm (a zero row NaN); qn > 0: dot / (norm qn) in
 * double, a zero row 0. */
typedef struct vs_score_rule {
	double qn;
} vs_score_rule;
/* The k best of the first n rows for query q (not excluded): 0 with the
 * answer, 1 when the scan should run in float32 instead (no codes by the
 * policy, or a zero query), -1 on error. */
int vs_codes_nearest(const vs_vecset *set, const float *q, const vs_score_rule *rule, size_t n, size_t k,
                     const long *ex, size_t nex, vs_hit *out, size_t *nout, vs_error *err);
/* gensim's rank's count of words closer to a than b (0), or 1 / -1 as above. */
int vs_codes_rank(const vs_vecset *set, long a, long b, size_t *closer, vs_error *err);

/* Writers of the export formats (format_text.c, format_binary.c). */
int vs_write_text(FILE *f, const vs_vecset *set, int header);
int vs_write_binary(FILE *f, const vs_vecset *set);

#endif
