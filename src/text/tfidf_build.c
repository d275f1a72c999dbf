/* Building a TF-IDF index. Files are tokenized by worker threads, each with
 * a vocabulary of its own; the vocabularies are then merged, sorted (the
 * order of scikit-learn's vocabulary), pruned by min_df, max_df and
 * max_features, and weighted exactly as TfidfVectorizer does.
 *
 * Built into a file (index --to), the postings never are in memory: each
 * worker writes its documents' postings to a temporary file as it makes
 * them (in local term ids), and the steps after the vocabulary read them
 * back, in the documents' order, three times: to count the document
 * frequencies, to size the file's sections, and to write the forward
 * postings (the first range of inverted ones made on the way); the other
 * ranges of inverted postings are made in passes over the forward ones in
 * the file. The result is the file vs_index_save writes, byte for byte. */
#include "text/internal.h"
#include "core/core.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* ---- tokenizing, in worker threads ---- */

typedef struct posting {
	uint32_t term; /* local id */
	float count;
} posting;

/* Postings kept in large chunks (each its own mapping), so that all of them
 * go back to the system at once when the index has been written: per-document
 * blocks amid the heap would stay resident after they are freed. */
typedef struct posting_pool {
	posting **chunk;
	size_t nchunks, cap;
	size_t used, room;       /* in the last chunk */
} posting_pool;

enum { POOL_CHUNK = 1 << 20 }; /* postings a chunk (8 MB) */

static posting *pool_take(posting_pool *pl, size_t n)
{
	if (n > pl->room - pl->used || !pl->nchunks) {
		if (pl->nchunks == pl->cap) {
			size_t cap = pl->cap ? pl->cap * 2 : 16;
			posting **c = realloc(pl->chunk, cap * sizeof *c);
			if (!c)
				return NULL;
			pl->chunk = c;
			pl->cap = cap;
		}
		size_t room = n > POOL_CHUNK ? n : POOL_CHUNK;
		if (!(pl->chunk[pl->nchunks] = malloc(room * sizeof(posting))))
			return NULL;
		pl->nchunks++;
		pl->used = 0;
		pl->room = room;
	}
	posting *p = pl->chunk[pl->nchunks - 1] + pl->used;
	pl->used += n;
	return p;
}

static void pool_free(posting_pool *pl)
{
	for (size_t c = 0; c < pl->nchunks; c++)
		free(pl->chunk[c]);
	free(pl->chunk);
	memset(pl, 0, sizeof *pl);
}

typedef struct doc_out {
	const char *name;      /* an old index's document's name; NULL: the file's (with its line) */
	uint32_t line;
	uint32_t len;          /* tokens */
	posting *p;
	uint32_t np;
	uint32_t old;          /* an old index's document: its number there (index --to reads it from there) */
} doc_out;

typedef struct file_out {
	doc_out *docs;
	size_t ndocs, cap;
	int worker;            /* whose local term ids the postings have; -1 merged ids (an old index's) */
	int skipped;           /* 1 binary, 2 unreadable, 3 refused (invalid UTF-8 with strict), 4 failed */
	size_t bad_at, bad_line; /* refused: where the first ill-formed sequence is (line 0: not known yet) */
	char *failure;         /* failed while it was read (a stream's error) */
	size_t lines;          /* --lines, a piece of a file: the lines that start in it */
	int invalid;           /* documents with invalid UTF-8 */
	size_t bytes;
} file_out;

typedef struct worker {
	vs_strtab vocab;          /* local terms */
	/* per-document accumulation */
	int32_t *slot_of;      /* local term -> index in cur, or -1 */
	size_t slot_cap;
	posting *cur;
	size_t ncur, curcap;
	vs_buffer file;          /* the file being read */
	posting_pool pool;       /* its documents' postings */
	vs_analyze_scratch scratch;
	FILE *spill;             /* index --to: its documents' postings, in the order it read them */
	int spill_errno;
	int oom;
} worker;

/* --lines: a large plain file is read in pieces, each by whichever worker
 * is free: a piece holds the lines that start in [from, to). */
typedef struct piece {
	uint64_t from, to;
} piece;

enum { PIECE_BYTES = 32 << 20, LINES_WINDOW = 16 << 20 };

typedef struct build_job {
	const vs_file_list *files;
	const piece *pieces;         /* one a file (from 0 to UINT64_MAX: whole), or NULL */
	const vs_text_source *texts; /* or NULL: the files are read */
	size_t first;                /* the files before are an old index's documents */
	file_out *out;
	const vs_index_options *opt;
	vs_analyzer an;
	worker *w;
	atomic_size_t next, done_files, done_bytes;
	atomic_int refused;          /* strict: a file was refused, so the build stops */
} build_job;

static int grow_worker(worker *w, size_t need)
{
	if (need <= w->slot_cap)
		return 0;
	size_t cap = w->slot_cap ? w->slot_cap : 1024;
	while (cap < need)
		cap *= 2;
	int32_t *s = realloc(w->slot_of, cap * sizeof *s);
	if (!s)
		return -1;
	for (size_t i = w->slot_cap; i < cap; i++)
		s[i] = -1;
	w->slot_of = s;
	w->slot_cap = cap;
	return 0;
}

static void on_term(const char *term, size_t len, size_t offset, void *ctx)
{
	(void)offset;
	worker *w = ctx;
	if (w->oom)
		return;
	long id = vs_strtab_intern(&w->vocab, term, len);
	if (id < 0 || ((size_t)id >= w->slot_cap && grow_worker(w, w->vocab.n) < 0)) {
		w->oom = 1;
		return;
	}
	if (w->slot_of[id] < 0) {
		if (w->ncur == w->curcap) {
			size_t cap = w->curcap ? w->curcap * 2 : 256;
			posting *np = realloc(w->cur, cap * sizeof *np);
			if (!np) {
				w->oom = 1;
				return;
			}
			w->cur = np;
			w->curcap = cap;
		}
		w->slot_of[id] = (int32_t)w->ncur;
		w->cur[w->ncur++] = (posting){(uint32_t)id, 0};
	}
	w->cur[w->slot_of[id]].count += 1;
}

/* One more document of a file (its postings are its only allocation, so
 * that freeing them frees whole pages). */
static doc_out *new_doc(file_out *fo)
{
	if (fo->ndocs == fo->cap) {
		size_t cap = fo->cap ? fo->cap * 2 : 1;
		doc_out *nd = realloc(fo->docs, cap * sizeof *nd);
		if (!nd)
			return NULL;
		fo->docs = nd;
		fo->cap = cap;
	}
	doc_out *d = &fo->docs[fo->ndocs++];
	memset(d, 0, sizeof *d);
	return d;
}

static int finish_doc(worker *w, file_out *fo, uint32_t line, size_t ntok)
{
	doc_out *d = new_doc(fo);
	if (!d)
		return -1;
	d->line = line;
	d->len = (uint32_t)ntok;
	d->np = (uint32_t)w->ncur;
	if (w->spill) {
		if (w->ncur && fwrite(w->cur, sizeof *w->cur, w->ncur, w->spill) != w->ncur) {
			w->spill_errno = errno ? errno : EIO;
			return -1;
		}
	} else {
		d->p = pool_take(&w->pool, w->ncur ? w->ncur : 1);
		if (!d->p)
			return -1;
		if (w->ncur) /* a document without terms has no postings (and cur may be unset) */
			memcpy(d->p, w->cur, w->ncur * sizeof *d->p);
	}
	for (size_t i = 0; i < w->ncur; i++)
		w->slot_of[w->cur[i].term] = -1;
	w->ncur = 0;
	return 0;
}

/* One line of a file, a document (blank lines are not). */
static void line_document(build_job *j, worker *w, file_out *fo, const char *text, size_t len, uint32_t line)
{
	for (size_t k = 0; k < len; k++)
		if (!(text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '\f' || text[k] == '\v')) {
			size_t invalid = 0, ntok = vs_analyze_with(&j->an, &w->scratch, text, len, on_term, w, &invalid);
			if (ntok == (size_t)-1 || w->oom || finish_doc(w, fo, line, ntok) < 0)
				w->oom = 1;
			fo->invalid += invalid > 0;
			return;
		}
}

static int is_gzip(int fd)
{
	unsigned char m[2];
	return pread(fd, m, 2, 0) == 2 && m[0] == 0x1f && m[1] == 0x8b;
}

/* --lines, a file larger than the window, gzip-compressed, or a piece of
 * one: read a window at a time (a large plain file mapped, its pages let go
 * as they are read), never the whole. */
