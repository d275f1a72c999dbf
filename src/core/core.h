/* core.h: the utilities every domain builds on: errors, UTF-8, lines, files, top-k, sorting, statistics. */
#ifndef VECSH_CORE_H
#define VECSH_CORE_H

/* ---- Error messages passed from engines to their callers. */

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* Long work reports how far it is, done in [0, 1], through one of these. */
typedef void (*vs_progress_fn)(void *ctx, double done);

/* The one out-of-memory message: sets it and returns -1. */
int vs_oom(vs_error *err);

/* Interrupt flag set by the front end (Ctrl-C); long engine loops poll it. */
extern volatile sig_atomic_t vs_interrupted;

/* ---- OpenBLAS's kernels (blas.c). */

/* Choose OpenBLAS's kernels from the CPU's features when the library did not
 * know the CPU's model (done before main; calling it again does nothing). */
void vs_blas_choose_kernels(void);
/* The name of the kernel set OpenBLAS runs ("SkylakeX", "Haswell", ...). */
const char *vs_blas_kernels(void);

/* ---- A table of strings, each once, numbered by first appearance (strtab.c). */

/* A slot of the hash index: the string's first 8 bytes, its length and 24
 * bits of its hash, and its id + 1 (0 empty), so that most probes touch
 * nothing else. */
typedef struct vs_strtab_slot {
	uint64_t head;
	uint32_t tag;
	uint32_t id1;
} vs_strtab_slot;

typedef struct vs_strtab {
	char *arena;        /* the strings, NUL-terminated, end to end */
	size_t alen, acap;
	uint64_t *off;      /* id -> offset in arena */
	uint32_t *len;
	size_t n, cap;
	vs_strtab_slot *slots;
	size_t nslots;
} vs_strtab;

int vs_strtab_init(vs_strtab *t);
void vs_strtab_free(vs_strtab *t);
/* The id of s (added if new), or -1 when out of memory. */
long vs_strtab_intern(vs_strtab *t, const char *s, size_t n);
/* The id of s, or -1 if absent. */
long vs_strtab_find(const vs_strtab *t, const char *s, size_t n);

/* ---- UTF-8 validation, repair, case mapping and display width. */

#include <stddef.h>

/* Length of the valid UTF-8 prefix a sanitised copy of s[0..n) needs,
 * and whether it is valid: returns the number of ill-formed subsequences
 * (each becomes one U+FFFD, as Python's errors='replace' does). */
size_t vs_utf8_invalid_count(const char *s, size_t n);

/* Copy s[0..n) to out (which must hold 3*n+1 bytes), replacing each
 * maximal ill-formed subsequence by U+FFFD. Returns bytes written
 * (excluding the terminating NUL, which is written). */
size_t vs_utf8_repair(const char *s, size_t n, char *out);
/* The byte offset of the first ill-formed sequence, or n. */
size_t vs_utf8_first_invalid(const char *s, size_t n);

/* Upper-case a NUL-terminated UTF-8 string (simple case mapping through
 * utf8proc). Returns a malloc'd string or NULL on allocation failure. */
char *vs_utf8_upper(const char *s);

/* Columns the string takes on a terminal (wcwidth-like, via utf8proc). */
size_t vs_utf8_width(const char *s);
/* The bytes of s's longest prefix that takes at most cols columns (whole
 * characters); *used (may be NULL) gets its width. */
size_t vs_utf8_fit(const char *s, size_t cols, size_t *used);

/* ---- Reading a text file, plain or gzip-compressed, line by line. */

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

/* ---- Selecting the k best scores without sorting everything. */

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

/* ---- Numpy's argsort, for scikit-learn's tie-breaking. */

#include <stdint.h>

/* tosort receives the permutation numpy.argsort(v) (kind 'quicksort') gives. */
void vs_numpy_argsort(const int64_t *v, intptr_t *tosort, intptr_t num);

/* ---- Correlation coefficients as scipy.stats computes them. */

#include <stddef.h>

/* Pearson's r of x and y (n >= 2); NaN when either is constant. */
double vs_pearson(const double *x, const double *y, size_t n);

