/* The native .vecs format: a file laid out so that opening it is a mmap and
 * a structural check. All integers little-endian.
 *
 *   0  magic "\x89VECS\r\n\x1a"        8 bytes
 *   8  u32 version (1), u32 header size (128)
 *  16  u64 count, u64 dims
 *  32  u64 words offset, u64 words length   NUL-terminated words, in order
 *  48  u64 word-offsets offset              u64[count], start of each word
 *  56  u64 slots offset, u64 slot count     u32[slots]: FNV-1a open addressing,
 *                                           value index + 1, 0 = empty
 *  72  u64 norms offset                     f32[count]
 *  80  u64 vectors offset (64-aligned)      f32[count * dims], row-major
 *  88  u64 file size
 *  96  version 2: u64 checksums offset, u64 block size, u64 end of the
 *      checksummed bytes, u32 CRC-32 of the header (with this field 0), u32 0
 *      (version 1: zero; its files still open, unverified)
 *
 * Version 3 (header size 192) adds, after the vectors:
 * 128  u64 codes offset (64-aligned)        i8[count * stride]: each row's int8
 *                                           codes, stride = dims rounded up to 32
 * 136  u64 code stride
 * 144  u64 code rows offset                 f32[count * 3]: per row s / |x|,
 *                                           |s c| / |x|, |x - s c| / |x| (codes.c)
 * 152  u64 sorted offset                    u32[count]: the words in byte order
 *                                           (for completion)
 * 160  32 bytes zero; the header's CRC (at 120) covers all 192 bytes
 * so that a scan reads the codes and pages in only its candidates' float32
 * rows, and nothing is computed a word at open.
 *
 * Versions 2 and 3 end with a u32 CRC-32 of each block of the bytes from the
 * header's end to the end of the body (the vectors, or the sorted table):
 * `verify` and `load --verify` check them all; every open checks the header's
 * CRC and the structure (norms, hash table, a sample of the codes).
 */
#include "vectors/internal.h"

#include <errno.h>
#include <math.h>
#include <stdatomic.h>
#include <zlib.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error ".vecs files are little-endian; this build assumes a little-endian host"
#endif

#define HDR_SIZE 128
#define HDR3_SIZE 192

struct vecs_header {
	char magic[8];
	uint32_t version, header_size;
	uint64_t count, dims;
	uint64_t words_off, words_len;
	uint64_t offsets_off;
	uint64_t slots_off, nslots;
	uint64_t norms_off;
	uint64_t vectors_off;
	uint64_t file_size;
	uint64_t crc_off, block, body_end;
	uint32_t crc_header, zero;
};

_Static_assert(sizeof(struct vecs_header) == HDR_SIZE, "header layout");

struct vecs_header3 {
	struct vecs_header h;
	uint64_t codes_off, stride, rows_off, sorted_off;
	uint64_t zero[4];
};

_Static_assert(sizeof(struct vecs_header3) == HDR3_SIZE, "version 3 header layout");

const char VS_VECS_MAGIC[8] = {'\x89', 'V', 'E', 'C', 'S', '\r', '\n', '\x1a'};

static uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

#define VECS_BLOCK (1u << 20)

/* The CRC of the header (its first header_size bytes, 128 or 192), with its
 * own CRC field taken as 0. */
static uint32_t header_crc(const struct vecs_header3 *h3)
{
	struct vecs_header3 c = *h3;
	c.h.crc_header = 0;
	size_t n = h3->h.version >= 3 ? HDR3_SIZE : HDR_SIZE;
	return (uint32_t)crc32(0, (const unsigned char *)&c, (uInt)n);
}

/* The CRC of each block of the body, read back from what was just written,
 * appended; then the header, with its own CRC, written over the first one. */
static int write_checksums(FILE *f, struct vecs_header3 *h3)
{
	struct vecs_header *h = &h3->h;
	if (fflush(f) != 0)
		return -1;
	int fd = fileno(f);
	unsigned char *buf = malloc(h->block);
	if (!buf)
		return -1;
	int bad = 0;
	for (uint64_t at = h->header_size; at < h->body_end && !bad; at += h->block) {
		size_t n = h->body_end - at < h->block ? (size_t)(h->body_end - at) : h->block;
		bad = pread(fd, buf, n, (off_t)at) != (ssize_t)n;
		uint32_t crc = (uint32_t)crc32(0, buf, (uInt)n);
		bad = bad || fwrite(&crc, 4, 1, f) != 1;
	}
	free(buf);
	h->crc_header = header_crc(h3);
	if (bad || fflush(f) != 0 || pwrite(fd, h3, h->header_size, 0) != (ssize_t)h->header_size)
		return -1;
	return 0;
}