static void stream_lines(build_job *j, worker *w, const vs_file_entry *sf, file_out *fo, piece pc)
{
	int fd = open(sf->path, O_RDONLY | O_CLOEXEC);
	uint64_t start = pc.from ? pc.from - 1 : 0; /* a piece's first line begins after a newline */
	vs_stream st;
	vs_error err;
	err.msg[0] = '\0';
	if (fd < 0 || (start && lseek(fd, (off_t)start, SEEK_SET) < 0) ||
	    vs_stream_open(&st, sf->path, fd, !pc.from && is_gzip(fd), LINES_WINDOW, &err) < 0) {
		if (pc.from) { /* its start was read: the file is not to be left half indexed */
			fo->skipped = 4;
			if (asprintf(&fo->failure, "%s: cannot read it again at byte %llu: %s", sf->path,
			             (unsigned long long)pc.from, strerror(errno)) < 0)
				fo->failure = NULL;
		} else {
			fo->skipped = 2;
		}
		if (fd >= 0)
			close(fd);
		return;
	}
	int skipping = pc.from > 0, first = 1;
	uint32_t line = 0;
	uint64_t consumed = 0;
	/* the stream counts from where it began reading, or (mapped) from the file's start */
	uint64_t origin = st.map_len ? 0 : start;
	for (;;) {
		long have = vs_stream_fill(&st, st.cap, &err);
		if (have < 0)
			break;
		const char *p = st.buf + st.pos, *end = st.buf + st.end;
		/* binary: a NUL byte in the first 8000 bytes, as git decides */
		if (first && !pc.from && memchr(p, '\0', have < 8000 ? (size_t)have : 8000)) {
			fo->skipped = 1;
			break;
		}
		first = 0;
		if (skipping) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			p = nl ? nl + 1 : end;
			skipping = !nl;
		}
		while (p < end && !w->oom && origin + vs_stream_offset(&st) + (uint64_t)(p - (st.buf + st.pos)) < pc.to) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			if (!nl && !st.eof)
				break; /* the rest of the line is in the next window */
			const char *e = nl ? nl : end;
			line++;
			size_t bad = j->opt->strict ? vs_utf8_first_invalid(p, (size_t)(e - p)) : (size_t)(e - p);
			if (bad < (size_t)(e - p)) {
				fo->skipped = 3;
				fo->bad_at = origin + vs_stream_offset(&st) + (size_t)(p - (st.buf + st.pos)) + bad;
				fo->bad_line = pc.from ? 0 : line; /* a piece's: counted when the error is told */
				atomic_store(&j->refused, 1);
				break;
			}
			line_document(j, w, fo, p, (size_t)(e - p), line);
			p = nl ? nl + 1 : end;
		}
		size_t used = (size_t)(p - (st.buf + st.pos));
		consumed += used;
		st.pos += used;
		int at_end = (st.eof && st.pos >= st.end) || fo->skipped || w->oom || atomic_load(&j->refused) ||
		             origin + vs_stream_offset(&st) >= pc.to || vs_interrupted;
		if (at_end)
			break;
		if (!used && st.end - st.pos >= st.cap) { /* a whole window without a newline */
			vs_fail(&err, "%s: a line longer than %zu bytes at byte %llu: index the file without --lines", sf->path,
			        st.cap, (unsigned long long)(origin + vs_stream_offset(&st)));
			break;
		}
	}
	if (!fo->skipped && (vs_stream_intact(&st, &err) < 0 || err.msg[0])) {
		fo->skipped = 4;
		fo->failure = strdup(err.msg);
	}
	fo->lines = line;
	/* a piece counts its bytes, not the line it ends with (the next piece's) */
	fo->bytes = pc.to != UINT64_MAX ? pc.to - pc.from : consumed - (pc.from ? 1 : 0);
	vs_stream_close(&st);
	close(fd);
}

/* --lines: a regular file larger than the window, or gzip-compressed, is
 * streamed (a pipe is read whole: its first bytes say whether it is gzip);
 * with VECSH_STREAM_WINDOW set (tests), every regular file. */
static int to_stream(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	if (st.st_size > LINES_WINDOW || getenv("VECSH_STREAM_WINDOW"))
		return 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC), gz = fd >= 0 && is_gzip(fd);
	if (fd >= 0)
		close(fd);
	return gz;
}

static void process_file(build_job *j, worker *w, const vs_file_entry *sf, file_out *fo)
{
	size_t len = 0;
	const char *text;
	if (j->opt->lines && !j->texts) {
		piece pc = j->pieces ? j->pieces[sf - j->files->f] : (piece){0, UINT64_MAX};
		if (pc.from || pc.to != UINT64_MAX || to_stream(sf->path)) {
			stream_lines(j, w, sf, fo, pc);
			return;
		}
	}
	if (j->texts) {
		text = j->texts[sf - j->files->f].text;
		len = j->texts[sf - j->files->f].len;
	} else if (vs_read_file_into(sf->path, &w->file, &len) == 0) {
		text = w->file.data;
	} else {
		fo->skipped = 2;
		return;
	}
	fo->bytes = len;
	/* binary: a NUL byte in the first 8000 bytes, as git decides (in a typed text, anywhere) */
	if (memchr(text, '\0', j->texts || len < 8000 ? len : 8000)) {
		fo->skipped = 1;
		return;
	}
	if (j->opt->strict && (fo->bad_at = vs_utf8_first_invalid(text, len)) < len) {
		fo->skipped = 3;
		fo->bad_line = 1;
		for (const char *p = text; (p = memchr(p, '\n', (size_t)(text + fo->bad_at - p))); p++)
			fo->bad_line++;
		atomic_store(&j->refused, 1);
		return;
	}
	if (!j->opt->lines) {
		size_t invalid = 0, ntok = vs_analyze_with(&j->an, &w->scratch, text, len, on_term, w, &invalid);
		if (ntok == (size_t)-1 || w->oom || finish_doc(w, fo, 0, ntok) < 0)
			w->oom = 1;
		fo->invalid += invalid > 0;
	} else {
		size_t pos = 0, line = 0;
		while (pos < len && !w->oom) {
			char *nl = memchr(text + pos, '\n', len - pos);
			size_t e = nl ? (size_t)(nl - text) : len;
			line_document(j, w, fo, text + pos, e - pos, (uint32_t)++line);
			pos = e + 1;
		}
	}
}

static void *build_worker(void *arg)
{
	build_job *j = ((void **)arg)[0];
	worker *w = ((void **)arg)[1];
	int id = (int)(w - j->w);
	for (;;) {
		size_t f = j->first + atomic_fetch_add(&j->next, 1);
		if (f >= j->files->n || vs_interrupted || w->oom || atomic_load(&j->refused))
			break;
		j->out[f].worker = id;
		process_file(j, w, &j->files->f[f], &j->out[f]);
		if (j->out[f].cap > j->out[f].ndocs + 64) { /* --lines: many documents, their room made exact */
			doc_out *d = realloc(j->out[f].docs, (j->out[f].ndocs ? j->out[f].ndocs : 1) * sizeof *d);
			if (d) {
				j->out[f].docs = d;
				j->out[f].cap = j->out[f].ndocs;
			}
		}
		size_t done = atomic_fetch_add(&j->done_files, 1) + 1;
		size_t bytes = atomic_fetch_add(&j->done_bytes, j->out[f].bytes) + j->out[f].bytes;
		/* worker 0 is the calling thread: it reports the progress */
		if (id == 0 && j->opt->progress && (done & 63) == 0)
			j->opt->progress(j->opt->progress_ctx, done, j->files->n - j->first, bytes);
	}
	return NULL;
}

/* ---- merging and weighting ---- */

typedef struct gterm {
	const char *s;
	uint32_t len;
	double freq;      /* corpus frequency (sum of counts) */
	uint32_t df;
	int32_t bucket;   /* hash mode: signed murmur hash */
} gterm;

static gterm *sort_terms;
static int cmp_gterm(const void *a, const void *b)
{
	const gterm *x = &sort_terms[*(const uint32_t *)a], *y = &sort_terms[*(const uint32_t *)b];
	return strcmp(x->s, y->s);
}

static void free_outputs(file_out *out, size_t n)
{
	for (size_t f = 0; f < n; f++) {
		free(out[f].docs);
		free(out[f].failure);
	}
	free(out);
}

/* ---- the build, step by step ---- */

enum { MAX_WORKERS = 16 };

typedef struct builder {
	const vs_index_options *opt;
	const vs_index *old;          /* add and remove: the index whose documents come first */
	const unsigned char *drop;    /* its documents left out (or NULL) */
	size_t first_new;             /* files before this hold the old documents */
	vs_text_source *own_texts;    /* an index of texts: the old texts and the new */
	posting_pool seed_pool;       /* the old documents' postings */
	vs_index_report *rep;
	const vs_text_source *texts; /* an index of texts in memory, or NULL */
	vs_stopwords *own_stop;
	const vs_stopwords *stop;
	vs_file_list files;
	piece *pieces;             /* --lines: each file's piece, when large files are in pieces (else NULL) */
	file_out *out;             /* one per file */
	size_t nout;
	worker *ws;
	int nw;
	vs_strtab g;                  /* the merged vocabulary */
	int g_ok;
	uint32_t *maps[MAX_WORKERS]; /* worker's term id -> merged id */
	gterm *gt;
	size_t ng, ndocs;
	uint32_t *order;           /* the kept terms (merged ids), in index order */
	uint32_t *final_id;        /* merged id -> index term id, or UINT32_MAX */
	size_t nkept;
	uint32_t nbuckets;
	vs_index *ix;
	uint32_t *df;              /* the index's arrays being filled */
	double *idf;
	double *norm;
	uint64_t *dptr;
	const char *to;            /* index --to: the file written as the index is built, or NULL */
	size_t memory;             /* its inverted postings made in passes of at most this many bytes */
	posting *doc_buf;          /* a document read back from a spill file */
	size_t doc_cap;
	uint32_t *raw_rank;        /* merged id -> raw term id (index --to with raw terms) */
	uint32_t *seed_map;        /* index --to, add and remove: the old index's term id -> merged id */
	unsigned pass, passes;     /* index --to: the passes over the postings, for the progress line */
	vs_index_writer *wr;
} builder;

static int check_options(const vs_index_options *opt, vs_error *err)
{
	if (opt->hash_bits && (opt->min_df != 1 || opt->min_df_is_prop || opt->max_df != 1.0 || !opt->max_df_is_prop ||
	                       opt->max_features))
		return vs_fail(err, "a hashed index has no vocabulary to prune: it takes no min_df, max_df or max_features");
	if (opt->hash_bits < 0 || opt->hash_bits > 28)
		return vs_fail(err, "a hashed index has 2^1 to 2^28 buckets, not 2^%d", opt->hash_bits);
	if (opt->ngram_min < 1 || opt->ngram_max < opt->ngram_min || opt->ngram_max > VS_MAX_NGRAM)
		return vs_fail(err, "n-grams of %d to %d words: the range must lie within 1 to %d", opt->ngram_min,
		               opt->ngram_max, VS_MAX_NGRAM);
	return 0;
}

static int load_stopwords(builder *b, vs_error *err)
{
	if (b->opt->stopwords == 1)
		b->stop = vs_stopwords_english();
	else if (b->opt->stopwords == 2) {
		b->own_stop = vs_stopwords_load(b->opt->stopwords_file, err);
		if (!b->own_stop)
			return -1;
		b->stop = b->own_stop;
	}
	return 0;
}

/* An unreadable file or folder, named in the report (the first three). */
static void note_unreadable(void *ctx, const char *path)
{
	vs_index_report *rep = ctx;
	for (size_t i = 0; i < sizeof rep->unreadable / sizeof rep->unreadable[0]; i++)
		if (!rep->unreadable[i][0]) {
			snprintf(rep->unreadable[i], sizeof rep->unreadable[i], "%s", path);
			return;
		}
}