/* Ranks 1..n of x, ties given the average of their ranks (scipy's rankdata). */
int vs_rankdata(const double *x, size_t n, double *ranks);

/* Spearman's rho: Pearson's r of the average ranks. */
double vs_spearman(const double *x, const double *y, size_t n);

/* ---- reading a file front to back through a window (stream.c) ---- */

typedef struct vs_stream {
	const char *path;
	int fd;
	struct gzFile_s *gz;  /* gzip-compressed: read through zlib */
	char *buf;            /* the window: bytes [pos, end) are unread, buf[end] is NUL */
	size_t cap, pos, end;
	uint64_t base;        /* offset in the (uncompressed) file of buf[0] */
	uint64_t size;        /* of the file on disk, for progress */
	int eof;
	size_t map_len;       /* a large plain file is mapped whole: the length of the mapping */
	size_t released;      /* its bytes before this are read and let go */
} vs_stream;

/* Read fd (from its current offset) through a window of `window` bytes
 * (VECSH_STREAM_WINDOW makes it smaller, for tests). */
int vs_stream_open(vs_stream *s, const char *path, int fd, int gzip, size_t window, vs_error *err);
void vs_stream_close(vs_stream *s);
/* At least want bytes unread in the window (fewer at the end of the file):
 * returns how many there are, or -1 after a read error. */
long vs_stream_fill(vs_stream *s, size_t want, vs_error *err);
/* n bytes into out (fewer at the end); large reads skip the window. */
long vs_stream_read(vs_stream *s, void *out, size_t n, vs_error *err);
/* 0, or -1 if the file was mapped and changed underneath (truncated) while
 * it was read: what was read from it cannot be trusted. */
int vs_stream_intact(const vs_stream *s, vs_error *err);
/* The offset of the next unread byte in the uncompressed file. */
uint64_t vs_stream_offset(const vs_stream *s);
/* How far through the file on disk, 0 to 1. */
double vs_stream_progress(const vs_stream *s);

/* ---- files (file.c) ---- */

/* fn(ctx, from, to) over [0, n) in one part a core (at most threads if > 0,
 * at least min_each items a part if > 0), the calling thread taking the
 * first part; returns when every part is done. */
void vs_parallel_ranges(size_t n, size_t min_each, int threads, void (*fn)(void *ctx, size_t from, size_t to),
                        void *ctx);
/* The most memory the process has had resident, in bytes (Linux's VmHWM;
 * 0 if unknown), and a new start for it (where the kernel allows). */
size_t vs_peak_resident(void);
void vs_peak_resident_reset(void);
/* The cores online (at least 1). */
int vs_ncpu(void);

/* Make the pages of a large fresh allocation ready, on every core (the
 * kernel zeroes each on first touch: a cost that dwarfs reading a file). */
void vs_prefault(void *p, size_t bytes);
/* Ask for huge pages (2 MiB, where the kernel allows them on request) for
 * the whole 2 MiB blocks of an allocation: fewer, cheaper page faults. */
void vs_advise_huge(void *p, size_t bytes);
/* A whole regular file, NUL-terminated; NULL with a message naming it. */
char *vs_read_fd(const char *path, int fd, size_t size, size_t *len, vs_error *err);
char *vs_read_file(const char *path, size_t *len, vs_error *err);
/* A buffer kept from file to file (a reader's, a worker's). */
typedef struct vs_buffer {
	char *data;
	size_t cap;
} vs_buffer;
void vs_buffer_free(vs_buffer *b);
/* A whole file (or pipe) into b (grown as needed), NUL-terminated, through
 * zlib when it starts with gzip's magic: 0, or -1 (errno says why). */
int vs_read_file_into(const char *path, vs_buffer *b, size_t *len);
/* A whole file, gzip-compressed or not, NUL-terminated; NULL if unreadable. */
char *vs_read_file_gz(const char *path, size_t *len);