int vs_vecs_verify(const char *path, vs_vecs_check *out, vs_error *err)
{
	memset(out, 0, sizeof *out);
	vs_vecset *set = vs_vecs_open(path, err);
	if (!set)
		return -1;
	struct vecs_header h;
	memcpy(&h, set->map, sizeof h);
	out->version = (int)h.version;
	int rc = 0;
	if (h.version < 2) {
		rc = vs_fail(err, "%s: a version 1 .vecs file has no checksums (save it again to add them)", path);
	} else {
		const char *base = set->map;
		const uint32_t *crcs = (const uint32_t *)(base + h.crc_off);
		for (uint64_t at = h.header_size, b = 0; at < h.body_end; at += h.block, b++) {
			size_t n = h.body_end - at < h.block ? (size_t)(h.body_end - at) : (size_t)h.block;
			if ((uint32_t)crc32(0, (const unsigned char *)base + at, (uInt)n) != crcs[b]) {
				rc = vs_fail(err, "%s: byte offset %llu: the block of %zu bytes there does not match its checksum "
				                  "(the file was changed or damaged)", path, (unsigned long long)at, n);
				break;
			}
			out->blocks++;
			out->bytes += n;
		}
	}
	vs_vecset_free(set);
	return rc;
}

/* Zero bytes up to offset `to` (the file is at `at`). */
static int pad_to(FILE *f, uint64_t at, uint64_t to)
{
	static const char zeros[64];
	return to < at || to - at > sizeof zeros || fwrite(zeros, 1, to - at, f) != to - at;
}

/* The rows as a file keeps them: set's own (float32), or rounded (stored:
 * dims half floats or int8 values a row, and for int8 a scale a row); the
 * tables (norms, codes, hash, sorted order) are those of `rows`, the set of
 * the rows as they will read back. */
typedef struct stored_rows {
	vs_vec_dtype dtype;
	const vs_vecset *rows;
	const void *data;
	uint64_t data_len;
	const float *scales;
} stored_rows;

