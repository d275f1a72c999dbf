/* Index files. A header, then 28 sections, each 8-byte aligned:
 *
 *   0 document names (NUL-terminated)   1 u64 offset of each name
 *   2 source files (NUL-terminated)     3 u64 offset of each document's file
 *   4 u32 line of each document         5 u32 length of each document (tokens)
 *   6 terms (NUL-terminated)            7 u64 offset of each term
 *   8 u32 df                            9 f64 idf
 *  10 u32 term hash slots (FNV-1a, index + 1)
 *  11 u64 doc_ptr  12 u32 doc_term  13 f32 doc_weight  14 f32 doc_count
 *  15 u64 term_ptr 16 u32 term_doc  17 f32 term_weight 18 f32 term_count
 *  19 stop words (NUL-terminated)     20 u32 bucket of each term (hash mode)
 *  21 typed texts (NUL-terminated)    22 u64 offset of each document's text
 *     (both empty when the documents come from files)
 *  23 raw terms (NUL-terminated)       24 u64 offset of each raw term
 *  25 u64 raw_ptr  26 u32 raw_term  27 f32 raw_count
 *     (all empty unless the options drop terms: see vs_index.raw_terms)
 *
 * Version 3 added sections 23 to 27; version 2 added sections 21 and 22 and
 * the no_idf and binary options. Version 1 (21 sections) and 2 (23) files
 * still open.
 *
 * All little-endian. The header holds a CRC-32 of itself and one of
 * everything after it; both are checked when the file is opened. */
#include "text/internal.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/core.h"

#define NSEC 28
#define NSEC_V2 23
#define NSEC_V1 21

static const char MAGIC[8] = {'\x89', 'V', 'S', 'I', 'X', '\r', '\n', '\x1a'};

struct ix_header {
	char magic[8];
	uint32_t version, header_size;
	uint32_t ndocs, nterms;
	uint64_t nnz, nslots, file_size;
	double avgdl;
	int32_t lines, ngram_min, ngram_max, sublinear, no_smooth, norm, hash_bits, stopwords;
	double min_df, max_df;
	int32_t min_df_is_prop, max_df_is_prop;
	uint64_t max_features;
	uint64_t off[NSEC], len[NSEC];
	int32_t no_idf, binary;
	uint64_t raw_nterms, raw_nnz;
	uint32_t crc_header, crc_data;
};

/* Version 2: no raw terms. */
struct ix_header_v2 {
	char magic[8];
	uint32_t version, header_size;
	uint32_t ndocs, nterms;
	uint64_t nnz, nslots, file_size;
	double avgdl;
	int32_t lines, ngram_min, ngram_max, sublinear, no_smooth, norm, hash_bits, stopwords;
	double min_df, max_df;
	int32_t min_df_is_prop, max_df_is_prop;
	uint64_t max_features;
	uint64_t off[NSEC_V2], len[NSEC_V2];
	int32_t no_idf, binary;
	uint32_t crc_header, crc_data;
};

/* Version 1: no typed texts, no no_idf or binary. */
struct ix_header_v1 {
	char magic[8];
	uint32_t version, header_size;
	uint32_t ndocs, nterms;
	uint64_t nnz, nslots, file_size;
	double avgdl;
	int32_t lines, ngram_min, ngram_max, sublinear, no_smooth, norm, hash_bits, stopwords;
	double min_df, max_df;
	int32_t min_df_is_prop, max_df_is_prop;
	uint64_t max_features;
	uint64_t off[NSEC_V1], len[NSEC_V1];
	uint32_t crc_header, crc_data;
};

int vs_index_file_magic(const char *path)
{
	char m[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, m, 8);
	close(fd);
	return n == 8 && memcmp(m, MAGIC, 8) == 0;
}

static uLong crc_of(uLong crc, const void *p, uint64_t n)
{
	const unsigned char *b = p;
	while (n) {
		uInt chunk = n > (1u << 30) ? (1u << 30) : (uInt)n;
		crc = crc32(crc, b, chunk);
		b += chunk;
		n -= chunk;
	}
	return crc;
}

/* The string tables of an index as they lie in the file: NUL-terminated
 * strings and the offset of each (a file once for its consecutive documents). */
typedef struct packed {
	char *names, *files, *terms, *texts, *raw;
	uint64_t *name_off, *file_off, *term_off, *text_off, *raw_off;
	size_t nb, fb, tb, xb, rb;
} packed;

static void packed_free(packed *p)
{
	free(p->name_off), free(p->file_off), free(p->term_off), free(p->names), free(p->terms), free(p->files);
	free(p->texts), free(p->text_off), free(p->raw), free(p->raw_off);
}