/* Files as given, folders walked (each sorted by name). */
static int list_files(builder *b, const char *const *paths, size_t npaths, vs_error *err)
{
	for (size_t i = 0; i < npaths; i++) {
		struct stat st;
		if (stat(paths[i], &st) != 0)
			return vs_fail(err, "%s: %s", paths[i], strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			vs_walk_options wo = {.unreadable = note_unreadable, .ctx = b->rep};
			if (vs_walk_folder(&b->files, paths[i], &wo, &b->rep->skipped_unreadable, err) < 0)
				return -1;
		} else if (vs_file_list_add(&b->files, paths[i], paths[i]) < 0) {
			return vs_oom(err);
		}
	}
	return 0;
}

/* Texts in memory, each a source as a file would be. */
static int list_texts(builder *b, const vs_text_source *src, size_t n, vs_error *err)
{
	b->texts = src;
	for (size_t i = 0; i < n; i++)
		if (vs_file_list_add(&b->files, "", src[i].name) < 0)
			return vs_oom(err);
	return 0;
}

static int merged_init(builder *b, vs_error *err)
{
	if (!b->g_ok && vs_strtab_init(&b->g) < 0)
		return vs_oom(err);
	b->g_ok = 1;
	return 0;
}

/* One more source (file or text) of documents, with its output slot. */
static int add_source(builder *b, const char *path, const char *name, const vs_text_source *text, size_t *cap)
{
	if (b->files.n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		file_out *o = realloc(b->out, c * sizeof *o);
		if (o)
			b->out = o;
		vs_text_source *t = text ? realloc(b->own_texts, c * sizeof *t) : NULL;
		if (t)
			b->own_texts = t;
		if (!o || (text && !t))
			return -1;
		*cap = c;
	}
	if (vs_file_list_add(&b->files, path, name) < 0)
		return -1;
	memset(&b->out[b->files.n - 1], 0, sizeof *b->out);
	b->nout = b->files.n;
	if (text)
		b->own_texts[b->files.n - 1] = *text;
	return 0;
}

/* One of the old index's documents, as tokenizing it gave it: terms by merged id. */
static int seed_document(builder *b, file_out *fo, uint32_t d, const uint32_t *map)
{
	const vs_index *ix = b->old;
	const uint64_t *ptr = ix->raw_terms ? ix->raw_ptr : ix->doc_ptr;
	const uint32_t *term = ix->raw_terms ? ix->raw_term : ix->doc_term;
	const float *count = ix->raw_terms ? ix->raw_count : ix->doc_count;
	doc_out *dd = new_doc(fo);
	if (!dd)
		return -1;
	dd->np = (uint32_t)(ptr[d + 1] - ptr[d]);
	dd->name = ix->doc_names[d];
	dd->line = ix->doc_line[d];
	dd->len = ix->doc_len[d];
	dd->old = d;
	if (b->to) /* read from the old index when the postings are read back */
		return 0;
	dd->p = pool_take(&b->seed_pool, dd->np ? dd->np : 1);
	if (!dd->p)
		return -1;
	for (uint32_t k = 0; k < dd->np; k++)
		dd->p[k] = (posting){map[term[ptr[d] + k]], count[ptr[d] + k]};
	return 0;
}

/* index add and remove: the old index's documents that stay come first, as
 * if just read (its whole vocabulary into the merged one, each document's
 * raw counts in the order it first has its terms), grouped by the file or
 * text they come from. */
static int seed_documents(builder *b, size_t *cap, vs_error *err)
{
	const vs_index *ix = b->old;
	if (!ix->raw_terms && vs_index_needs_raw(&ix->opt))
		return vs_fail(err, "the index was saved by an older vecsh, without the terms its options drop: "
		                    "build it again to add or remove documents");
	uint32_t nt = ix->raw_terms ? ix->raw_nterms : ix->nterms;
	const char *const *terms = ix->raw_terms ? ix->raw_terms : ix->terms;
	if (merged_init(b, err) < 0)
		return -1;
	uint32_t *map = malloc((nt ? nt : 1) * sizeof *map);
	if (!map)
		return vs_oom(err);
	int rc = 0;
	for (uint32_t t = 0; t < nt && rc == 0; t++) {
		long id = vs_strtab_intern(&b->g, terms[t], strlen(terms[t]));
		rc = id < 0 ? -1 : 0;
		map[t] = (uint32_t)id;
	}
	const void *last = NULL;
	for (uint32_t d = 0; d < ix->ndocs && rc == 0; d++) {
		if (b->drop && b->drop[d])
			continue;
		const void *from = ix->doc_source ? (const void *)ix->doc_source[d] : (const void *)ix->doc_files[d];
		if (from != last) {
			vs_text_source t = {ix->doc_names[d], ix->doc_source ? ix->doc_source[d] : NULL,
			                    ix->doc_source ? strlen(ix->doc_source[d]) : 0};
			rc = add_source(b, ix->doc_files[d], ix->doc_names[d], ix->doc_source ? &t : NULL, cap);
			if (rc == 0)
				b->out[b->files.n - 1].worker = -1;
			last = from;
		}
		if (rc == 0)
			rc = seed_document(b, &b->out[b->files.n - 1], d, map);
	}
	if (b->to)
		b->seed_map = map;
	else
		free(map);
	b->first_new = b->files.n;
	return rc < 0 ? vs_oom(err) : 0;
}


/* The line of a file that holds byte `at` (a piece's refusal names it). */
static size_t line_at(const char *path, size_t at)
{
	char buf[1 << 16];
	size_t line = 1;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	for (size_t off = 0; fd >= 0 && off < at;) {
		ssize_t n = pread(fd, buf, at - off < sizeof buf ? at - off : sizeof buf, (off_t)off);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			line += buf[i] == '\n';
		off += (size_t)n;
	}
	if (fd >= 0)
		close(fd);
	return line;
}

/* Pieces' documents numbered by their lines in the whole file. */
static void number_lines(builder *b)
{
	size_t before = 0;
	for (size_t f = 0; b->pieces && f < b->files.n; f++) {
		if (b->pieces[f].from == 0)
			before = 0;
		for (size_t d = 0; before && d < b->out[f].ndocs; d++)
			b->out[f].docs[d].line += (uint32_t)before;
		before += b->out[f].lines;
	}
}

/* A piece's size (VECSH_INDEX_PIECE makes it smaller, for tests). */
static uint64_t piece_bytes(void)
{
	const char *small = getenv("VECSH_INDEX_PIECE");
	return small && atol(small) >= 64 && atol(small) < PIECE_BYTES ? (uint64_t)atol(small) : PIECE_BYTES;
}

/* How many pieces a file is read in: a plain file larger than a piece (not
 * gzip, not binary), with --lines. */
static size_t pieces_of(const char *path, uint64_t each)
{
	struct stat st;
	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size <= each)
		return 1;
	char head[8000];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? pread(fd, head, sizeof head, 0) : -1;
	if (fd >= 0)
		close(fd);
	if (n < 2 || ((unsigned char)head[0] == 0x1f && (unsigned char)head[1] == 0x8b) || memchr(head, '\0', (size_t)n))
		return 1;
	return (size_t)(((uint64_t)st.st_size + each - 1) / each);
}

/* --lines: the files from `first` on listed again, each large one as its
 * pieces, so that the workers share it. */
static int split_files(builder *b, size_t first, vs_error *err)
{
	if (!b->opt->lines || b->texts)
		return 0;
	size_t n = 0;
	uint64_t each = piece_bytes();
	size_t *k = malloc((b->files.n ? b->files.n : 1) * sizeof *k);
	if (!k)
		return vs_oom(err);
	for (size_t f = 0; f < b->files.n; f++)
		n += k[f] = f < first ? 1 : pieces_of(b->files.f[f].path, each);
	if (n == b->files.n) {
		free(k);
		return 0;
	}
	vs_file_list list = {0};
	b->pieces = malloc(n * sizeof *b->pieces);
	int rc = b->pieces ? 0 : -1;
	for (size_t f = 0, at = 0; f < b->files.n && rc == 0; f++)
		for (size_t i = 0; i < k[f] && rc == 0; i++, at++) {
			rc = vs_file_list_add(&list, b->files.f[f].path, b->files.f[f].name);
			b->pieces[at] = (piece){i * each, i + 1 < k[f] ? (i + 1) * each : UINT64_MAX};
		}
	free(k);
	if (rc < 0) {
		vs_file_list_free(&list);
		return vs_oom(err);
	}
	vs_file_list_free(&b->files);
	b->files = list;
	return 0;
}

