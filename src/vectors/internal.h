/* internal.h: what the vector-file readers and writers share (private to src/vectors). */
#ifndef VECSH_VECTORS_INTERNAL_H
#define VECSH_VECTORS_INTERNAL_H

#include "vectors/vectors.h"

/* Internal interface between the format readers. */

#include <stdio.h>


/* "count dims" on the first line: returns 1 and the header's length. */
int vs_parse_header(const char *buf, size_t len, size_t *count, size_t *dims, size_t *header_len);

vs_vecset *vs_parse_text(const char *path, const char *buf, size_t len, int has_header,
                         const vs_load_options *opt, vs_load_report *rep, vs_error *err);
vs_vecset *vs_parse_binary(const char *path, const char *buf, size_t len,
                           const vs_load_options *opt, vs_load_report *rep, vs_error *err);

/* Make a set from n parsed rows: the words are at buf + word_off[i] with
 * word_len[i] bytes. Repairs or rejects invalid UTF-8, drops duplicates
 * (keeping the first), takes ownership of vectors (freed on failure).
 * line_base > 0 names rows by line (text), 0 by byte offset (binary). */
vs_vecset *vs_build_set(const char *path, const char *buf, size_t n, size_t dims, float *vectors,
                        const size_t *word_off, const size_t *word_len, size_t line_base,
                        const vs_load_options *opt, vs_load_report *rep, vs_error *err);

/* Writing through a temporary file beside path, renamed into place. */
FILE *vs_tmpfile_open(const char *path, char **tmp_path, vs_error *err);
int vs_tmpfile_commit(FILE *f, char *tmp_path, const char *path, int failed, vs_error *err);

extern const char VS_VECS_MAGIC[8];

/* Map a whole file read-only; it must hold at least min bytes (what names
 * the kind of file in the message: ".vecs file", "index file"). */
void *vs_map_file(const char *path, size_t min, const char *what, size_t *len, vs_error *err);

#endif