/* The raw terms, end to end. */
static int pack_raw(const vs_index *ix, packed *p, vs_error *err)
{
	for (uint32_t t = 0; t < ix->raw_nterms; t++)
		p->rb += strlen(ix->raw_terms[t]) + 1;
	p->raw = malloc(p->rb ? p->rb : 1);
	p->raw_off = malloc((ix->raw_nterms ? ix->raw_nterms : 1) * sizeof *p->raw_off);
	if (!p->raw || !p->raw_off)
		return vs_oom(err);
	for (uint32_t t = 0, o = 0; t < ix->raw_nterms; t++) {
		size_t l = strlen(ix->raw_terms[t]) + 1;
		memcpy(p->raw + o, ix->raw_terms[t], l);
		p->raw_off[t] = o;
		o += (uint32_t)l;
	}
	return 0;
}

/* The typed texts, once each (their documents are consecutive). */
static int pack_texts(const vs_index *ix, packed *p, vs_error *err)
{
	uint32_t nd = ix->ndocs;
	for (uint32_t d = 0; d < nd; d++)
		if (d == 0 || ix->doc_source[d] != ix->doc_source[d - 1])
			p->xb += strlen(ix->doc_source[d]) + 1;
	p->texts = malloc(p->xb);
	p->text_off = malloc(nd * 8);
	if (!p->texts || !p->text_off)
		return vs_oom(err);
	for (uint32_t d = 0, o = 0, last = 0; d < nd; d++) {
		if (d == 0 || ix->doc_source[d] != ix->doc_source[d - 1]) {
			size_t l = strlen(ix->doc_source[d]) + 1;
			memcpy(p->texts + o, ix->doc_source[d], l);
			last = o;
			o += (uint32_t)l;
		}
		p->text_off[d] = last;
	}
	return 0;
}

static int pack_strings(const vs_index *ix, packed *p, vs_error *err)
{
	uint32_t nd = ix->ndocs, nt = ix->nterms;
	memset(p, 0, sizeof *p);
	for (uint32_t d = 0; d < nd; d++) {
		p->nb += strlen(ix->doc_names[d]) + 1;
		if (d == 0 || ix->doc_files[d] != ix->doc_files[d - 1])
			p->fb += strlen(ix->doc_files[d]) + 1;
	}
	for (uint32_t t = 0; t < nt; t++)
		p->tb += strlen(ix->terms[t]) + 1;
	p->name_off = malloc((nd ? nd : 1) * 8);
	p->file_off = malloc((nd ? nd : 1) * 8);
	p->term_off = malloc((nt ? nt : 1) * 8);
	p->names = malloc(p->nb ? p->nb : 1);
	p->terms = malloc(p->tb ? p->tb : 1);
	p->files = malloc(p->fb ? p->fb : 1);
	if (!p->name_off || !p->file_off || !p->term_off || !p->names || !p->terms || !p->files)
		return vs_oom(err);
	for (uint32_t d = 0, o = 0, fo = 0, last = 0; d < nd; d++) {
		size_t l = strlen(ix->doc_names[d]) + 1;
		memcpy(p->names + o, ix->doc_names[d], l);
		p->name_off[d] = o;
		o += (uint32_t)l;
		if (d == 0 || ix->doc_files[d] != ix->doc_files[d - 1]) {
			size_t fl = strlen(ix->doc_files[d]) + 1;
			memcpy(p->files + fo, ix->doc_files[d], fl);
			last = fo;
			fo += (uint32_t)fl;
		}
		p->file_off[d] = last;
	}
	for (uint32_t t = 0, o = 0; t < nt; t++) {
		size_t l = strlen(ix->terms[t]) + 1;
		memcpy(p->terms + o, ix->terms[t], l);
		p->term_off[t] = o;
		o += (uint32_t)l;
	}
	if (ix->raw_terms && pack_raw(ix, p, err) < 0)
		return -1;
	return ix->doc_source ? pack_texts(ix, p, err) : 0;
}