/* Every file through the analyzer, in worker threads with vocabularies of their own. */
static int tokenize(builder *b, vs_error *err)
{
	const vs_index_options *opt = b->opt;
	size_t nfiles = b->files.n, nnew = nfiles - b->first_new;
	int nw = opt->threads > 0 ? opt->threads : vs_ncpu();
	if (nw > MAX_WORKERS)
		nw = MAX_WORKERS;
	if ((size_t)nw > nnew)
		nw = (int)nnew;
	file_out *out = realloc(b->out, (nfiles ? nfiles : 1) * sizeof *b->out);
	if (!out)
		return vs_oom(err);
	b->out = out;
	memset(out + b->first_new, 0, nnew * sizeof *out);
	b->nout = nfiles;
	if (nw == 0) /* index remove: nothing new to read */
		return 0;
	b->ws = calloc((size_t)nw, sizeof *b->ws);
	if (!b->ws)
		return vs_oom(err);
	b->nw = nw;
	build_job job = {.files = &b->files, .pieces = b->pieces, .texts = b->texts, .first = b->first_new, .out = b->out, .opt = opt,
	                 .w = b->ws};
	job.an.ngram_min = opt->ngram_min;
	job.an.ngram_max = opt->ngram_max;
	job.an.stop = b->stop;
	atomic_init(&job.next, 0);
	atomic_init(&job.done_files, 0);
	atomic_init(&job.done_bytes, 0);
	atomic_init(&job.refused, 0);
	int init_ok = 1;
	for (int t = 0; t < nw; t++)
		init_ok &= vs_strtab_init(&b->ws[t].vocab) == 0;
	for (int t = 0; b->to && t < nw; t++)
		if (!(b->ws[t].spill = vs_scratch_open(b->to, err))) /* its postings, beside the index file */
			return -1;
	pthread_t tids[MAX_WORKERS];
	void *args[MAX_WORKERS][2];
	int started[MAX_WORKERS] = {0};
	for (int t = 0; init_ok && t < nw; t++) {
		args[t][0] = &job;
		args[t][1] = &b->ws[t];
		started[t] = t > 0 && pthread_create(&tids[t], NULL, build_worker, args[t]) == 0;
	}
	if (init_ok)
		build_worker(args[0]);
	for (int t = 1; t < nw; t++)
		if (started[t])
			pthread_join(tids[t], NULL);
	if (opt->progress)
		opt->progress(opt->progress_ctx, atomic_load(&job.done_files), nnew, atomic_load(&job.done_bytes));
	int oom = !init_ok;
	for (int t = 0; t < nw; t++) {
		oom |= b->ws[t].oom;
		if (b->ws[t].spill && !b->ws[t].spill_errno && fflush(b->ws[t].spill) != 0)
			b->ws[t].spill_errno = errno ? errno : EIO;
		if (b->ws[t].spill_errno)
			return vs_fail(err, "%s: cannot write a temporary file beside it: %s", b->to,
			               strerror(b->ws[t].spill_errno));
	}
	if (vs_interrupted)
		return vs_fail(err, "interrupted");
	for (size_t f = b->first_new; f < nfiles; f++) { /* the first file refused, in the files' order */
		if (b->out[f].skipped == 4)
			return vs_fail(err, "%s", b->out[f].failure ? b->out[f].failure : "out of memory");
		if (b->out[f].skipped == 3)
			return vs_fail(err, "%s: invalid UTF-8 at byte %zu (line %zu): --strict refuses the file (without it, "
			               "ill-formed bytes become U+FFFD)", b->files.f[f].path, b->out[f].bad_at,
			               b->out[f].bad_line ? b->out[f].bad_line : line_at(b->files.f[f].path, b->out[f].bad_at));
	}
	number_lines(b);
	if (oom)
		return vs_fail(err, "out of memory while tokenizing");
	return 0;
}

/* The workers' vocabularies merged into one (after an old index's, if any),
 * with corpus frequencies. */
static int merge_vocabularies(builder *b, vs_error *err)
{
	int adopted = -1;
	if (!b->g_ok && b->nw > 0) { /* the largest vocabulary becomes the merged one as it is */
		adopted = 0;
		for (int t = 1; t < b->nw; t++)
			if (b->ws[t].vocab.n > b->ws[adopted].vocab.n)
				adopted = t;
		b->g = b->ws[adopted].vocab;
		b->g_ok = 1;
		memset(&b->ws[adopted].vocab, 0, sizeof b->ws[adopted].vocab);
	}
	if (merged_init(b, err) < 0)
		return -1;
	for (int t = 0; t < b->nw; t++) {
		const vs_strtab *v = t == adopted ? &b->g : &b->ws[t].vocab;
		b->maps[t] = malloc((v->n ? v->n : 1) * sizeof *b->maps[t]);
		if (!b->maps[t])
			return vs_oom(err);
		for (size_t k = 0; t == adopted && k < v->n; k++)
			b->maps[t][k] = (uint32_t)k;
		for (size_t k = 0; t != adopted && k < v->n; k++) {
			long id = vs_strtab_intern(&b->g, v->arena + v->off[k], v->len[k]);
			if (id < 0)
				return vs_oom(err);
			b->maps[t][k] = (uint32_t)id;
		}
	}
	b->ng = b->g.n;
	b->gt = calloc(b->ng ? b->ng : 1, sizeof *b->gt);
	if (!b->gt)
		return vs_oom(err);
	for (size_t k = 0; k < b->ng; k++) {
		b->gt[k].s = b->g.arena + b->g.off[k];
		b->gt[k].len = b->g.len[k];
	}
	for (size_t k = 0; b->opt->hash_bits && k < b->ng; k++)
		b->gt[k].bucket = (int32_t)vs_murmur3_32(b->gt[k].s, b->gt[k].len, 0);
	return 0;
}

static void count_document(builder *b, const doc_out *dd)
{
	for (uint32_t p = 0; p < dd->np; p++) {
		b->gt[dd->p[p].term].df++;
		b->gt[dd->p[p].term].freq += dd->p[p].count;
	}
}

/* A document of a worker's, read back from its spill file: terms by merged
 * id, in doc_buf (each worker read its files in order, so reading the files'
 * documents in order reads each spill file from start to end). */
static int read_spilled(builder *b, const file_out *o, doc_out *dd, vs_error *err)
{
	if (dd->np > b->doc_cap) {
		posting *p = realloc(b->doc_buf, dd->np * sizeof *p);
		if (!p)
			return vs_oom(err);
		b->doc_buf = p;
		b->doc_cap = dd->np;
	}
	if (o->worker < 0) { /* an old index's document, from the old index */
		const vs_index *ix = b->old;
		uint64_t at = ix->raw_terms ? ix->raw_ptr[dd->old] : ix->doc_ptr[dd->old];
		const uint32_t *term = ix->raw_terms ? ix->raw_term : ix->doc_term;
		const float *count = ix->raw_terms ? ix->raw_count : ix->doc_count;
		for (uint32_t k = 0; k < dd->np; k++)
			b->doc_buf[k] = (posting){b->seed_map[term[at + k]], count[at + k]};
		dd->p = b->doc_buf;
		return 0;
	}
	worker *w = &b->ws[o->worker];
	if (dd->np && fread(b->doc_buf, sizeof *b->doc_buf, dd->np, w->spill) != dd->np)
		return vs_fail(err, "%s: cannot read a temporary file beside it: %s", b->to,
		               ferror(w->spill) ? strerror(errno) : "shorter than written");
	for (uint32_t p = 0; p < dd->np; p++)
		b->doc_buf[p].term = b->maps[o->worker][b->doc_buf[p].term];
	dd->p = b->doc_buf;
	return 0;
}

typedef void (*doc_visit)(builder *b, const doc_out *dd, size_t di, void *ctx);

/* index --to: how far the passes are, pass (from 0) and the part of it done. */
static void passes_done(const builder *b, double part)
{
	if (b->opt->progress_writing)
		b->opt->progress_writing(b->opt->progress_ctx, ((double)b->pass + part) / (double)b->passes);
}

/* index --to: every document in order, with its postings read back. */
static int each_spilled_document(builder *b, doc_visit fn, void *ctx, vs_error *err)
{
	for (int t = 0; t < b->nw; t++)
		if (fseeko(b->ws[t].spill, 0, SEEK_SET) != 0)
			return vs_fail(err, "%s: cannot read a temporary file beside it: %s", b->to, strerror(errno));
	size_t di = 0;
	for (size_t f = 0; f < b->files.n; f++) {
		if (vs_interrupted)
			return vs_fail(err, "interrupted");
		file_out *o = &b->out[f];
		for (size_t d = 0; d < o->ndocs; d++, di++) {
			if (read_spilled(b, o, &o->docs[d], err) < 0)
				return -1;
			fn(b, &o->docs[d], di, ctx);
			o->docs[d].p = NULL;
		}
		if ((f & 255) == 0)
			passes_done(b, (double)f / (double)b->files.n);
	}
	b->pass++;
	return 0;
}

static void visit_count(builder *b, const doc_out *dd, size_t di, void *ctx)
{
	(void)di, (void)ctx;
	count_document(b, dd);
}

/* Documents counted, postings renumbered to merged ids, document and corpus frequencies. */
static int count_documents(builder *b, vs_error *err)
{
	for (size_t f = 0; f < b->files.n; f++) {
		file_out *o = &b->out[f];
		if (o->skipped == 1)
			b->rep->skipped_binary++;
		else if (o->skipped == 2) {
			b->rep->skipped_unreadable++;
			note_unreadable(b->rep, b->files.f[f].path);
		}
		b->rep->invalid_utf8_docs += (size_t)o->invalid;
		b->rep->bytes += o->bytes;
		b->ndocs += o->ndocs;
		for (size_t d = 0; !b->to && d < o->ndocs; d++) {
			doc_out *dd = &o->docs[d];
			for (uint32_t p = 0; o->worker >= 0 && p < dd->np; p++)
				dd->p[p].term = b->maps[o->worker][dd->p[p].term];
			count_document(b, dd);
		}
	}
	if (b->to) { /* the passes to come: three, and one a range of inverted postings after the first */
		uint64_t np = 0, chunk = b->memory / 12 ? b->memory / 12 : 1;
		for (size_t f = 0; f < b->files.n; f++)
			for (size_t d = 0; d < b->out[f].ndocs; d++)
				np += b->out[f].docs[d].np;
		b->passes = 3 + (unsigned)(np > chunk ? (np - 1) / chunk : 0);
		if (each_spilled_document(b, visit_count, NULL, err) < 0)
			return -1;
	}
	if (b->ndocs == 0)
		return vs_fail(err, "no documents: every file was empty, binary or unreadable");
	if (b->ndocs > UINT32_MAX - 1)
		return vs_fail(err, "too many documents");
	if (b->ng == 0)
		return vs_fail(err, "the input has no text: no words in %zu document%s", b->ndocs, b->ndocs == 1 ? "" : "s");
	b->order = malloc(b->ng * sizeof *b->order);
	b->final_id = malloc(b->ng * sizeof *b->final_id);
	return b->order && b->final_id ? 0 : vs_oom(err);
}

/* scikit-learn keeps (-tfs).argsort()[:limit] over the terms in vocabulary
 * order; ties fall where numpy's argsort puts them. tfs sums the counts
 * after binary=True has made each 1: then it is the document frequency. */
static int keep_most_frequent(builder *b, vs_error *err)
{
	size_t nkept = b->nkept, limit = b->opt->max_features;
	int64_t *neg = malloc(nkept * sizeof *neg);
	intptr_t *perm = malloc(nkept * sizeof *perm);
	if (!neg || !perm) {
		free(neg), free(perm);
		return vs_oom(err);
	}
	for (size_t k = 0; k < nkept; k++)
		neg[k] = -(int64_t)(b->opt->binary ? b->gt[b->order[k]].df : b->gt[b->order[k]].freq);
	vs_numpy_argsort(neg, perm, (intptr_t)nkept);
	for (size_t k = 0; k < limit; k++)
		neg[k] = b->order[perm[k]];
	for (size_t k = 0; k < limit; k++)
		b->order[k] = (uint32_t)neg[k];
	free(neg), free(perm);
	b->nkept = limit;
	sort_terms = b->gt;
	qsort(b->order, b->nkept, sizeof *b->order, cmp_gterm);
	return 0;
}

