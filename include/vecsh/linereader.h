/* linereader.h: reading a text file, plain or gzip-compressed, line by line. */
#ifndef VECSH_LINEREADER_H
#define VECSH_LINEREADER_H

#include <stddef.h>

#include "vecsh/error.h"

typedef struct vs_linereader vs_linereader;

vs_linereader *vs_linereader_open(const char *path, vs_error *err);
/* Next line without its line ending (\n or \r\n), NUL-terminated; its length
 * in *len. Returns NULL at the end, or on a read error (then err is set and
 * vs_linereader_failed is true). The line stays valid until the next call. */
char *vs_linereader_next(vs_linereader *r, size_t *len, vs_error *err);
int vs_linereader_failed(const vs_linereader *r);
size_t vs_linereader_line_no(const vs_linereader *r);
void vs_linereader_close(vs_linereader *r);

#endif
