/* Index files. A header, then 21 sections, each 8-byte aligned:
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
 *
 * All little-endian. The header holds a CRC-32 of itself and one of
 * everything after it; both are checked when the file is opened. */
#include "text/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/core.h"

#define NSEC 21

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

int vs_index_save(const vs_index *ix, const char *path, vs_error *err)
{
	uint32_t nd = ix->ndocs, nt = ix->nterms;
	/* the blobs: names, files, terms, with offset tables */
	size_t nb = 0, fb = 0, tb = 0;
	for (uint32_t d = 0; d < nd; d++)
		nb += strlen(ix->doc_names[d]) + 1;
	for (uint32_t t = 0; t < nt; t++)
		tb += strlen(ix->terms[t]) + 1;
	uint64_t *name_off = malloc((nd ? nd : 1) * 8), *file_off = malloc((nd ? nd : 1) * 8),
	         *term_off = malloc((nt ? nt : 1) * 8);
	char *names = malloc(nb ? nb : 1), *terms = malloc(tb ? tb : 1);
	char *files = NULL;
	int rc = -1;
	if (!name_off || !file_off || !term_off || !names || !terms) {
		vs_fail(err, "out of memory");
		goto out;
	}
	/* files: documents of one file are consecutive, so keep each file once */
	for (uint32_t d = 0; d < nd; d++)
		if (d == 0 || ix->doc_files[d] != ix->doc_files[d - 1])
			fb += strlen(ix->doc_files[d]) + 1;
	files = malloc(fb ? fb : 1);
	if (!files) {
		vs_fail(err, "out of memory");
		goto out;
	}
	for (uint32_t d = 0, o = 0, fo = 0, last = 0; d < nd; d++) {
		size_t l = strlen(ix->doc_names[d]) + 1;
		memcpy(names + o, ix->doc_names[d], l);
		name_off[d] = o;
		o += (uint32_t)l;
		if (d == 0 || ix->doc_files[d] != ix->doc_files[d - 1]) {
			size_t fl = strlen(ix->doc_files[d]) + 1;
			memcpy(files + fo, ix->doc_files[d], fl);
			last = fo;
			fo += (uint32_t)fl;
		}
		file_off[d] = last;
	}
	for (uint32_t t = 0, o = 0; t < nt; t++) {
		size_t l = strlen(ix->terms[t]) + 1;
		memcpy(terms + o, ix->terms[t], l);
		term_off[t] = o;
		o += (uint32_t)l;
	}
	const void *sec[NSEC] = {names, name_off, files, file_off, ix->doc_line, ix->doc_len, terms, term_off,
	                         ix->df, ix->idf, ix->slots, ix->doc_ptr, ix->doc_term, ix->doc_weight,
	                         ix->doc_count, ix->term_ptr, ix->term_doc, ix->term_weight, ix->term_count,
	                         ix->stopwords_blob, ix->buckets};
	uint64_t len[NSEC] = {nb, 8ull * nd, fb, 8ull * nd, 4ull * nd, 4ull * nd, tb, 8ull * nt, 4ull * nt,
	                      8ull * nt, 4ull * ix->nslots, 8ull * (nd + 1ull), 4 * ix->nnz, 4 * ix->nnz,
	                      4 * ix->nnz, 8ull * (nt + 1ull), 4 * ix->nnz, 4 * ix->nnz, 4 * ix->nnz,
	                      ix->stopwords_blob ? ix->nstop_blob : 0, ix->buckets ? 4ull * nt : 0};
	struct ix_header h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, MAGIC, 8);
	h.version = 1;
	h.header_size = sizeof h;
	h.ndocs = nd;
	h.nterms = nt;
	h.nnz = ix->nnz;
	h.nslots = ix->nslots;
	h.avgdl = ix->avgdl;
	h.lines = ix->opt.lines;
	h.ngram_min = ix->opt.ngram_min;
	h.ngram_max = ix->opt.ngram_max;
	h.sublinear = ix->opt.sublinear;
	h.no_smooth = ix->opt.no_smooth;
	h.norm = (int32_t)ix->opt.norm;
	h.hash_bits = ix->opt.hash_bits;
	h.stopwords = ix->opt.stopwords;
	h.min_df = ix->opt.min_df;
	h.max_df = ix->opt.max_df;
	h.min_df_is_prop = ix->opt.min_df_is_prop;
	h.max_df_is_prop = ix->opt.max_df_is_prop;
	h.max_features = ix->opt.max_features;
	uint64_t o = (sizeof h + 7) / 8 * 8;
	uLong crc = crc32(0, NULL, 0);
	static const char zeros[8];
	for (int s = 0; s < NSEC; s++) {
		h.off[s] = o;
		h.len[s] = len[s];
		o = (o + len[s] + 7) / 8 * 8;
	}
	h.file_size = o;
	/* data CRC over the bytes as they will lie in the file, padding included */
	uint64_t pos = (sizeof h + 7) / 8 * 8;
	crc = crc_of(crc, zeros, pos - sizeof h);
	for (int s = 0; s < NSEC; s++) {
		if (len[s])
			crc = crc_of(crc, sec[s], len[s]);
		uint64_t pad = (h.off[s] + len[s] + 7) / 8 * 8 - (h.off[s] + len[s]);
		crc = crc_of(crc, zeros, pad);
	}
	h.crc_data = (uint32_t)crc;
	h.crc_header = 0;
	h.crc_header = (uint32_t)crc32(0, (const unsigned char *)&h, sizeof h);
	char *tmp;
	FILE *f = vs_tmpfile_open(path, &tmp, err);
	if (!f)
		goto out;
	int bad = fwrite(&h, sizeof h, 1, f) != 1;
	bad = bad || fwrite(zeros, 1, (sizeof h + 7) / 8 * 8 - sizeof h, f) != (sizeof h + 7) / 8 * 8 - sizeof h;
	for (int s = 0; s < NSEC && !bad; s++) {
		if (len[s])
			bad = fwrite(sec[s], 1, len[s], f) != len[s];
		uint64_t pad = (h.off[s] + len[s] + 7) / 8 * 8 - (h.off[s] + len[s]);
		bad = bad || fwrite(zeros, 1, pad, f) != pad;
	}
	if (bad)
		vs_fail(err, "%s: cannot write: %s", path, strerror(errno));
	rc = vs_tmpfile_commit(f, tmp, path, bad, err);