/* A vocabulary: the terms within min_df..max_df, sorted, at most max_features. */
static int prune_terms(builder *b, vs_error *err)
{
	const vs_index_options *opt = b->opt;
	double high = opt->max_df_is_prop ? opt->max_df * (double)b->ndocs : opt->max_df;
	double low = opt->min_df_is_prop ? opt->min_df * (double)b->ndocs : opt->min_df;
	if (high < low)
		return vs_fail(err, "max_df corresponds to fewer documents than min_df");
	for (size_t k = 0; k < b->ng; k++) /* df 0: only in documents index remove took away */
		if (b->gt[k].df && (double)b->gt[k].df <= high && (double)b->gt[k].df >= low)
			b->order[b->nkept++] = (uint32_t)k;
	sort_terms = b->gt;
	qsort(b->order, b->nkept, sizeof *b->order, cmp_gterm);
	if (opt->max_features && b->nkept > opt->max_features && keep_most_frequent(b, err) < 0)
		return -1;
	if (b->nkept == 0)
		return vs_fail(err, "after pruning by document frequency (min_df, max_df), no terms remain");
	for (size_t k = 0; k < b->ng; k++)
		b->final_id[k] = UINT32_MAX;
	for (size_t k = 0; k < b->nkept; k++)
		b->final_id[b->order[k]] = (uint32_t)k;
	return 0;
}

/* The hashing trick: the terms of the index are the used buckets, in bucket
 * order, each shown by its most frequent term; every term maps to its bucket. */
static int hash_terms_to_buckets(builder *b, vs_error *err)
{
	b->nbuckets = 1u << b->opt->hash_bits;
	uint32_t *rep = malloc(b->nbuckets * sizeof *rep); /* bucket -> its most frequent term */
	if (!rep)
		return vs_fail(err, "out of memory for 2^%d buckets", b->opt->hash_bits);
	for (uint32_t k = 0; k < b->nbuckets; k++)
		rep[k] = UINT32_MAX;
	const gterm *gt = b->gt;
	for (size_t k = 0; k < b->ng; k++) {
		if (!gt[k].df) /* only in documents index remove took away */
			continue;
		uint32_t bk = vs_hash_bucket(gt[k].bucket, b->nbuckets), r = rep[bk];
		if (r == UINT32_MAX || gt[k].freq > gt[r].freq || (gt[k].freq == gt[r].freq && strcmp(gt[k].s, gt[r].s) < 0))
			rep[bk] = (uint32_t)k;
	}
	for (uint32_t bk = 0; bk < b->nbuckets; bk++)
		if (rep[bk] != UINT32_MAX)
			b->order[b->nkept++] = rep[bk];
	for (uint32_t bk = 0, id = 0; bk < b->nbuckets; bk++) /* now bucket -> index term id */
		rep[bk] = rep[bk] == UINT32_MAX ? UINT32_MAX : id++;
	for (size_t k = 0; k < b->ng; k++)
		b->final_id[k] = rep[vs_hash_bucket(gt[k].bucket, b->nbuckets)];
	free(rep);
	return 0;
}

/* The index itself, with its terms (and buckets). */
static int make_terms(builder *b, vs_error *err)
{
	size_t nkept = b->nkept, tbytes = 0;
	b->ix = vs_index_alloc(b->ndocs, nkept, b->opt, b->stop);
	if (!b->ix)
		return vs_oom(err);
	vs_index *ix = b->ix;
	for (size_t k = 0; k < nkept; k++)
		tbytes += b->gt[b->order[k]].len + 1;
	char *tblob = vs_index_own(ix, malloc(tbytes ? tbytes : 1));
	const char **terms = vs_index_own(ix, malloc(nkept * sizeof *terms));
	ix->df = b->df = vs_index_own(ix, calloc(nkept, sizeof *b->df));
	ix->idf = b->idf = vs_index_own(ix, malloc(nkept * sizeof *b->idf));
	uint32_t *buckets = b->opt->hash_bits ? vs_index_own(ix, malloc(nkept * sizeof *buckets)) : NULL;
	if (!tblob || !terms || !b->df || !b->idf || (b->opt->hash_bits && !buckets))
		return vs_oom(err);
	for (size_t k = 0, o = 0; k < nkept; k++) {
		const gterm *g = &b->gt[b->order[k]];
		memcpy(tblob + o, g->s, g->len + 1);
		terms[k] = tblob + o;
		o += g->len + 1;
		if (buckets)
			buckets[k] = vs_hash_bucket(g->bucket, b->nbuckets);
	}
	ix->terms = terms;
	ix->buckets = buckets;
	return 0;
}

/* Where one document's postings go: hashed terms can share a bucket, so their
 * signed counts are added into one entry. */
typedef struct doc_writer {
	uint32_t *dterm;
	float *dcount;
	uint32_t *df;                        /* the document frequencies this writer counts */
	uint32_t *seen_in_doc, *slot_in_doc; /* hash mode */
	size_t q;
} doc_writer;

static void write_postings(builder *b, doc_writer *w, const doc_out *dd, size_t di)
{
	size_t first = w->q;
	for (uint32_t p = 0; p < dd->np; p++) {
		uint32_t id = b->final_id[dd->p[p].term];
		if (id == UINT32_MAX)
			continue;
		float c = dd->p[p].count;
		if (!b->opt->hash_bits) { /* distinct terms of a document have distinct ids */
			w->dterm[w->q] = id;
			w->dcount[w->q++] = c;
			continue;
		}
		if (b->gt[dd->p[p].term].bucket < 0)
			c = -c;
		if (w->seen_in_doc[id] != di + 1) {
			w->seen_in_doc[id] = (uint32_t)di + 1;
			w->slot_in_doc[id] = (uint32_t)(w->q - first);
			w->dterm[w->q] = id;
			w->dcount[w->q++] = c;
		} else {
			w->dcount[first + w->slot_in_doc[id]] += c;
		}
	}
	for (size_t e = first; e < w->q; e++) {
		w->df[w->dterm[e]]++;
		if (b->opt->binary) /* CountVectorizer(binary=True): X.data.fill(1) */
			w->dcount[e] = 1;
	}
}

/* An index of typed texts keeps them: they are its only copy (for snippets and browse). */
static int keep_texts(builder *b)
{
	vs_index *ix = b->ix;
	size_t bytes = 1;
	for (size_t f = 0; f < b->files.n; f++)
		bytes += b->texts[f].len + 1;
	char *blob = vs_index_own(ix, malloc(bytes));
	const char **src = vs_index_own(ix, calloc(b->ndocs, sizeof *src));
	if (!blob || !src)
		return -1;
	size_t o = 0, di = 0;
	for (size_t f = 0; f < b->files.n; f++) {
		memcpy(blob + o, b->texts[f].text, b->texts[f].len);
		blob[o + b->texts[f].len] = '\0';
		for (size_t d = 0; d < b->out[f].ndocs; d++)
			src[di++] = blob + o;
		o += b->texts[f].len + 1;
	}
	ix->doc_source = src;
	return 0;
}

/* The documents' postings are written in parts of the files, one a core,
 * each with document frequencies of its own (added up after); with the
 * hashing trick, where a document's terms can fall in one bucket and its
 * postings shrink, in one part. */
enum { DOC_PARTS_MAX = 16 };

typedef struct doc_part {
	size_t f0, f1, q0, d0;
	uint32_t *df;
} doc_part;

typedef struct docs_job {
	builder *b;
	doc_part part[DOC_PARTS_MAX];
	size_t nparts;
	size_t *file_nnz;        /* each file's postings kept (in hash mode at most) */
	uint32_t *dterm;
	float *dcount;
	uint64_t *dptr;
	int oom;
} docs_job;

static void count_kept(void *ctx, size_t from, size_t to)
{
	docs_job *j = ctx;
	const builder *b = j->b;
	for (size_t f = from; f < to; f++) {
		size_t n = 0;
		for (size_t d = 0; d < b->out[f].ndocs; d++)
			for (uint32_t p = 0; p < b->out[f].docs[d].np; p++)
				n += b->final_id[b->out[f].docs[d].p[p].term] != UINT32_MAX;
		j->file_nnz[f] = n;
	}
}

static void write_part(void *ctx, size_t from, size_t to)
{
	docs_job *j = ctx;
	builder *b = j->b;
	for (size_t k = from; k < to; k++) {
		doc_part *pt = &j->part[k];
		doc_writer w = {.dterm = j->dterm, .dcount = j->dcount, .df = pt->df, .q = pt->q0};
		if (b->opt->hash_bits) {
			w.seen_in_doc = calloc(b->nkept ? b->nkept : 1, sizeof *w.seen_in_doc);
			w.slot_in_doc = malloc((b->nkept ? b->nkept : 1) * sizeof *w.slot_in_doc);
			if (!w.seen_in_doc || !w.slot_in_doc) {
				free(w.seen_in_doc), free(w.slot_in_doc);
				j->oom = 1;
				return;
			}
		}
		size_t di = pt->d0;
		for (size_t f = pt->f0; f < pt->f1; f++)
			for (size_t d = 0; d < b->out[f].ndocs; d++, di++) {
				doc_out *dd = &b->out[f].docs[d];
				write_postings(b, &w, dd, di);
				j->dptr[di + 1] = w.q;
			}
		free(w.seen_in_doc), free(w.slot_in_doc);
	}
}

/* Every document's postings, as tokenizing gave them, back to the system. */
static void release_postings(builder *b)
{
	for (int t = 0; t < b->nw; t++)
		pool_free(&b->ws[t].pool);
	pool_free(&b->seed_pool);
	for (size_t f = 0; f < b->nout; f++)
		for (size_t d = 0; d < b->out[f].ndocs; d++)
			b->out[f].docs[d].p = NULL;
}