static void header_of(const vs_index *ix, const uint64_t *len, struct ix_header *h)
{
	memset(h, 0, sizeof *h);
	memcpy(h->magic, MAGIC, 8);
	h->version = 3;
	h->header_size = sizeof *h;
	h->ndocs = ix->ndocs;
	h->nterms = ix->nterms;
	h->nnz = ix->nnz;
	h->nslots = ix->nslots;
	h->avgdl = ix->avgdl;
	h->lines = ix->opt.lines;
	h->ngram_min = ix->opt.ngram_min;
	h->ngram_max = ix->opt.ngram_max;
	h->sublinear = ix->opt.sublinear;
	h->no_smooth = ix->opt.no_smooth;
	h->norm = (int32_t)ix->opt.norm;
	h->hash_bits = ix->opt.hash_bits;
	h->stopwords = ix->opt.stopwords;
	h->min_df = ix->opt.min_df;
	h->max_df = ix->opt.max_df;
	h->min_df_is_prop = ix->opt.min_df_is_prop;
	h->max_df_is_prop = ix->opt.max_df_is_prop;
	h->max_features = ix->opt.max_features;
	h->no_idf = ix->opt.no_idf;
	h->binary = ix->opt.binary;
	h->raw_nterms = ix->raw_terms ? ix->raw_nterms : 0;
	h->raw_nnz = ix->raw_terms ? ix->raw_nnz : 0;
	uint64_t o = (sizeof *h + 7) / 8 * 8;
	for (int s = 0; s < NSEC; s++) {
		h->off[s] = o;
		h->len[s] = len[s];
		o = (o + len[s] + 7) / 8 * 8;
	}
	h->file_size = o;
}

static const char zeros[8];

static uint64_t padding(const struct ix_header *h, int s)
{
	return (h->off[s] + h->len[s] + 7) / 8 * 8 - (h->off[s] + h->len[s]);
}

/* Both checksums: the data's over the bytes as they will lie in the file,
 * padding included, then the header's. */
static void checksum(struct ix_header *h, const void *const *sec)
{
	uLong crc = crc_of(crc32(0, NULL, 0), zeros, (sizeof *h + 7) / 8 * 8 - sizeof *h);
	for (int s = 0; s < NSEC; s++) {
		if (h->len[s])
			crc = crc_of(crc, sec[s], h->len[s]);
		crc = crc_of(crc, zeros, padding(h, s));
	}
	h->crc_data = (uint32_t)crc;
	h->crc_header = 0;
	h->crc_header = (uint32_t)crc32(0, (const unsigned char *)h, sizeof *h);
}

static int write_sections(FILE *f, const struct ix_header *h, const void *const *sec)
{
	size_t hpad = (sizeof *h + 7) / 8 * 8 - sizeof *h;
	int bad = fwrite(h, sizeof *h, 1, f) != 1 || fwrite(zeros, 1, hpad, f) != hpad;
	for (int s = 0; s < NSEC && !bad; s++) {
		if (h->len[s])
			bad = fwrite(sec[s], 1, h->len[s], f) != h->len[s];
		bad = bad || fwrite(zeros, 1, padding(h, s), f) != padding(h, s);
	}
	return bad ? -1 : 0;
}

/* Weights derived in memory (a built index's), made for the file, which
 * keeps them: both directions; NULL without memory. */
static float *made_weights(const vs_index *ix, int by_term)
{
	float *w = malloc((ix->nnz ? ix->nnz : 1) * sizeof *w);
	if (!w)
		return NULL;
	uint32_t n = by_term ? ix->nterms : ix->ndocs;
	const uint64_t *ptr = by_term ? ix->term_ptr : ix->doc_ptr;
	for (uint32_t i = 0; i < n; i++)
		for (uint64_t e = ptr[i]; e < ptr[i + 1]; e++)
			w[e] = by_term ? vs_index_term_weight(ix, i, e) : vs_index_doc_weight(ix, i, e);
	return w;
}

/* Every section's place in memory (NULL: written later, or empty) and its
 * length, as a file of this index holds them; dw and tw are weights made for
 * the file when the index derives them. */
static void section_table(const vs_index *ix, const packed *p, const float *dw, const float *tw, const void **sec,
                          uint64_t *len)
{
	uint64_t nd = ix->ndocs, nt = ix->nterms;
	const void *s[NSEC] = {p->names, p->name_off, p->files, p->file_off, ix->doc_line, ix->doc_len, p->terms,
	                       p->term_off, ix->df, ix->idf, ix->slots, ix->doc_ptr, ix->doc_term,
	                       ix->doc_weight ? ix->doc_weight : dw, ix->doc_count, ix->term_ptr, ix->term_doc,
	                       ix->term_weight ? ix->term_weight : tw, ix->term_count,
	                       ix->stopwords_blob, ix->buckets, p->texts, p->text_off, p->raw, p->raw_off,
	                       ix->raw_ptr, ix->raw_term, ix->raw_count};
	int raw = ix->raw_terms != NULL;
	uint64_t l[NSEC] = {p->nb, 8 * nd, p->fb, 8 * nd, 4 * nd, 4 * nd, p->tb, 8 * nt, 4 * nt,
	                    8 * nt, 4ull * ix->nslots, 8 * (nd + 1), 4 * ix->nnz, 4 * ix->nnz,
	                    4 * ix->nnz, 8 * (nt + 1), 4 * ix->nnz, 4 * ix->nnz, 4 * ix->nnz,
	                    ix->stopwords_blob ? ix->nstop_blob : 0, ix->buckets ? 4 * nt : 0,
	                    p->xb, p->texts ? 8 * nd : 0, raw ? p->rb : 0, raw ? 8ull * ix->raw_nterms : 0,
	                    raw ? 8 * (nd + 1) : 0, raw ? 4 * ix->raw_nnz : 0, raw ? 4 * ix->raw_nnz : 0};
	memcpy(sec, s, sizeof s);
	memcpy(len, l, sizeof l);
}

