/* utf8.h: UTF-8 validation, repair, case mapping and display width. */
#ifndef VECSH_UTF8_H
#define VECSH_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 prefix a sanitised copy of s[0..n) needs,
 * and whether it is valid: returns the number of ill-formed subsequences
 * (each becomes one U+FFFD, as Python's errors='replace' does). */
size_t vs_utf8_invalid_count(const char *s, size_t n);

/* Copy s[0..n) to out (which must hold 3*n+1 bytes), replacing each
 * maximal ill-formed subsequence by U+FFFD. Returns bytes written
 * (excluding the terminating NUL, which is written). */
size_t vs_utf8_repair(const char *s, size_t n, char *out);

/* Upper-case a NUL-terminated UTF-8 string (simple case mapping through
 * utf8proc). Returns a malloc'd string or NULL on allocation failure. */
char *vs_utf8_upper(const char *s);

/* Columns the string takes on a terminal (wcwidth-like, via utf8proc). */
size_t vs_utf8_width(const char *s);

#endif