out:
	free(name_off), free(file_off), free(term_off), free(names), free(terms), free(files);
	return rc;
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

vs_index *vs_index_open(const char *path, vs_error *err)
{
	struct ix_header h;
	size_t len;
	void *map = vs_map_file(path, sizeof h, "index file", &len, err);
	if (!map)
		return NULL;
	uint64_t size = len;
	const char *base = map;
	memcpy(&h, base, sizeof h);
	const char *why = NULL;
	uint32_t want_crc = h.crc_header;
	h.crc_header = 0;
	if (memcmp(h.magic, MAGIC, 8) != 0)
		why = "not a vecsh index (bad magic bytes)";
	else if (h.version != 1)
		why = "unsupported index version (this vecsh reads version 1)";
	else if (h.header_size != sizeof h)
		why = "bad header size";
	else if ((uint32_t)crc32(0, (const unsigned char *)&h, sizeof h) != want_crc)
		why = "corrupt header (checksum mismatch)";
	else if (h.file_size != size)
		why = h.file_size > size ? "truncated index file (shorter than its header says)"
		                         : "the file is longer than its header says";
	if (!why) {
		uint64_t pos = (sizeof h + 7) / 8 * 8;
		for (int s = 0; s < NSEC && !why; s++) {
			if (h.off[s] != pos || h.len[s] > size - pos)
				why = "bad section table";
			pos = (pos + h.len[s] + 7) / 8 * 8;
		}
		if (!why && pos != size)
			why = "bad section table";
	}
	if (!why) {
		uint64_t nd = h.ndocs, nt = h.nterms;
		uint64_t want[NSEC] = {h.len[0], 8 * nd, h.len[2], 8 * nd, 4 * nd, 4 * nd, h.len[6], 8 * nt, 4 * nt,
		                       8 * nt, 4 * h.nslots, 8 * (nd + 1), 4 * h.nnz, 4 * h.nnz, 4 * h.nnz, 8 * (nt + 1),
		                       4 * h.nnz, 4 * h.nnz, 4 * h.nnz, h.len[19], h.hash_bits ? 4 * nt : 0};
		for (int s = 0; s < NSEC && !why; s++)
			if (h.len[s] != want[s])
				why = "section sizes disagree with the counts";
		if (!why && (nd == 0 || h.nslots < nt || (h.nslots & (h.nslots - 1)) || h.hash_bits < 0 ||
		             h.hash_bits > 28 || h.ngram_min < 1 || h.ngram_max < h.ngram_min || h.norm < 0 || h.norm > 2))
			why = "bad counts or options in the header";
		if (!why && ((h.len[0] && base[h.off[0] + h.len[0] - 1]) || (h.len[2] && base[h.off[2] + h.len[2] - 1]) ||
		             (h.len[6] && base[h.off[6] + h.len[6] - 1]) || (h.len[19] && base[h.off[19] + h.len[19] - 1])))
			why = "bad string table";
	}
	if (!why) {
		uLong crc = crc32(0, NULL, 0);
		crc = crc_of(crc, base + sizeof h, size - sizeof h);
		if ((uint32_t)crc != h.crc_data)
			why = "corrupt index (checksum mismatch)";
	}
	if (why) {
		munmap(map, size);
		vs_fail(err, "%s: %s", path, why);
		return NULL;
	}
	vs_index_options opt;
	vs_index_options_default(&opt);
	opt.lines = h.lines;
	opt.ngram_min = h.ngram_min;
	opt.ngram_max = h.ngram_max;
	opt.sublinear = h.sublinear;
	opt.no_smooth = h.no_smooth;
	opt.norm = (vs_norm)h.norm;
	opt.hash_bits = h.hash_bits;
	opt.stopwords = h.stopwords;
	opt.min_df = h.min_df;
	opt.max_df = h.max_df;
	opt.min_df_is_prop = h.min_df_is_prop;
	opt.max_df_is_prop = h.max_df_is_prop;
	opt.max_features = (size_t)h.max_features;
	vs_index *ix = vs_index_alloc(h.ndocs, h.nterms, &opt, NULL);
	if (!ix) {
		munmap(map, size);
		vs_fail(err, "out of memory");
		return NULL;
	}
	ix->map = map;
	ix->map_len = size;
#define SEC(i) ((const void *)(base + h.off[i]))
	const uint64_t *name_off = SEC(1), *file_off = SEC(3), *term_off = SEC(7);
	const char **names = vs_index_own(ix, malloc(h.ndocs * sizeof *names));
	const char **files = vs_index_own(ix, malloc(h.ndocs * sizeof *files));
	const char **terms = vs_index_own(ix, malloc((h.nterms ? h.nterms : 1) * sizeof *terms));
	if (!names || !files || !terms) {
		vs_index_free(ix);
		vs_fail(err, "out of memory");
		return NULL;
	}
	for (uint32_t d = 0; d < h.ndocs && !why; d++) {
		if (name_off[d] >= h.len[0] || file_off[d] >= h.len[2])
			why = "bad document table";
		else {
			names[d] = (const char *)SEC(0) + name_off[d];
			files[d] = (const char *)SEC(2) + file_off[d];
		}
	}
	for (uint32_t t = 0; t < h.nterms && !why; t++) {
		if (term_off[t] >= h.len[6])
			why = "bad term table";
		else
			terms[t] = (const char *)SEC(6) + term_off[t];
	}
	ix->nnz = h.nnz;
	ix->nslots = h.nslots;
	ix->avgdl = h.avgdl;
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
	ix->buckets = h.hash_bits ? SEC(20) : NULL;
	if (!why)
		why = check_ptrs(ix->doc_ptr, h.ndocs, h.nnz);
	if (!why)
		why = check_ptrs(ix->term_ptr, h.nterms, h.nnz);
	for (uint64_t e = 0; e < h.nnz && !why; e++)
		if (ix->doc_term[e] >= h.nterms || ix->term_doc[e] >= h.ndocs)
			why = "bad posting table";
	if (!why && h.len[19]) {
		ix->stopwords_blob = (char *)SEC(19);
		ix->nstop_blob = h.len[19];
		ix->stop = vs_stopwords_from_blob(ix->stopwords_blob, ix->nstop_blob);
		if (!ix->stop)
			why = "out of memory";
	}
#undef SEC
	if (why) {
		vs_index_free(ix);
		vs_fail(err, "%s: %s", path, why);
		return NULL;
	}
	return ix;
}