static int write_file(const stored_rows *st, const char *path, vs_error *err)
{
	const vs_vecset *set = st->rows;
	const vs_codes *codes = set->codes;
	vs_codes *made = NULL;
	if (!codes && vs_codes_build(set, &made, err) < 0)
		return -1;
	codes = codes ? codes : made;
	const uint32_t *sorted = vs_vecset_sorted((vs_vecset *)set);
	if (!sorted) {
		vs_codes_free(made);
		return vs_oom(err);
	}
	struct vecs_header3 h3;
	struct vecs_header *h = &h3.h;
	memset(&h3, 0, sizeof h3);
	memcpy(h->magic, VS_VECS_MAGIC, 8);
	h->version = st->dtype == VS_VEC_F32 ? 3 : 4;
	h->header_size = HDR3_SIZE;
	h->count = set->count;
	h->dims = set->dims;
	uint64_t wl = 0;
	for (size_t i = 0; i < set->count; i++)
		wl += strlen(vs_vecset_word(set, i)) + 1;
	h->words_off = HDR3_SIZE;
	h->words_len = wl;
	h->offsets_off = align_up(h->words_off + wl, 8);
	h->nslots = 16;
	while (h->nslots < set->count * 2)
		h->nslots <<= 1;
	h->slots_off = h->offsets_off + 8 * h->count;
	h->norms_off = align_up(h->slots_off + 4 * h->nslots, 4);
	h->vectors_off = align_up(h->norms_off + 4 * h->count, 64);
	h3.stride = codes->stride;
	h3.codes_off = align_up(h->vectors_off + st->data_len, 64);
	h3.rows_off = h3.codes_off + h->count * h3.stride;
	h3.sorted_off = h3.rows_off + 12 * h->count;
	h->body_end = h3.sorted_off + 4 * h->count;
	h3.zero[0] = st->dtype; /* version 4: the rows' type, and an int8 file's scales */
	if (st->dtype == VS_VEC_INT8) {
		h3.zero[1] = h->body_end;
		h->body_end += 4 * h->count;
	}
	h->block = VECS_BLOCK;
	h->crc_off = align_up(h->body_end, 4);
	h->file_size = h->crc_off + 4 * ((h->body_end - HDR3_SIZE + h->block - 1) / h->block);

	uint64_t *offsets = malloc((set->count ? set->count : 1) * sizeof *offsets);
	uint32_t *slots = calloc(h->nslots, sizeof *slots);
	if (!offsets || !slots) {
		free(offsets), free(slots), vs_codes_free(made);
		return vs_oom(err);
	}
	uint64_t o = 0, mask = h->nslots - 1;
	for (size_t i = 0; i < set->count; i++) {
		size_t len = strlen(vs_vecset_word(set, i));
		offsets[i] = o;
		o += len + 1;
		uint64_t at = vs_hash_fnv1a(vs_vecset_word(set, i), len) & mask;
		while (slots[at])
			at = (at + 1) & mask;
		slots[at] = (uint32_t)i + 1;
	}
	char *tmp;
	FILE *f = vs_tmpfile_open(path, &tmp, err);
	if (!f) {
		free(offsets), free(slots), vs_codes_free(made);
		return -1;
	}
	int bad = fwrite(&h3, sizeof h3, 1, f) != 1;
	for (size_t i = 0; i < set->count && !bad; i++)
		bad = fwrite(vs_vecset_word(set, i), 1, strlen(vs_vecset_word(set, i)) + 1, f) != strlen(vs_vecset_word(set, i)) + 1;
	bad = bad || pad_to(f, h->words_off + wl, h->offsets_off);
	bad = bad || fwrite(offsets, 8, set->count, f) != set->count;
	bad = bad || fwrite(slots, 4, h->nslots, f) != h->nslots;
	bad = bad || pad_to(f, h->slots_off + 4 * h->nslots, h->norms_off);
	bad = bad || fwrite(set->norms, 4, set->count, f) != set->count;
	bad = bad || pad_to(f, h->norms_off + 4 * h->count, h->vectors_off);
	bad = bad || (st->data_len && fwrite(st->data, st->data_len, 1, f) != 1);
	bad = bad || pad_to(f, h->vectors_off + st->data_len, h3.codes_off);
	bad = bad || fwrite(codes->q, h3.stride, set->count, f) != set->count;
	bad = bad || fwrite(codes->row, 12, set->count, f) != set->count;
	bad = bad || fwrite(sorted, 4, set->count, f) != set->count;
	bad = bad || (st->scales && fwrite(st->scales, 4, set->count, f) != set->count);
	free(offsets);
	free(slots);
	vs_codes_free(made);
	bad = bad || pad_to(f, h->body_end, h->crc_off);
	bad = bad || write_checksums(f, &h3) < 0;
	return vs_tmpfile_finish(f, tmp, path, bad, err);
}

int vs_vecs_write(const vs_vecset *set, const char *path, vs_error *err)
{
	return vs_vecs_write_as(set, path, VS_VEC_F32, err);
}

/* Row i rounded: half floats, or int8 values (round(x / s), s = max |x| /
 * 127) and the scale; out gets the row as it reads back. */
static void round_row(const float *x, size_t dims, vs_vec_dtype dtype, void *data, float *scale, float *out)
{
	if (dtype == VS_VEC_F16) {
		uint16_t *h = data;
		for (size_t d = 0; d < dims; d++)
			out[d] = vs_half_to_float(h[d] = vs_float_to_half(x[d]));
		return;
	}
	int8_t *q = data;
	float m = 0;
	for (size_t d = 0; d < dims; d++)
		m = fabsf(x[d]) > m ? fabsf(x[d]) : m;
	float s = m > 0 ? m / 127.0f : 0;
	for (size_t d = 0; d < dims; d++) {
		float c = s > 0 ? nearbyintf(x[d] / s) : 0;
		q[d] = (int8_t)(c > 127 ? 127 : c < -127 ? -127 : c);
		out[d] = s * (float)q[d];
	}
	*scale = s;
}

/* An int8 file's rows are its scan codes times a scale a row: x' = s c,
 * where the codes of x' must be c itself. Encoding s c gives back c (its
 * largest value is s 127, so the scale comes back to within an ulp); rows
 * where it does not are set to s c' and tried again. */