/* Writing through a temporary file beside path (PATH.tmp.XXXXXX, locked
 * while written), renamed into place by commit: flushed and synced first, the
 * folder synced after; on failure (or when failed is set) the temporary is
 * removed and path is left as it was. Temporaries of an earlier save to path
 * that was killed are removed at the next. */
FILE *vs_tmpfile_open(const char *path, char **tmp_path, vs_error *err);
/* A scratch file beside path (read and written, buffered a megabyte at a
 * time), gone from the folder at once: nothing is left behind, whatever
 * happens; closing it frees its space. */
FILE *vs_scratch_open(const char *path, vs_error *err);
int vs_tmpfile_commit(FILE *f, char *tmp_path, const char *path, int failed, vs_error *err);
/* vs_tmpfile_commit after writing: write_failed (a write returned an error)
 * is reported as "PATH: cannot write: " and errno's reason. */
int vs_tmpfile_finish(FILE *f, char *tmp_path, const char *path, int write_failed, vs_error *err);

/* Map a whole file read-only; it must hold at least min bytes (what names
 * the kind of file in the message: ".vecs file", "index file"). */
void *vs_map_file(const char *path, size_t min, const char *what, size_t *len, vs_error *err);
void vs_unmap_file(void *map, size_t len);
/* The whole pages within [p, p + n) of a file mapped read-only let go: they
 * stay in the page cache and are read again when used, but stop counting in
 * the process's resident memory (after a pass that checked a large file). */
void vs_map_let_go(const void *p, size_t n);
/* Bytes of a mapping (made by vs_map_file) this process has paged in: its
 * Rss in /proc/self/smaps, or what mincore says is in memory. */
size_t vs_map_resident(const void *map, size_t len);

/* The regular files below a folder, sorted by name (relative to it). */
typedef struct vs_file_entry {
	char *path;  /* to open */
	char *name;  /* to show: relative to the folder walked, or the path given */
} vs_file_entry;

typedef struct vs_file_list {
	vs_file_entry *f;
	size_t n, cap;
} vs_file_list;

typedef struct vs_walk_options {
	int skip_hidden;                    /* names starting with '.' */
	int (*accept)(const char *name);    /* keep only files it accepts (NULL: all) */
	void (*unreadable)(void *ctx, const char *path); /* told each entry it cannot read (or NULL) */
	void *ctx;
} vs_walk_options;

int vs_file_list_add(vs_file_list *l, const char *path, const char *name);
void vs_file_list_sort(vs_file_list *l, size_t first);
void vs_file_list_free(vs_file_list *l);
/* Append the files below dir (links to folders are not followed), sorted by
 * name; unreadable entries are counted in *unreadable (may be NULL). */
int vs_walk_folder(vs_file_list *l, const char *dir, const vs_walk_options *opt, size_t *unreadable, vs_error *err);

/* ---- mapped files that change underneath (mapguard.c) ---- */

/* Every file mapping is registered (vs_map_file does it); a SIGBUS in one
 * (the file was truncated) replaces it by zero pages and marks it damaged,
 * once vs_map_guard_install has been called. */
void vs_map_register(void *addr, size_t len, const char *path);
void vs_map_unregister(void *addr);
int vs_map_is_damaged(const void *addr);
/* A damaged mapping still registered (its path, *addr its address), or NULL. */
const char *vs_map_take_damage(void **addr);
void vs_map_guard_install(void);

/* ---- numbers and hashes ---- */

/* An IEEE half-precision value as float (exact). */
float vs_half_to_float(uint16_t h);
/* The nearest half-precision value of a float (ties to even; overflow to
 * infinity, as numpy's astype(float16)). */
uint16_t vs_float_to_half(float f);

/* Edit distance with adjacent transpositions (optimal string alignment) of
 * a[0..la) and b[0..lb) if it is at most max, else max + 1 (lb < 64). */
size_t vs_edit_distance(const char *a, size_t la, const char *b, size_t lb, size_t max);

/* 64-bit FNV-1a: the hash of word and term tables, also stored in .vecs files. */
uint64_t vs_hash_fnv1a(const char *s, size_t len);

#endif