/* Parts of about equal postings, each from its place in the arrays. */
static int plan_parts(docs_job *j, size_t nnz)
{
	builder *b = j->b;
	size_t parts = b->opt->hash_bits || nnz < 1u << 16 ? 1 : (size_t)vs_ncpu();
	if (parts > DOC_PARTS_MAX)
		parts = DOC_PARTS_MAX;
	size_t f = 0, q = 0, d = 0;
	for (size_t k = 0; k < parts && f < b->files.n; k++) {
		doc_part *pt = &j->part[j->nparts++];
		*pt = (doc_part){.f0 = f, .q0 = q, .d0 = d};
		size_t goal = nnz * (k + 1) / parts;
		while (f < b->files.n && (k + 1 == parts || q < goal)) {
			q += j->file_nnz[f];
			d += b->out[f].ndocs;
			f++;
		}
		pt->f1 = f;
		pt->df = j->nparts == 1 ? b->df : calloc(b->nkept ? b->nkept : 1, sizeof *pt->df);
		if (!pt->df)
			return -1;
	}
	return 0;
}

/* The postings by index term id, and the document frequencies. */
static int write_documents(builder *b, docs_job *j, vs_error *err)
{
	vs_index *ix = b->ix;
	size_t nnz = 0;
	j->b = b;
	j->file_nnz = malloc((b->files.n ? b->files.n : 1) * sizeof *j->file_nnz);
	if (!j->file_nnz)
		return vs_oom(err);
	vs_parallel_ranges(b->files.n, 64, 0, count_kept, j);
	for (size_t f = 0; f < b->files.n; f++)
		nnz += j->file_nnz[f];
	j->dterm = vs_index_own(ix, malloc((nnz ? nnz : 1) * sizeof *j->dterm));
	j->dcount = vs_index_own(ix, malloc((nnz ? nnz : 1) * sizeof *j->dcount));
	ix->doc_norm = b->norm = vs_index_own(ix, malloc((ix->ndocs ? ix->ndocs : 1) * sizeof *b->norm));
	int rc = j->dterm && j->dcount && b->norm && plan_parts(j, nnz) == 0 ? 0 : -1;
	if (rc == 0) {
		vs_parallel_ranges(j->nparts, 1, 0, write_part, j);
		rc = j->oom ? -1 : 0;
	}
	for (size_t k = 1; k < j->nparts; k++) {
		for (size_t t = 0; rc == 0 && t < b->nkept; t++)
			b->df[t] += j->part[k].df[t];
		free(j->part[k].df);
	}
	free(j->file_nnz);
	if (rc < 0)
		return vs_oom(err);
	release_postings(b); /* written, and the raw terms (if any) made before */
	ix->nnz = j->dptr[b->ndocs];
	ix->doc_term = j->dterm;
	ix->doc_count = j->dcount;
	return 0;
}

/* A document's name: the file's (with --lines, and its line), or an old
 * index's; written to out (unless NULL), its length returned. */
static size_t doc_name(const builder *b, size_t f, const doc_out *dd, char *out, size_t room)
{
	if (dd->name)
		return (size_t)snprintf(out, room, "%s", dd->name);
	if (b->opt->lines)
		return (size_t)snprintf(out, room, "%s:%u", b->files.f[f].name, dd->line);
	return (size_t)snprintf(out, room, "%s", b->files.f[f].name);
}

/* The documents: names, files, lines, lengths and forward postings by index term id. */
static int make_documents(builder *b, vs_error *err)
{
	vs_index *ix = b->ix;
	size_t ndocs = b->ndocs, nbytes = 0, fbytes = 0;
	for (size_t f = 0; f < b->files.n; f++) {
		if (!(b->pieces && b->pieces[f].from)) /* a file's pieces share its name */
			fbytes += strlen(b->files.f[f].path) + 1;
		for (size_t d = 0; d < b->out[f].ndocs; d++)
			nbytes += doc_name(b, f, &b->out[f].docs[d], NULL, 0) + 1;
	}
	char *nblob = vs_index_own(ix, malloc(nbytes ? nbytes : 1));
	char *fblob = vs_index_own(ix, malloc(fbytes ? fbytes : 1));
	const char **names = vs_index_own(ix, malloc(ndocs * sizeof *names));
	const char **dfiles = vs_index_own(ix, malloc(ndocs * sizeof *dfiles));
	uint32_t *dline = vs_index_own(ix, malloc(ndocs * sizeof *dline));
	uint32_t *dlen = vs_index_own(ix, malloc(ndocs * sizeof *dlen));
	b->dptr = vs_index_own(ix, malloc((ndocs + 1) * sizeof *b->dptr));
	if (!nblob || !fblob || !names || !dfiles || !dline || !dlen || !b->dptr)
		return vs_oom(err);
	size_t di = 0, no = 0, fo = 0, last = 0;
	double total_len = 0;
	for (size_t f = 0; f < b->files.n; f++) {
		if (!(b->pieces && b->pieces[f].from)) {
			size_t pl = strlen(b->files.f[f].path) + 1;
			memcpy(fblob + fo, b->files.f[f].path, pl);
			last = fo;
			fo += pl;
		}
		for (size_t d = 0; d < b->out[f].ndocs; d++, di++) {
			const doc_out *dd = &b->out[f].docs[d];
			names[di] = nblob + no;
			no += doc_name(b, f, dd, nblob + no, nbytes - no) + 1;
			dfiles[di] = fblob + last;
			dline[di] = dd->line;
			dlen[di] = dd->len;
			total_len += dd->len;
		}
	}
	ix->doc_names = names;
	ix->doc_files = dfiles;
	ix->doc_line = dline;
	ix->doc_len = dlen;
	ix->avgdl = total_len / (double)ndocs;
	ix->doc_ptr = b->dptr;
	b->dptr[0] = 0;
	if (b->to) /* the postings go to the file */
		return 0;
	docs_job j = {.dptr = b->dptr};
	if (write_documents(b, &j, err) < 0)
		return -1;
	if (b->texts && keep_texts(b) < 0)
		return vs_oom(err);
	return 0;
}

/* The terms the documents have, sorted, with each document's raw counts by
 * them: what index add and remove start from when the index drops terms. */
static int make_raw(builder *b, vs_error *err)
{
	vs_index *ix = b->ix;
	size_t ng = 0, bytes = 0, nnz = 0;
	uint32_t *order = malloc((b->ng ? b->ng : 1) * sizeof *order), *rank = malloc((b->ng ? b->ng : 1) * sizeof *rank);
	for (size_t k = 0; order && k < b->ng; k++)
		if (b->gt[k].df) { /* not those only index remove's documents had */
			bytes += b->gt[k].len + 1;
			order[ng++] = (uint32_t)k;
		}
	for (size_t f = 0; f < b->files.n; f++)
		for (size_t d = 0; d < b->out[f].ndocs; d++)
			nnz += b->out[f].docs[d].np;
	char *blob = vs_index_own(ix, malloc(bytes ? bytes : 1));
	const char **terms = vs_index_own(ix, malloc((ng ? ng : 1) * sizeof *terms));
	uint64_t *ptr = vs_index_own(ix, malloc(((size_t)ix->ndocs + 1) * sizeof *ptr));
	/* index --to writes the postings to the file as it reads them back */
	uint32_t *term = b->to ? NULL : vs_index_own(ix, malloc((nnz ? nnz : 1) * sizeof *term));
	float *count = b->to ? NULL : vs_index_own(ix, malloc((nnz ? nnz : 1) * sizeof *count));
	if (!order || !rank || !blob || !terms || !ptr || (!b->to && (!term || !count))) {
		free(order), free(rank);
		return vs_oom(err);
	}
	sort_terms = b->gt;
	qsort(order, ng, sizeof *order, cmp_gterm);
	for (size_t r = 0, o = 0; r < ng; r++) {
		const gterm *g = &b->gt[order[r]];
		rank[order[r]] = (uint32_t)r;
		memcpy(blob + o, g->s, g->len + 1);
		terms[r] = blob + o;
		o += g->len + 1;
	}
	size_t q = 0, di = 0;
	ptr[0] = 0;
	for (size_t f = 0; f < b->files.n; f++)
		for (size_t d = 0; d < b->out[f].ndocs; d++, di++) {
			const doc_out *dd = &b->out[f].docs[d];
			for (uint32_t p = 0; !b->to && p < dd->np; p++) {
				term[q + p] = rank[dd->p[p].term];
				count[q + p] = dd->p[p].count;
			}
			q += dd->np;
			ptr[di + 1] = q;
		}
	free(order);
	if (b->to)
		b->raw_rank = rank;
	else
		free(rank);
	ix->raw_nterms = (uint32_t)ng;
	ix->raw_nnz = nnz;
	ix->raw_terms = terms;
	ix->raw_ptr = ptr;
	ix->raw_term = term;
	ix->raw_count = count;
	return 0;
}

/* A document's norm of its tf-idf values (the weights are derived from it:
 * vs_index_weight_of). */
static double norm_of(const vs_index *ix, const uint32_t *term, const float *count, size_t n)
{
	double norm = 0;
	for (size_t e = 0; e < n; e++) {
		double w = vs_index_tf(ix, count[e]) * ix->idf[term[e]];
		norm += ix->opt.norm == VS_NORM_L1 ? fabs(w) : w * w;
	}
	return ix->opt.norm == VS_NORM_L2 ? sqrt(norm) : norm;
}

static void weigh_documents(void *ctx, size_t from, size_t to)
{
	builder *b = ctx;
	const vs_index *ix = b->ix;
	for (size_t d = from; d < to; d++)
		b->norm[d] = norm_of(ix, ix->doc_term + ix->doc_ptr[d], ix->doc_count + ix->doc_ptr[d],
		                     ix->doc_ptr[d + 1] - ix->doc_ptr[d]);
}

/* idf as scikit-learn's (smooth unless asked). */
static void weigh_terms(builder *b)
{
	const vs_index *ix = b->ix;
	const vs_index_options *opt = b->opt;
	for (size_t k = 0; k < ix->nterms; k++) {
		double n = (double)ix->ndocs + (opt->no_smooth ? 0 : 1), d = (double)b->df[k] + (opt->no_smooth ? 0 : 1);
		b->idf[k] = opt->no_idf ? 1.0 : log(n / d) + 1.0;
	}
}

/* idf, then tf x idf normalised per document. */
static void weigh(builder *b)
{
	weigh_terms(b);
	vs_parallel_ranges(b->ix->ndocs, 4096, 0, weigh_documents, b);
}