static int int8_fixed_point(const vs_vecset *set, float *back, const float *scales, vs_vecset **rows, vs_codes **codes,
                            vs_error *err)
{
	size_t n = set->count, dims = set->dims;
	for (int pass = 0; pass < 4; pass++) {
		vs_vecset *r = vs_vecset_with_values(set, back, err);
		vs_codes *c = NULL;
		if (!r || vs_codes_build(r, &c, err) < 0) {
			vs_vecset_free(r);
			return -1;
		}
		size_t moved = 0;
		for (size_t i = 0; i < n; i++) {
			const int8_t *q = c->q + i * c->stride;
			float *x = back + i * dims;
			for (size_t d = 0; d < dims; d++)
				if (x[d] != scales[i] * (float)q[d]) {
					x[d] = scales[i] * (float)q[d];
					moved++;
				}
		}
		if (!moved) {
			*rows = r, *codes = c;
			return 0;
		}
		vs_codes_free(c);
		vs_vecset_free(r);
	}
	return vs_fail(err, "the int8 rounding of %zu x %zu vectors did not settle", n, dims);
}

int vs_vecs_write_as(const vs_vecset *set, const char *path, vs_vec_dtype dtype, vs_error *err)
{
	vs_vecset_need_all(set); /* every row is written */
	if (dtype == VS_VEC_F32) {
		stored_rows st = {VS_VEC_F32, set, set->vectors, 4 * (uint64_t)set->count * set->dims, NULL};
		return write_file(&st, path, err);
	}
	size_t n = set->count, dims = set->dims, esize = dtype == VS_VEC_F16 ? 2 : 1;
	/* f16 keeps every row's halves; int8 keeps only its codes, so one row's values do */
	size_t kept = dtype == VS_VEC_F16 ? n : 1;
	unsigned char *data = malloc(kept * dims * esize + 1);
	float *scales = dtype == VS_VEC_INT8 ? malloc(n * sizeof *scales + 1) : NULL;
	float *back = malloc(n * dims * sizeof *back + 1);
	if (!data || !back || (dtype == VS_VEC_INT8 && !scales)) {
		free(data), free(scales), free(back);
		return vs_fail(err, "out of memory for the rounded rows of %zu x %zu vectors", n, dims);
	}
	for (size_t i = 0; i < n; i++)
		round_row(set->vectors + i * dims, dims, dtype, data + (kept == n ? i * dims * esize : 0),
		          scales ? scales + i : NULL, back + i * dims);
	/* the set as it reads back: its norms, codes and order are the file's
	 * (an int8 file keeps no other table of its values than its codes) */
	vs_vecset *rows = NULL;
	vs_codes *codes = NULL;
	int rc = -1;
	if (dtype == VS_VEC_INT8 ? int8_fixed_point(set, back, scales, &rows, &codes, err) == 0
	                         : (rows = vs_vecset_with_values(set, back, err)) != NULL) {
		rows->codes = codes;
		stored_rows st = {dtype, rows, dtype == VS_VEC_F16 ? data : NULL,
		                  dtype == VS_VEC_F16 ? (uint64_t)n * dims * 2 : 0, scales};
		rc = write_file(&st, path, err);
	}
	free(back);
	vs_vecset_free(rows); /* (and its codes) */
	free(data), free(scales);
	return rc;
}

static int in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* What every open checks of the per-word tables, on a sample (up to 64
 * words: an open does nothing a word, so that 2 million open in a few
 * milliseconds): the words found through their own hash slot, norms finite
 * and not negative, sorted entries in range. Everywhere else a word's table
 * entries are checked where they are read (vs_vecset_word, vs_vecset_find);
 * --verify checks every block's checksum. */
static const char *check_structure(const vs_vecset *set)
{
	uint64_t step = set->count > 64 ? set->count / 64 : 1, mask = set->nslots - 1;
	for (uint64_t i = 0; i < set->count; i += step) {
		const char *w = vs_vecset_word(set, i);
		uint64_t s = vs_hash_fnv1a(w, strlen(w)) & mask, probes = 0;
		while (set->slots[s] && set->slots[s] != i + 1 && probes++ < set->nslots)
			s = (s + 1) & mask;
		if (set->word_offs[i] >= set->word_table_len || set->slots[s] != i + 1)
			return "a word its hash table does not find";
		if (!isfinite(set->norms[i]) || set->norms[i] < 0)
			return "a norm that is not a finite, non-negative number";
		if (set->sorted && set->sorted[i] >= set->count)
			return "a sorted-word entry out of range";
	}
	return NULL;
}

/* Version 3's codes: a sample (up to 64 rows) what encoding their rows
 * gives; the mapped codes. */
