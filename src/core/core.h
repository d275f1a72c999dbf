/* core.h: the utilities every domain builds on: errors, UTF-8, lines, files, top-k, sorting, statistics. */
#ifndef VECSH_CORE_H
#define VECSH_CORE_H

/* error.h: error messages passed from engines to their callers. */

#include <stddef.h>

#define VS_ERR_MAX 1024

/* An engine call that can fail takes a vs_error and fills msg on failure.
 * Engines never print: the caller decides where the message goes. */
typedef struct vs_error {
	char msg[VS_ERR_MAX];
} vs_error;

#if defined(__GNUC__)
#define VS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define VS_PRINTF(a, b)
#endif

/* Set the message (printf-style) and return -1, so callers can write
 * `return vs_fail(err, "...")`. err may be NULL. */
int vs_fail(vs_error *err, const char *fmt, ...) VS_PRINTF(2, 3);

/* Interrupt flag set by the front end (Ctrl-C); long engine loops poll it. */
extern volatile int vs_interrupted;

/* utf8.h: UTF-8 validation, repair, case mapping and display width. */

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

/* linereader.h: reading a text file, plain or gzip-compressed, line by line. */

#include <stddef.h>


typedef struct vs_linereader vs_linereader;

vs_linereader *vs_linereader_open(const char *path, vs_error *err);
/* Next line without its line ending (\n or \r\n), NUL-terminated; its length
 * in *len. Returns NULL at the end, or on a read error (then err is set and
 * vs_linereader_failed is true). The line stays valid until the next call. */
char *vs_linereader_next(vs_linereader *r, size_t *len, vs_error *err);
int vs_linereader_failed(const vs_linereader *r);
size_t vs_linereader_line_no(const vs_linereader *r);
void vs_linereader_close(vs_linereader *r);

/* topk.h: selecting the k best scores without sorting everything. */

#include <stddef.h>

typedef struct vs_hit {
	long index;
	float score;
} vs_hit;

/* A bounded min-heap of the k best hits seen so far. Higher score is
 * better; equal scores prefer the lower index (earlier, more frequent word). */
typedef struct vs_topk {
	vs_hit *heap;
	size_t k, n;
} vs_topk;

int vs_topk_init(vs_topk *t, size_t k);
void vs_topk_free(vs_topk *t);
/* Score a hit must beat to enter (-INFINITY until the heap is full). */
float vs_topk_threshold(const vs_topk *t);
void vs_topk_push(vs_topk *t, long index, float score);
/* Sort the kept hits best first into out (t->n of them); empties the heap. */
size_t vs_topk_sorted(vs_topk *t, vs_hit *out);

/* Best k of scores[0..n) skipping indices in exclude[0..nex), best first.
 * Returns how many were written to out. */
size_t vs_topk_select(const float *scores, size_t n, size_t k, const long *exclude, size_t nex,
                      vs_hit *out);

/* npsort.h: numpy's argsort, for scikit-learn's tie-breaking. */

#include <stdint.h>

/* tosort receives the permutation numpy.argsort(v) (kind 'quicksort') gives. */
void vs_numpy_argsort(const int64_t *v, intptr_t *tosort, intptr_t num);

/* stats.h: correlation coefficients as scipy.stats computes them. */

#include <stddef.h>

/* Pearson's r of x and y (n >= 2); NaN when either is constant. */
double vs_pearson(const double *x, const double *y, size_t n);

/* Ranks 1..n of x, ties given the average of their ranks (scipy's rankdata). */
int vs_rankdata(const double *x, size_t n, double *ranks);

/* Spearman's rho: Pearson's r of the average ranks. */
double vs_spearman(const double *x, const double *y, size_t n);

#endif