/* ---- index --to: the postings from the spill files into the index file ---- */

/* A section of the file written from the start, through a buffer. */
typedef struct sec_out {
	vs_index_writer *w;
	int sec;
	uint64_t at;
	char *buf;
	size_t n;
	int failed_errno;
} sec_out;

enum { SEC_BUF = 1 << 20 };

static void sec_flush(sec_out *o)
{
	if (o->n && !o->failed_errno && vs_index_writer_put(o->w, o->sec, o->at, o->buf, o->n) < 0)
		o->failed_errno = errno ? errno : EIO;
	o->at += o->n;
	o->n = 0;
}

static void sec_put(sec_out *o, const void *p, size_t n)
{
	if (o->n + n > SEC_BUF)
		sec_flush(o);
	memcpy(o->buf + o->n, p, n);
	o->n += n;
}

/* The inverted postings of a range of terms, as many as fit in the memory
 * given (a term's postings all at once, however many). */
typedef struct inverter {
	uint64_t chunk, cap;
	uint32_t t0, t1;
	uint32_t *tdoc;
	float *tw, *tc;
	uint64_t *fill;          /* where each term's next posting goes */
} inverter;

static int inverter_init(const builder *b, inverter *v, vs_error *err)
{
	const vs_index *ix = b->ix;
	v->chunk = b->memory / 12 ? b->memory / 12 : 1;
	if (v->chunk > ix->nnz)
		v->chunk = ix->nnz ? ix->nnz : 1;
	v->cap = v->chunk;
	for (uint32_t t = 0; t < ix->nterms; t++)
		if (ix->term_ptr[t + 1] - ix->term_ptr[t] > v->cap)
			v->cap = ix->term_ptr[t + 1] - ix->term_ptr[t];
	v->tdoc = malloc(v->cap * 4);
	v->tw = malloc(v->cap * 4);
	v->tc = malloc(v->cap * 4);
	v->fill = malloc(((size_t)ix->nterms + 1) * sizeof *v->fill);
	if (!v->tdoc || !v->tw || !v->tc || !v->fill)
		return vs_fail(err, "out of memory for %llu inverted postings (give --memory less)",
		               (unsigned long long)v->cap);
	return 0;
}

static void inverter_free(inverter *v)
{
	free(v->tdoc), free(v->tw), free(v->tc), free(v->fill);
}

/* The next range, from term t0. */
static void inverter_range(const vs_index *ix, inverter *v, uint32_t t0)
{
	uint64_t base = ix->term_ptr[t0];
	v->t0 = t0;
	for (v->t1 = t0 + 1; v->t1 < ix->nterms && ix->term_ptr[v->t1 + 1] - base <= v->chunk; v->t1++)
		;
	for (uint32_t t = t0; t < v->t1; t++)
		v->fill[t] = ix->term_ptr[t] - base;
}

static inline void inverter_place(inverter *v, uint32_t doc, uint32_t term, float weight, float count)
{
	if (term >= v->t0 && term < v->t1) {
		uint64_t k = v->fill[term]++;
		v->tdoc[k] = doc, v->tw[k] = weight, v->tc[k] = count;
	}
}

static int inverter_put(builder *b, const inverter *v, vs_error *err)
{
	const vs_index *ix = b->ix;
	uint64_t base = ix->term_ptr[v->t0];
	size_t bytes = 4 * (size_t)(ix->term_ptr[v->t1] - base);
	if (vs_index_writer_put(b->wr, VS_IXS_TERM_DOC, 4 * base, v->tdoc, bytes) < 0 ||
	    vs_index_writer_put(b->wr, VS_IXS_TERM_WEIGHT, 4 * base, v->tw, bytes) < 0 ||
	    vs_index_writer_put(b->wr, VS_IXS_TERM_COUNT, 4 * base, v->tc, bytes) < 0)
		return vs_fail(err, "%s: cannot write: %s", b->to, strerror(errno));
	return 0;
}

enum { OUT_TERM, OUT_WEIGHT, OUT_COUNT, OUT_RAW_TERM, OUT_RAW_COUNT, NOUT };

typedef struct stream_job {
	doc_writer w;              /* one document's postings by index term id */
	sec_out out[NOUT];
	int nout;
	inverter *inv;             /* the first range of inverted postings, made on the way */
} stream_job;


/* Pass 1: each document's postings counted, and the document frequencies. */
static void visit_sizes(builder *b, const doc_out *dd, size_t di, void *ctx)
{
	stream_job *j = ctx;
	j->w.q = 0;
	write_postings(b, &j->w, dd, di);
	b->dptr[di + 1] = b->dptr[di] + j->w.q;
}

/* Pass 2: the forward postings and the raw ones, as the file keeps them. */
static void visit_write(builder *b, const doc_out *dd, size_t di, void *ctx)
{
	stream_job *j = ctx;
	const vs_index *ix = b->ix;
	j->w.q = 0;
	write_postings(b, &j->w, dd, di);
	b->norm[di] = norm_of(ix, j->w.dterm, j->w.dcount, j->w.q);
	for (size_t e = 0; e < j->w.q; e++) {
		float weight = vs_index_weight_of(ix, (uint32_t)di, j->w.dterm[e], j->w.dcount[e]);
		sec_put(&j->out[OUT_TERM], &j->w.dterm[e], 4);
		sec_put(&j->out[OUT_WEIGHT], &weight, 4);
		sec_put(&j->out[OUT_COUNT], &j->w.dcount[e], 4);
		inverter_place(j->inv, (uint32_t)di, j->w.dterm[e], weight, j->w.dcount[e]);
	}
	for (uint32_t p = 0; b->raw_rank && p < dd->np; p++) {
		sec_put(&j->out[OUT_RAW_TERM], &b->raw_rank[dd->p[p].term], 4);
		sec_put(&j->out[OUT_RAW_COUNT], &dd->p[p].count, 4);
	}
}

static int stream_job_init(builder *b, stream_job *j, vs_error *err)
{
	uint32_t most = 1;
	for (size_t f = 0; f < b->files.n; f++)
		for (size_t d = 0; d < b->out[f].ndocs; d++)
			most = b->out[f].docs[d].np > most ? b->out[f].docs[d].np : most;
	size_t nk = b->nkept ? b->nkept : 1;
	j->w.dterm = malloc(most * sizeof *j->w.dterm);
	j->w.dcount = malloc(most * sizeof *j->w.dcount);
	j->w.df = b->df;
	if (b->opt->hash_bits) {
		j->w.seen_in_doc = calloc(nk, sizeof *j->w.seen_in_doc);
		j->w.slot_in_doc = malloc(nk * sizeof *j->w.slot_in_doc);
	}
	int ok = j->w.dterm && j->w.dcount && (!b->opt->hash_bits || (j->w.seen_in_doc && j->w.slot_in_doc));
	return ok ? 0 : vs_oom(err);
}

static void stream_job_free(stream_job *j)
{
	free(j->w.dterm), free(j->w.dcount), free(j->w.seen_in_doc), free(j->w.slot_in_doc);
	for (int k = 0; k < NOUT; k++)
		free(j->out[k].buf);
}

/* The counts the file's layout needs: postings, document frequencies, idf,
 * where each term's postings begin, the terms' hash table. */
static int size_postings(builder *b, stream_job *j, vs_error *err)
{
	vs_index *ix = b->ix;
	if (each_spilled_document(b, visit_sizes, j, err) < 0)
		return -1;
	ix->nnz = b->dptr[b->ndocs];
	weigh_terms(b);
	uint64_t *tptr = vs_index_own(ix, malloc(((size_t)ix->nterms + 1) * sizeof *tptr));
	ix->doc_norm = b->norm = vs_index_own(ix, malloc(b->ndocs * sizeof *b->norm));
	if (!tptr || !b->norm || vs_index_hash_terms(ix) < 0)
		return vs_oom(err);
	tptr[0] = 0;
	for (size_t t = 0; t < ix->nterms; t++) /* a term is once in each of its documents */
		tptr[t + 1] = tptr[t] + b->df[t];
	ix->term_ptr = tptr;
	return 0;
}

static int write_forward(builder *b, stream_job *j, vs_error *err)
{
	static const int sec[NOUT] = {VS_IXS_DOC_TERM, VS_IXS_DOC_WEIGHT, VS_IXS_DOC_COUNT, VS_IXS_RAW_TERM,
	                              VS_IXS_RAW_COUNT};
	uint32_t *spare_df = calloc(b->nkept ? b->nkept : 1, sizeof *spare_df); /* counted in pass 1 */
	j->nout = b->raw_rank ? NOUT : OUT_RAW_TERM;
	for (int k = 0; k < j->nout; k++)
		j->out[k] = (sec_out){.w = b->wr, .sec = sec[k], .buf = malloc(SEC_BUF)};
	int ok = spare_df != NULL;
	for (int k = 0; k < j->nout; k++)
		ok = ok && j->out[k].buf;
	j->w.df = spare_df;
	if (j->w.seen_in_doc) /* pass 1 marked every document */
		memset(j->w.seen_in_doc, 0, (b->nkept ? b->nkept : 1) * sizeof *j->w.seen_in_doc);
	int rc = ok ? each_spilled_document(b, visit_write, j, err) : vs_oom(err);
	for (int k = 0; k < j->nout; k++) {
		sec_flush(&j->out[k]);
		if (rc == 0 && j->out[k].failed_errno)
			rc = vs_fail(err, "%s: cannot write: %s", b->to, strerror(j->out[k].failed_errno));
	}
	j->w.df = b->df;
	free(spare_df);
	return rc;
}

/* The inverted postings after the first range (made as the forward ones were
 * written), in passes over the forward postings in the file. */