static const char *check_codes(const struct vecs_header3 *h3, const char *base, vs_codes **out)
{
	const struct vecs_header *h = &h3->h;
	float *made = h->version >= 4 ? malloc(h->dims * sizeof *made) : NULL;
	if (h->version >= 4 && !made)
		return "no memory to check the codes";
	const int8_t *q = (const int8_t *)(base + h3->codes_off);
	const float *rows = (const float *)(base + h3->rows_off);
	const float *vectors = (const float *)(base + h->vectors_off), *norms = (const float *)(base + h->norms_off);
	uint64_t step = h->count > 64 ? h->count / 64 : 1;
	for (uint64_t i = 0; i < h->count; i += step) {
		const float *x = vectors + i * h->dims;
		if (made) { /* the row as it reads back from its rounded values */
			const void *at = base + h->vectors_off;
			for (uint64_t d = 0; d < h->dims; d++)
				made[d] = h3->zero[0] == VS_VEC_F16
				          ? vs_half_to_float(((const uint16_t *)at)[i * h->dims + d])
				          : ((const float *)(base + h3->zero[1]))[i] * (float)q[i * h3->stride + d];
			x = made;
		}
		if (vs_codes_check_row(x, h->dims, norms[i], q + i * h3->stride, rows + 3 * i) < 0) {
			free(made);
			return "codes that do not match their rows";
		}
	}
	free(made);
	vs_codes *c = calloc(1, sizeof *c);
	if (!c)
		return "no memory for the codes";
	c->count = h->count;
	c->dims = h->dims;
	c->stride = h3->stride;
	c->q = q;
	c->row = rows;
	*out = c;
	return NULL;
}

/* What is wrong with a header (and the byte offset of the field), or NULL:
 * the magic, version, CRC, sizes, and every table inside the file. */
static const char *check_header(const struct vecs_header3 *h3, const char *base, uint64_t size, uint64_t *at)
{
	struct vecs_header h = h3->h;
	uint64_t hsize = h.version >= 3 ? HDR3_SIZE : HDR_SIZE;
	const char *why = NULL;
	*at = 0;
	/* version 4: the rows rounded (zero[0] their type; an int8 file's scales at zero[1]) */
	uint64_t dtype = h.version >= 4 ? h3->zero[0] : VS_VEC_F32;
	uint64_t esize = dtype == VS_VEC_F16 ? 2 : dtype == VS_VEC_INT8 ? 0 : 4; /* (int8 rows are the codes) */
	uint64_t end = h.version >= 3 ? h3->sorted_off + 4 * h.count : h.vectors_off + 4 * h.count * h.dims;
	if (memcmp(h.magic, VS_VECS_MAGIC, 8) != 0)
		why = "not a .vecs file (bad magic bytes)";
	else if (h.version < 1 || h.version > 4)
		why = "unsupported .vecs version (this vecsh reads versions 1 to 4)", *at = 8;
	else if (h.header_size != hsize || size < hsize)
		why = "bad header size", *at = 12;
	else if (h.version >= 2 && header_crc(h3) != h.crc_header)
		why = "corrupt header (checksum mismatch)", *at = 120;
	else if (h.file_size != size)
		why = h.file_size > size ? "truncated .vecs file (shorter than its header says)"
		                         : "the file is longer than its header says", *at = 88;
	else if (h.dims == 0 || h.dims > VS_MAX_DIMS)
		why = "bad dimensions in the header", *at = 24;
	else if (h.count == 0 || h.count > UINT32_MAX - 1 || h.count > size / 4)
		why = "bad word count in the header", *at = 16;
	else if (!in_file(h.words_off, h.words_len, size) || h.words_len == 0 || base[h.words_off + h.words_len - 1])
		why = "bad word table", *at = 32;
	else if (h.offsets_off % 8 || !in_file(h.offsets_off, 8 * h.count, size))
		why = "bad word-offset table", *at = 48;
	else if (h.nslots < h.count || (h.nslots & (h.nslots - 1)) || h.slots_off % 4 ||
	         h.nslots > size / 4 || !in_file(h.slots_off, 4 * h.nslots, size))
		why = "bad hash table", *at = 56;
	else if (h.norms_off % 4 || !in_file(h.norms_off, 4 * h.count, size))
		why = "bad norm table", *at = 72;
	else if (h.version >= 4 && ((dtype != VS_VEC_F16 && dtype != VS_VEC_INT8) || h3->zero[2] || h3->zero[3] ||
	                            (dtype == VS_VEC_F16 && h3->zero[1])))
		why = "bad row type (version 4)", *at = 160;
	else if (h.vectors_off % 64 || h.dims > UINT64_MAX / 4 / h.count ||
	         !in_file(h.vectors_off, esize * h.count * h.dims, size))
		why = "bad vector table", *at = 80;
	else if (h.version >= 3 && (h3->stride != vs_codes_stride(h.dims) || h3->codes_off % 64 ||
	                            h3->stride > UINT64_MAX / h.count || !in_file(h3->codes_off, h3->stride * h.count, size)))
		why = "bad code table", *at = 128;
	else if (h.version >= 3 && (h3->rows_off % 4 || !in_file(h3->rows_off, 12 * h.count, size)))
		why = "bad code-row table", *at = 144;
	else if (h.version >= 3 && (h3->sorted_off % 4 || !in_file(h3->sorted_off, 4 * h.count, size)))
		why = "bad sorted-word table", *at = 152;
	else if (dtype == VS_VEC_INT8 && (h3->zero[1] != end || !in_file(end, 4 * h.count, size)))
		why = "bad scale table", *at = 168;
	else if (h.version >= 2 &&
	         (h.block == 0 || h.body_end != end + (dtype == VS_VEC_INT8 ? 4 * h.count : 0) ||
	          h.crc_off % 4 || h.crc_off < h.body_end ||
	          !in_file(h.crc_off, 4 * ((h.body_end - hsize + h.block - 1) / h.block), size)))
		why = "bad checksum table", *at = 96;
	return why;
}