int vs_index_save(const vs_index *ix, const char *path, vs_error *err)
{
	packed p;
	float *dw = ix->doc_weight ? NULL : made_weights(ix, 0), *tw = ix->term_weight ? NULL : made_weights(ix, 1);
	if ((!ix->doc_weight && !dw) || (!ix->term_weight && !tw)) {
		free(dw), free(tw);
		return vs_fail(err, "out of memory for the weights of %llu postings", (unsigned long long)ix->nnz);
	}
	if (pack_strings(ix, &p, err) < 0) {
		packed_free(&p);
		free(dw), free(tw);
		return -1;
	}
	const void *sec[NSEC];
	uint64_t len[NSEC];
	section_table(ix, &p, dw, tw, sec, len);
	struct ix_header h;
	header_of(ix, len, &h);
	checksum(&h, sec);
	char *tmp;
	int rc = -1;
	FILE *f = vs_tmpfile_open(path, &tmp, err);
	if (f) {
		int bad = write_sections(f, &h, sec) < 0;
		rc = vs_tmpfile_finish(f, tmp, path, bad, err);
	}
	packed_free(&p);
	free(dw), free(tw);
	return rc;
}

/* ---- a file written in place, its large sections later ---- */

struct vs_index_writer {
	FILE *f;
	int fd;
	char *tmp;
	struct ix_header h;
	/* each section's CRC-32 as it is written, from its start in order (the
	 * file's is combined from them at the end, not read back) */
	uLong crc[NSEC];
	uint64_t done[NSEC];
};