static int write_inverted(builder *b, inverter *v, vs_error *err)
{
	const vs_index *ix = b->ix;
	enum { R = 1 << 16 };
	uint32_t *term = malloc(R * 4);
	float *weight = malloc(R * 4), *count = malloc(R * 4);
	int rc = term && weight && count ? 0 : vs_oom(err);
	for (uint32_t t0 = v->t1; t0 < ix->nterms && rc == 0; t0 = v->t1) {
		inverter_range(ix, v, t0);
		uint32_t d = 0;
		for (uint64_t e = 0; e < ix->nnz && rc == 0; e += R) {
			size_t n = ix->nnz - e < R ? (size_t)(ix->nnz - e) : R;
			if (vs_index_writer_get(b->wr, VS_IXS_DOC_TERM, 4 * e, term, 4 * n) < 0 ||
			    vs_index_writer_get(b->wr, VS_IXS_DOC_WEIGHT, 4 * e, weight, 4 * n) < 0 ||
			    vs_index_writer_get(b->wr, VS_IXS_DOC_COUNT, 4 * e, count, 4 * n) < 0) {
				rc = vs_fail(err, "%s: cannot read back: %s", b->to, strerror(errno));
				break;
			}
			for (size_t i = 0; i < n; i++) {
				while (ix->doc_ptr[d + 1] <= e + i)
					d++;
				inverter_place(v, d, term[i], weight[i], count[i]);
			}
		}
		if (rc == 0)
			rc = vs_interrupted ? vs_fail(err, "interrupted") : inverter_put(b, v, err);
		b->pass += b->pass + 1 < b->passes;
		passes_done(b, 0);
	}
	free(term), free(weight), free(count);
	return rc;
}

/* The index file, section by section; then the index is that file, mapped. */
static int write_file(builder *b, vs_error *err)
{
	stream_job j = {0};
	inverter v = {0};
	int rc = stream_job_init(b, &j, err);
	if (rc == 0)
		rc = size_postings(b, &j, err);
	if (rc == 0)
		rc = inverter_init(b, &v, err);
	if (rc == 0 && !(b->wr = vs_index_writer_start(b->ix, b->to, err)))
		rc = -1;
	if (rc == 0) {
		inverter_range(b->ix, &v, 0);
		j.inv = &v;
		rc = write_forward(b, &j, err);
	}
	stream_job_free(&j);
	if (rc == 0)
		rc = inverter_put(b, &v, err);
	if (rc == 0)
		rc = write_inverted(b, &v, err);
	inverter_free(&v);
	if (b->wr && vs_index_writer_finish(b->wr, b->to, rc < 0, err) < 0)
		rc = -1;
	if (rc == 0) {
		b->pass = b->passes;
		passes_done(b, 0);
	}
	b->wr = NULL;
	b->rep->peak_build = vs_peak_resident();
	vs_index_free(b->ix);
	b->ix = rc == 0 ? vs_index_open(b->to, err) : NULL;
	return b->ix ? 0 : -1;
}

static void builder_free(builder *b)
{
	free(b->gt);
	free(b->order);
	free(b->final_id);
	for (int t = 0; t < b->nw; t++)
		free(b->maps[t]);
	if (b->g_ok)
		vs_strtab_free(&b->g);
	for (int t = 0; b->ws && t < b->nw; t++) {
		vs_strtab_free(&b->ws[t].vocab);
		free(b->ws[t].slot_of);
		free(b->ws[t].cur);
		vs_buffer_free(&b->ws[t].file);
		pool_free(&b->ws[t].pool);
		if (b->ws[t].spill)
			fclose(b->ws[t].spill);
		vs_analyze_scratch_free(&b->ws[t].scratch);
	}
	free(b->ws);
	if (b->out)
		free_outputs(b->out, b->nout);
	free(b->own_texts);
	free(b->doc_buf);
	free(b->raw_rank);
	free(b->seed_map);
	free(b->pieces);
	pool_free(&b->seed_pool);
	vs_file_list_free(&b->files);
	vs_stopwords_free(b->own_stop);
}

/* The steps after the sources are listed. */
static vs_index *build(builder *b, vs_error *err)
{
	struct stat st;
	if (b->to && stat(b->to, &st) == 0 && S_ISDIR(st.st_mode)) { /* found out now, not after the work */
		vs_fail(err, "%s: is a folder: give a file to write the index to", b->to);
		builder_free(b);
		return NULL;
	}
	const vs_index_options *opt = b->opt;
	if (tokenize(b, err) < 0 || merge_vocabularies(b, err) < 0 || count_documents(b, err) < 0 ||
	    (opt->hash_bits ? hash_terms_to_buckets(b, err) : prune_terms(b, err)) < 0 || make_terms(b, err) < 0 ||
	    (vs_index_needs_raw(opt) && make_raw(b, err) < 0) || make_documents(b, err) < 0) {
		vs_index_free(b->ix);
		b->ix = NULL;
	} else if (b->to) {
		write_file(b, err);
	} else {
		weigh(b);
		if (vs_index_invert(b->ix) < 0 || vs_index_hash_terms(b->ix) < 0) {
			vs_oom(err);
			vs_index_free(b->ix);
			b->ix = NULL;
		}
	}
	vs_index *ix = b->ix;
	builder_free(b);
	return ix;
}

static void builder_init(builder *b, const vs_index_options *opt, vs_index_report *rep, vs_index_report *dummy)
{
	memset(b, 0, sizeof *b);
	b->opt = opt;
	b->rep = rep ? rep : dummy;
	memset(b->rep, 0, sizeof *b->rep);
}

vs_index *vs_index_build(const char *const *paths, size_t npaths, const vs_index_options *opt,
                         vs_index_report *rep, vs_error *err)
{
	vs_index_report dummy;
	builder b;
	builder_init(&b, opt, rep, &dummy);
	if (check_options(opt, err) < 0 || load_stopwords(&b, err) < 0 || list_files(&b, paths, npaths, err) < 0 ||
	    split_files(&b, 0, err) < 0) {
		builder_free(&b);
		return NULL;
	}
	return build(&b, err);
}

vs_index *vs_index_build_to(const char *const *paths, size_t npaths, const vs_index_options *opt, const char *path,
                            size_t memory, vs_index_report *rep, vs_error *err)
{
	vs_index_report dummy;
	builder b;
	builder_init(&b, opt, rep, &dummy);
	b.to = path;
	b.memory = memory;
	if (check_options(opt, err) < 0 || load_stopwords(&b, err) < 0 || list_files(&b, paths, npaths, err) < 0 ||
	    split_files(&b, 0, err) < 0) {
		builder_free(&b);
		return NULL;
	}
	return build(&b, err);
}

vs_index *vs_index_build_texts(const vs_text_source *src, size_t n, const vs_index_options *opt,
                               vs_index_report *rep, vs_error *err)
{
	vs_index_report dummy;
	builder b;
	builder_init(&b, opt, rep, &dummy);
	if (check_options(opt, err) < 0 || load_stopwords(&b, err) < 0 || list_texts(&b, src, n, err) < 0) {
		builder_free(&b);
		return NULL;
	}
	return build(&b, err);
}

/* The new texts after the old index's, each a source. */
static int add_texts(builder *b, const vs_text_source *src, size_t n, size_t *cap, vs_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (add_source(b, "", src[i].name, &src[i], cap) < 0)
			return vs_oom(err);
	b->texts = b->own_texts;
	return 0;
}

/* index add: a document the index has already (the same file, or for typed
 * texts the same name) is refused, before anything is built. */
static int refuse_duplicates(const builder *b, vs_error *err)
{
	const vs_index *old = b->old;
	const char *const *key = old->doc_source ? old->doc_names : old->doc_files;
	vs_strtab seen = {0};
	int rc = vs_strtab_init(&seen) < 0 ? vs_oom(err) : 0;
	for (uint32_t d = 0; rc == 0 && d < old->ndocs; d++)
		if ((!b->drop || !b->drop[d]) && vs_strtab_intern(&seen, key[d], strlen(key[d])) < 0)
			rc = vs_oom(err);
	for (size_t f = b->first_new; rc == 0 && f < b->files.n; f++) {
		const char *k = old->doc_source ? b->files.f[f].name : b->files.f[f].path;
		if (vs_strtab_find(&seen, k, strlen(k)) >= 0)
			rc = vs_fail(err, "'%s' is in %s already (index remove it first to index it again)", k,
			             old->name ? old->name : "the index");
	}
	vs_strtab_free(&seen);
	return rc;
}

static vs_index *grow(const vs_index *old, const unsigned char *drop, const char *const *paths, size_t npaths,
                      const vs_text_source *texts, size_t ntexts, const vs_index_options *opt, const char *to,
                      size_t memory, vs_index_report *rep, vs_error *err)
{
	vs_index_report dummy;
	vs_index_options o = old->opt;
	if (opt) {
		o.threads = opt->threads;
		o.strict = opt->strict;
		o.progress = opt->progress;
		o.progress_writing = opt->progress_writing;
		o.progress_ctx = opt->progress_ctx;
	}
	builder b;
	builder_init(&b, &o, rep, &dummy);
	b.old = old;
	b.drop = drop;
	b.stop = old->stop;
	b.to = to;
	b.memory = memory;
	size_t cap = 0;
	int rc;
	if (to && old->doc_source)
		rc = vs_fail(err, "an index of typed texts is built in memory: save it after");
	else if (old->doc_source ? npaths > 0 : ntexts > 0)
		rc = vs_fail(err, old->doc_source ? "an index of typed texts takes more texts, not files"
		                                  : "an index of files takes more files, not typed texts");
	else
		rc = seed_documents(&b, &cap, err);
	if (rc == 0 && old->doc_source)
		rc = add_texts(&b, texts, ntexts, &cap, err);
	else if (rc == 0)
		rc = list_files(&b, paths, npaths, err);
	if (rc == 0)
		rc = refuse_duplicates(&b, err);
	if (rc == 0 && !old->doc_source)
		rc = split_files(&b, b.first_new, err);
	if (rc < 0) {
		builder_free(&b);
		return NULL;
	}
	return build(&b, err);
}

vs_index *vs_index_grow(const vs_index *old, const unsigned char *drop, const char *const *paths, size_t npaths,
                        const vs_text_source *texts, size_t ntexts, const vs_index_options *opt,
                        vs_index_report *rep, vs_error *err)
{
	return grow(old, drop, paths, npaths, texts, ntexts, opt, NULL, 0, rep, err);
}

vs_index *vs_index_grow_to(const vs_index *old, const unsigned char *drop, const char *const *paths, size_t npaths,
                           const vs_index_options *opt, const char *path, size_t memory, vs_index_report *rep,
                           vs_error *err)
{
	return grow(old, drop, paths, npaths, NULL, 0, opt, path, memory, rep, err);
}