/* Open a .vecs file: map it, check the header, point at the words, check
 * the structure (and a version 3 file's codes), then the set over the map. */
vs_vecset *vs_vecs_open(const char *path, vs_error *err)
{
	size_t len;
	void *map = vs_map_file(path, HDR_SIZE, ".vecs file", &len, err);
	if (!map)
		return NULL;
	uint64_t size = len, at;
	const char *base = map;
	struct vecs_header3 h3;
	memset(&h3, 0, sizeof h3);
	memcpy(&h3, base, size < HDR3_SIZE ? HDR_SIZE : HDR3_SIZE);
	const struct vecs_header h = h3.h;
	const char *why = check_header(&h3, base, size, &at);
	if (why) {
		vs_unmap_file(map, size);
		vs_fail(err, "%s: byte offset %llu: %s", path, (unsigned long long)at, why);
		return NULL;
	}
	vs_vecset *set = calloc(1, sizeof *set);
	if (!set) {
		vs_unmap_file(map, size);
		vs_oom(err);
		return NULL;
	}
	set->count = h.count;
	set->dims = h.dims;
	set->word_offs = (const uint64_t *)(base + h.offsets_off);
	set->word_table = base + h.words_off;
	set->word_table_len = h.words_len;
	set->slots = (const uint32_t *)(base + h.slots_off);
	set->nslots = h.nslots;
	set->norms = (const float *)(base + h.norms_off);
	set->vectors = (const float *)(base + h.vectors_off);
	if (h.version >= 3)
		set->sorted = (const uint32_t *)(base + h3.sorted_off);
	vs_codes *codes = NULL;
	const char *bad = check_structure(set);
	if (!bad && h.version >= 3)
		bad = check_codes(&h3, base, &codes);
	if (bad) {
		free(set);
		vs_unmap_file(map, size);
		vs_fail(err, "%s: %s (the file was changed or damaged)", path, bad);
		return NULL;
	}
	set->codes = codes;
	set->map = map;
	set->map_len = size;
	if (h.version >= 4 && vs_vecset_defer_stored(set, (vs_vec_dtype)h3.zero[0],
	                                             h3.zero[0] == VS_VEC_F16 ? (const void *)(base + h.vectors_off)
	                                                                      : (const void *)(base + h3.codes_off),
	                                             h3.stride, (const float *)(base + h3.zero[1]), err) < 0) {
		vs_vecset_free(set);
		return NULL;
	}
	set->format = h.version < 2 ? "vecs (version 1: no checksums, unverified)"
	              : h.version >= 4 && h3.zero[0] == VS_VEC_F16 ? "vecs (f16: rounded when saved)"
	              : h.version >= 4 ? "vecs (int8: rounded when saved)" : "vecs";
	set->source = strdup(path);
	if (!set->source) {
		vs_vecset_free(set);
		vs_oom(err);
		return NULL;
	}
	return set;
}