static int pwrite_all(int fd, const void *p, size_t n, uint64_t at)
{
	const char *c = p;
	while (n) {
		ssize_t w = pwrite(fd, c, n > (1u << 30) ? (1u << 30) : n, (off_t)at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w, n -= (size_t)w, at += (uint64_t)w;
	}
	return 0;
}

static int pread_all(int fd, void *p, size_t n, uint64_t at)
{
	char *c = p;
	while (n) {
		ssize_t r = pread(fd, c, n > (1u << 30) ? (1u << 30) : n, (off_t)at);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		c += r, n -= (size_t)r, at += (uint64_t)r;
	}
	return 0;
}

static void writer_abandon(vs_index_writer *w)
{
	vs_error ignored;
	vs_tmpfile_commit(w->f, w->tmp, "", 1, &ignored);
	free(w);
}

vs_index_writer *vs_index_writer_start(const vs_index *ix, const char *path, vs_error *err)
{
	vs_index_writer *w = calloc(1, sizeof *w);
	packed p;
	if (!w) {
		vs_oom(err);
		return NULL;
	}
	if (pack_strings(ix, &p, err) < 0) {
		packed_free(&p);
		free(w);
		return NULL;
	}
	const void *sec[NSEC];
	uint64_t len[NSEC];
	section_table(ix, &p, NULL, NULL, sec, len);
	header_of(ix, len, &w->h);
	w->f = vs_tmpfile_open(path, &w->tmp, err);
	if (!w->f) {
		packed_free(&p);
		free(w);
		return NULL;
	}
	w->fd = fileno(w->f);
	int bad = ftruncate(w->fd, (off_t)w->h.file_size) != 0; /* the padding (and what is not yet written) reads as zeros */
	for (int s = 0; s < NSEC && !bad; s++) {
		w->crc[s] = crc32(0, NULL, 0);
		if (sec[s] && len[s]) {
			bad = pwrite_all(w->fd, sec[s], len[s], w->h.off[s]) < 0;
			w->crc[s] = crc_of(w->crc[s], sec[s], len[s]);
			w->done[s] = len[s];
		}
	}
	packed_free(&p);
	if (bad) {
		vs_fail(err, "%s: cannot write: %s", path, strerror(errno));
		writer_abandon(w);
		return NULL;
	}
	return w;
}

static int in_section(const vs_index_writer *w, int s, uint64_t at, size_t n)
{
	return s >= 0 && s < NSEC && at <= w->h.len[s] && n <= w->h.len[s] - at;
}

int vs_index_writer_put(vs_index_writer *w, int section, uint64_t at, const void *p, size_t n)
{
	if (!in_section(w, section, at, n) || at != w->done[section]) {
		errno = EINVAL;
		return -1;
	}
	w->crc[section] = crc_of(w->crc[section], p, n);
	w->done[section] += n;
	return pwrite_all(w->fd, p, n, w->h.off[section] + at);
}

int vs_index_writer_get(vs_index_writer *w, int section, uint64_t at, void *p, size_t n)
{
	if (!in_section(w, section, at, n)) {
		errno = EINVAL;
		return -1;
	}
	return pread_all(w->fd, p, n, w->h.off[section] + at);
}

/* The checksums (the data's combined from the sections'), the header, then
 * the file into place; failed (or any error here) removes it. */
int vs_index_writer_finish(vs_index_writer *w, const char *path, int failed, vs_error *err)
{
	uLong crc = crc_of(crc32(0, NULL, 0), zeros, (sizeof w->h + 7) / 8 * 8 - sizeof w->h);
	int bad = 0;
	for (int s = 0; s < NSEC && !failed && !bad; s++) {
		if (w->done[s] != w->h.len[s]) {
			errno = EINVAL;
			bad = 1; /* a section left unwritten: a mistake in the caller */
		}
		crc = crc32_combine(crc, w->crc[s], (z_off_t)w->h.len[s]);
		crc = crc_of(crc, zeros, padding(&w->h, s));
	}
	if (!failed && !bad) {
		w->h.crc_data = (uint32_t)crc;
		w->h.crc_header = 0;
		w->h.crc_header = (uint32_t)crc32(0, (const unsigned char *)&w->h, sizeof w->h);
		bad = pwrite_all(w->fd, &w->h, sizeof w->h, 0) < 0;
	}
	if (bad)
		vs_fail(err, "%s: cannot write: %s", path, strerror(errno));
	int rc = vs_tmpfile_commit(w->f, w->tmp, path, failed || bad, err);
	free(w);
	return failed || bad ? -1 : rc;
}

static const char *check_ptrs(const uint64_t *p, size_t n, uint64_t max)
{
	if (p[0] != 0 || p[n] != max)
		return "bad posting table";
	for (size_t i = 0; i < n; i++)
		if (p[i] > p[i + 1])
			return "bad posting table";
	return NULL;
}

/* A version 1 or 2 header as version 3 would say it: the same fields up to
 * the sections, fewer sections (21 or 23), then (version 2) no_idf and
 * binary, and the two checksums last; no raw terms. */
static const char *older_header(const void *map, size_t size, uint32_t version, struct ix_header *h)
{
	int nsec = version == 1 ? NSEC_V1 : NSEC_V2;
	size_t hs = version == 1 ? sizeof(struct ix_header_v1) : sizeof(struct ix_header_v2);
	size_t lead = offsetof(struct ix_header, off), secs = lead + 16 * (size_t)nsec;
	unsigned char buf[sizeof(struct ix_header)];
	uint32_t want_crc, header_size;
	if (size < hs)
		return "truncated index file (shorter than its header)";
	memcpy(buf, map, hs);
	memcpy(&want_crc, buf + hs - 8, 4);
	memset(buf + hs - 8, 0, 4);
	memcpy(&header_size, buf + 12, 4);
	if (header_size != hs)
		return "bad header size";
	if ((uint32_t)crc32(0, buf, (uInt)hs) != want_crc)
		return "corrupt header (checksum mismatch)";
	memset(h, 0, sizeof *h);
	memcpy(h, buf, lead);
	memcpy(h->off, buf + lead, 8 * (size_t)nsec);
	memcpy(h->len, buf + lead + 8 * (size_t)nsec, 8 * (size_t)nsec);
	if (version == 2) {
		memcpy(&h->no_idf, buf + secs, 4);
		memcpy(&h->binary, buf + secs + 4, 4);
	}
	memcpy(&h->crc_data, buf + hs - 4, 4);
	for (int s = nsec; s < NSEC; s++)
		h->off[s] = h->file_size;
	return NULL;
}

/* The header (a version 1 header converted), or why it cannot be read:
 * magic, version, checksum, size. */
static const char *read_header(const void *map, size_t size, struct ix_header *h)
{
	uint32_t version;
	if (size < 12 || memcmp(map, MAGIC, 8) != 0)
		return "not a vecsh index (bad magic bytes)";
	memcpy(&version, (const char *)map + 8, 4);
	const char *why = NULL;
	if (version == 1 || version == 2) {
		why = older_header(map, size, version, h);
	} else if (version == 3) {
		if (size < sizeof *h)
			return "truncated index file (shorter than its header)";
		memcpy(h, map, sizeof *h);
		uint32_t want_crc = h->crc_header;
		h->crc_header = 0;
		if (h->header_size != sizeof *h)
			why = "bad header size";
		else if ((uint32_t)crc32(0, (const unsigned char *)h, sizeof *h) != want_crc)
			why = "corrupt header (checksum mismatch)";
	} else {
		return "unsupported index version (this vecsh reads versions 1 to 3)";
	}
	if (!why && h->file_size != size)
		why = h->file_size > size ? "truncated index file (shorter than its header says)"
		                          : "the file is longer than its header says";
	return why;
}

/* The sections follow each other, 8-byte aligned, to the end of the file;
 * their sizes agree with the counts, which are checked against the file's
 * size before they are multiplied (so nothing wraps). */
/* A large file is checked a piece at a time, each piece's pages let go
 * after: memory holds what the queries use, not the whole file. */
/* A large file is checked a piece at a time: 32 MB, or VECSH_CHECK_STEP
 * bytes (a multiple of 64; tests, to check small files in many pieces). */
static uint64_t check_step(void)
{
	const char *e = getenv("VECSH_CHECK_STEP");
	long v = e ? atol(e) : 0;
	return v >= 64 && v % 64 == 0 ? (uint64_t)v : 32u << 20;
}

/* The CRC of the sections, a piece at a time on every core
 * (each piece's pages let go once read), the pieces' CRCs combined in order. */
typedef struct crc_job {
	const unsigned char *p;
	uint64_t n, step;
	uLong *piece;
} crc_job;

static uint64_t piece_len(uint64_t n, uint64_t at, uint64_t step)
{
	return n - at < step ? n - at : step;
}

static void crc_pieces(void *ctx, size_t from, size_t to)
{
	const crc_job *j = ctx;
	for (size_t i = from; i < to; i++) {
		uint64_t at = (uint64_t)i * j->step, n = piece_len(j->n, at, j->step);
		j->piece[i] = crc_of(crc32(0, NULL, 0), j->p + at, n);
		vs_map_let_go(j->p + at, n);
	}
}

static uint32_t data_crc(const char *p, uint64_t n)
{
	uint64_t step = check_step();
	size_t pieces = (size_t)((n + step - 1) / step);
	uLong crc = crc32(0, NULL, 0), *piece = malloc((pieces ? pieces : 1) * sizeof *piece);
	if (!piece) { /* no room for the pieces' CRCs: a piece after another, here */
		for (uint64_t at = 0; at < n; at += step) {
			crc = crc_of(crc, p + at, piece_len(n, at, step));
			vs_map_let_go(p + at, piece_len(n, at, step));
		}
		return (uint32_t)crc;
	}
	crc_job j = {(const unsigned char *)p, n, step, piece};
	vs_parallel_ranges(pieces, 1, 0, crc_pieces, &j);
	for (size_t i = 0; i < pieces; i++)
		crc = crc32_combine(crc, piece[i], (z_off_t)piece_len(n, (uint64_t)i * step, step));
	free(piece);
	return (uint32_t)crc;
}

static const char *check_sections(const struct ix_header *h, const char *base, uint64_t size)
{
	int nsec = h->version == 1 ? NSEC_V1 : h->version == 2 ? NSEC_V2 : NSEC;
	uint64_t pos = ((uint64_t)h->header_size + 7) / 8 * 8;
	for (int s = 0; s < nsec; s++) {
		if (h->off[s] != pos || h->len[s] > size - pos)
			return "bad section table";
		pos = (pos + h->len[s] + 7) / 8 * 8;
	}
	if (pos != size)
		return "bad section table";
	uint64_t nd = h->ndocs, nt = h->nterms, limit = size / 4;
	if (nd == 0 || nd > limit || nt > limit || h->nnz > limit || h->nslots > limit || h->raw_nterms > limit ||
	    h->raw_nnz > limit)
		return "bad counts or options in the header";
	uint64_t want[NSEC] = {h->len[0], 8 * nd, h->len[2], 8 * nd, 4 * nd, 4 * nd, h->len[6], 8 * nt, 4 * nt,
	                       8 * nt, 4 * h->nslots, 8 * (nd + 1), 4 * h->nnz, 4 * h->nnz, 4 * h->nnz, 8 * (nt + 1),
	                       4 * h->nnz, 4 * h->nnz, 4 * h->nnz, h->len[19], h->hash_bits ? 4 * nt : 0,
	                       h->len[21], h->len[21] ? 8 * nd : 0, h->len[23], 8 * h->raw_nterms,
	                       h->raw_nterms ? 8 * (nd + 1) : 0, 4 * h->raw_nnz, 4 * h->raw_nnz};
	for (int s = 0; s < NSEC; s++)
		if (h->len[s] != want[s])
			return "section sizes disagree with the counts";
	/* the same limits as the command line */
	if (h->nslots < nt || (h->nslots & (h->nslots - 1)) || h->hash_bits < 0 || h->hash_bits > 28 ||
	    h->ngram_min < 1 || h->ngram_max < h->ngram_min || h->ngram_max > VS_MAX_NGRAM || h->norm < 0 ||
	    h->norm > 2 || (h->no_idf & ~1) || (h->binary & ~1))
		return "bad counts or options in the header";
	if ((h->raw_nterms == 0) != (h->len[23] == 0) || (h->raw_nterms == 0 && h->raw_nnz))
		return "bad raw term table";
	static const int strings[] = {0, 2, 6, 19, 21, 23};
	for (int i = 0; i < 6; i++)
		if (h->len[strings[i]] && base[h->off[strings[i]] + h->len[strings[i]] - 1])
			return "bad string table";
	if (data_crc(base + h->header_size, size - h->header_size) != h->crc_data)
		return "corrupt index (checksum mismatch)";
	return NULL;
}

static void options_of(const struct ix_header *h, vs_index_options *opt)
{
	vs_index_options_default(opt);
	opt->lines = h->lines;
	opt->ngram_min = h->ngram_min;
	opt->ngram_max = h->ngram_max;
	opt->sublinear = h->sublinear;
	opt->no_smooth = h->no_smooth;
	opt->norm = (vs_norm)h->norm;
	opt->hash_bits = h->hash_bits;
	opt->stopwords = h->stopwords;
	opt->min_df = h->min_df;
	opt->max_df = h->max_df;
	opt->min_df_is_prop = h->min_df_is_prop;
	opt->max_df_is_prop = h->max_df_is_prop;
	opt->max_features = (size_t)h->max_features;
	opt->no_idf = h->no_idf;
	opt->binary = h->binary;
}

#define SEC(i) ((const void *)(base + h->off[i]))

/* Point the index at the mapped sections; the string tables through offsets that are checked. */
static const char *attach_sections(vs_index *ix, const struct ix_header *h, const char *base)
{
	const uint64_t *name_off = SEC(1), *file_off = SEC(3), *term_off = SEC(7);
	const char **names = vs_index_own(ix, malloc(h->ndocs * sizeof *names));
	const char **files = vs_index_own(ix, malloc(h->ndocs * sizeof *files));
	const char **terms = vs_index_own(ix, malloc((h->nterms ? h->nterms : 1) * sizeof *terms));
	const char **texts = h->len[21] ? vs_index_own(ix, malloc(h->ndocs * sizeof *texts)) : NULL;
	if (!names || !files || !terms || (h->len[21] && !texts))
		return "out of memory";
	for (uint32_t d = 0; texts && d < h->ndocs; d++) {
		uint64_t o = ((const uint64_t *)SEC(22))[d];
		if (o >= h->len[21])
			return "bad document table";
		texts[d] = (const char *)SEC(21) + o;
	}
	ix->doc_source = texts;
	for (uint32_t d = 0; d < h->ndocs; d++) {
		if (name_off[d] >= h->len[0] || file_off[d] >= h->len[2])
			return "bad document table";
		names[d] = (const char *)SEC(0) + name_off[d];
		files[d] = (const char *)SEC(2) + file_off[d];
	}
	for (uint32_t t = 0; t < h->nterms; t++) {
		if (term_off[t] >= h->len[6])
			return "bad term table";
		terms[t] = (const char *)SEC(6) + term_off[t];
	}
	ix->nnz = h->nnz;
	ix->nslots = h->nslots;
	ix->avgdl = h->avgdl;
	ix->doc_names = names;
	ix->doc_files = files;
	ix->doc_line = SEC(4);
	ix->doc_len = SEC(5);
	ix->terms = terms;
	ix->df = SEC(8);
	ix->idf = SEC(9);
	ix->slots = SEC(10);
	ix->doc_ptr = SEC(11);
	ix->doc_term = SEC(12);
	ix->doc_weight = SEC(13);
	ix->doc_count = SEC(14);
	ix->term_ptr = SEC(15);
	ix->term_doc = SEC(16);
	ix->term_weight = SEC(17);
	ix->term_count = SEC(18);
	ix->buckets = h->hash_bits ? SEC(20) : NULL;
	if (h->len[19]) {
		ix->stopwords_blob = (char *)SEC(19);
		ix->nstop_blob = h->len[19];
		ix->stop = vs_stopwords_from_blob(ix->stopwords_blob, ix->nstop_blob);
		if (!ix->stop)
			return "out of memory";
	}
	return NULL;
}

/* The raw terms and postings (version 3, options that drop terms). */
static const char *attach_raw(vs_index *ix, const struct ix_header *h, const char *base)
{
	ix->raw_missing = h->raw_nterms == 0 && vs_index_needs_raw(&ix->opt);
	if (!h->raw_nterms)
		return NULL;
	const uint64_t *off = SEC(24);
	const char **terms = vs_index_own(ix, malloc(h->raw_nterms * sizeof *terms));
	if (!terms)
		return "out of memory";
	for (uint32_t t = 0; t < h->raw_nterms; t++) {
		if (off[t] >= h->len[23])
			return "bad raw term table";
		terms[t] = (const char *)SEC(23) + off[t];
	}
	ix->raw_nterms = (uint32_t)h->raw_nterms;
	ix->raw_nnz = h->raw_nnz;
	ix->raw_terms = terms;
	ix->raw_ptr = SEC(25);
	ix->raw_term = SEC(26);
	ix->raw_count = SEC(27);
	return NULL;
}

#undef SEC

/* Every id below its limit: a piece at a time on every core, each piece's
 * pages let go once read. */
typedef struct ids_job {
	const uint32_t *id;
	uint64_t n, step; /* ids, ids a piece */
	uint32_t limit;
	int bad;
} ids_job;

static void ids_pieces(void *ctx, size_t from, size_t to)
{
	ids_job *j = ctx;
	for (size_t i = from; i < to && !__atomic_load_n(&j->bad, __ATOMIC_RELAXED); i++) {
		uint64_t e0 = (uint64_t)i * j->step, e1 = j->n - e0 < j->step ? j->n : e0 + j->step;
		uint32_t most = 0;
		for (uint64_t e = e0; e < e1; e++)
			most = j->id[e] > most ? j->id[e] : most;
		if (e1 > e0 && most >= j->limit)
			__atomic_store_n(&j->bad, 1, __ATOMIC_RELAXED);
		vs_map_let_go(j->id + e0, (e1 - e0) * 4);
	}
}

static int ids_below(const uint32_t *id, uint64_t n, uint32_t limit)
{
	ids_job j = {id, n, check_step() / 4, limit, 0};
	vs_parallel_ranges((size_t)((n + j.step - 1) / j.step), 1, 0, ids_pieces, &j);
	return !j.bad;
}

static const char *check_postings(const vs_index *ix)
{
	const char *why = check_ptrs(ix->doc_ptr, ix->ndocs, ix->nnz);
	if (!why)
		why = check_ptrs(ix->term_ptr, ix->nterms, ix->nnz);
	if (!why && (!ids_below(ix->doc_term, ix->nnz, ix->nterms) || !ids_below(ix->term_doc, ix->nnz, ix->ndocs)))
		why = "bad posting table";
	if (!why && ix->raw_terms)
		why = check_ptrs(ix->raw_ptr, ix->ndocs, ix->raw_nnz);
	if (!why && ix->raw_terms && !ids_below(ix->raw_term, ix->raw_nnz, ix->raw_nterms))
		why = "bad raw posting table";
	return why;
}

vs_index *vs_index_open(const char *path, vs_error *err)
{
	struct ix_header h;
	size_t len;
	void *map = vs_map_file(path, sizeof(struct ix_header_v1), "index file", &len, err);
	if (!map)
		return NULL;
	const char *why = read_header(map, len, &h);
	if (!why)
		why = check_sections(&h, map, len);
	if (why) {
		vs_unmap_file(map, len);
		vs_fail(err, "%s: %s", path, why);
		return NULL;
	}
	vs_index_options opt;
	options_of(&h, &opt);
	vs_index *ix = vs_index_alloc(h.ndocs, h.nterms, &opt, NULL);
	if (!ix) {
		vs_unmap_file(map, len);
		vs_oom(err);
		return NULL;
	}
	ix->map = map;
	ix->map_len = len;
	why = attach_sections(ix, &h, map);
	if (!why)
		why = attach_raw(ix, &h, map);
	if (!why)
		why = check_postings(ix);
	if (why) {
		vs_index_free(ix);
		vs_fail(err, "%s: %s", path, why);
		return NULL;
	}
	return ix;
}
