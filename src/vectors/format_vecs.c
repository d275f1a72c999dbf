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
 * Version 2 ends with a u32 CRC-32 of each block of the bytes from 128 to
 * the end of the vectors: `verify` and `load --verify` check them all; every
 * open checks the header's CRC and the structure (norms, hash table).
 */
#include "vectors/internal.h"

#include <errno.h>
#include <math.h>
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

const char VS_VECS_MAGIC[8] = {'\x89', 'V', 'E', 'C', 'S', '\r', '\n', '\x1a'};

static uint64_t align_up(uint64_t x, uint64_t a) { return (x + a - 1) / a * a; }

#define VECS_BLOCK (1u << 20)

static uint32_t header_crc(const struct vecs_header *h)
{
	struct vecs_header c = *h;
	c.crc_header = 0;
	return (uint32_t)crc32(0, (const unsigned char *)&c, sizeof c);
}

/* The CRC of each block of the body, read back from what was just written,
 * appended; then the header, with its own CRC, written over the first one. */
static int write_checksums(FILE *f, struct vecs_header *h)
{
	if (fflush(f) != 0)
		return -1;
	int fd = fileno(f);
	unsigned char *buf = malloc(h->block);
	if (!buf)
		return -1;
	int bad = 0;
	for (uint64_t at = HDR_SIZE; at < h->body_end && !bad; at += h->block) {
		size_t n = h->body_end - at < h->block ? (size_t)(h->body_end - at) : h->block;
		bad = pread(fd, buf, n, (off_t)at) != (ssize_t)n;
		uint32_t crc = (uint32_t)crc32(0, buf, (uInt)n);
		bad = bad || fwrite(&crc, 4, 1, f) != 1;
	}
	free(buf);
	h->crc_header = header_crc(h);
	if (bad || fflush(f) != 0 || pwrite(fd, h, sizeof *h, 0) != (ssize_t)sizeof *h)
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
		for (uint64_t at = HDR_SIZE, b = 0; at < h.body_end; at += h.block, b++) {
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

int vs_vecs_write(const vs_vecset *set, const char *path, vs_error *err)
{
	vs_vecset_need_all(set); /* every row is written */
	struct vecs_header h;
	memset(&h, 0, sizeof h);
	memcpy(h.magic, VS_VECS_MAGIC, 8);
	h.version = 2;
	h.header_size = HDR_SIZE;
	h.count = set->count;
	h.dims = set->dims;
	uint64_t wl = 0;
	for (size_t i = 0; i < set->count; i++)
		wl += strlen(set->words[i]) + 1;
	h.words_off = HDR_SIZE;
	h.words_len = wl;
	h.offsets_off = align_up(h.words_off + wl, 8);
	h.nslots = 16;
	while (h.nslots < set->count * 2)
		h.nslots <<= 1;
	h.slots_off = h.offsets_off + 8 * h.count;
	h.norms_off = align_up(h.slots_off + 4 * h.nslots, 4);
	h.vectors_off = align_up(h.norms_off + 4 * h.count, 64);
	h.body_end = h.vectors_off + 4 * h.count * h.dims;
	h.block = VECS_BLOCK;
	h.crc_off = align_up(h.body_end, 4);
	h.file_size = h.crc_off + 4 * ((h.body_end - HDR_SIZE + h.block - 1) / h.block);

	uint64_t *offsets = malloc((set->count ? set->count : 1) * sizeof *offsets);
	uint32_t *slots = calloc(h.nslots, sizeof *slots);
	if (!offsets || !slots) {
		free(offsets);
		free(slots);
		return vs_oom(err);
	}
	uint64_t o = 0, mask = h.nslots - 1;
	for (size_t i = 0; i < set->count; i++) {
		size_t len = strlen(set->words[i]);
		offsets[i] = o;
		o += len + 1;
		uint64_t s = vs_hash_fnv1a(set->words[i], len) & mask;
		while (slots[s])
			s = (s + 1) & mask;
		slots[s] = (uint32_t)i + 1;
	}
	char *tmp;
	FILE *f = vs_tmpfile_open(path, &tmp, err);
	if (!f) {
		free(offsets);
		free(slots);
		return -1;
	}
	static const char zeros[64];
	int bad = fwrite(&h, sizeof h, 1, f) != 1;
	for (size_t i = 0; i < set->count && !bad; i++)
		bad = fwrite(set->words[i], 1, strlen(set->words[i]) + 1, f) != strlen(set->words[i]) + 1;
	bad = bad || fwrite(zeros, 1, h.offsets_off - (h.words_off + wl), f) != h.offsets_off - (h.words_off + wl);
	bad = bad || fwrite(offsets, 8, set->count, f) != set->count;
	bad = bad || fwrite(slots, 4, h.nslots, f) != h.nslots;
	bad = bad || fwrite(zeros, 1, h.norms_off - (h.slots_off + 4 * h.nslots), f) !=
	                 h.norms_off - (h.slots_off + 4 * h.nslots);
	bad = bad || fwrite(set->norms, 4, set->count, f) != set->count;
	bad = bad || fwrite(zeros, 1, h.vectors_off - (h.norms_off + 4 * h.count), f) !=
	                 h.vectors_off - (h.norms_off + 4 * h.count);
	bad = bad || fwrite(set->vectors, 4 * set->dims, set->count, f) != set->count;
	free(offsets);
	free(slots);
	bad = bad || fwrite(zeros, 1, h.crc_off - h.body_end, f) != h.crc_off - h.body_end;
	bad = bad || write_checksums(f, &h) < 0;
	if (bad)
		vs_fail(err, "%s: cannot write: %s", path, strerror(errno));
	return vs_tmpfile_commit(f, tmp, path, bad, err);
}

static int in_file(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* What every open checks, cheaply: norms finite and not negative, hash slots
 * in range, and words (a sample of up to 4096) found through their own slot. */
static const char *check_structure(const struct vecs_header *h, const char *base, const char **words)
{
	const float *norms = (const float *)(base + h->norms_off);
	for (uint64_t i = 0; i < h->count; i++)
		if (!isfinite(norms[i]) || norms[i] < 0)
			return "a norm that is not a finite, non-negative number";
	const uint32_t *slots = (const uint32_t *)(base + h->slots_off);
	for (uint64_t s = 0; s < h->nslots; s++)
		if (slots[s] > h->count)
			return "a hash slot out of range";
	uint64_t step = h->count > 4096 ? h->count / 4096 : 1, mask = h->nslots - 1;
	for (uint64_t i = 0; i < h->count; i += step) {
		size_t len = strlen(words[i]);
		uint64_t s = vs_hash_fnv1a(words[i], len) & mask, probes = 0;
		while (slots[s] && slots[s] != i + 1 && probes++ < h->nslots)
			s = (s + 1) & mask;
		if (slots[s] != i + 1)
			return "a word its hash table does not find";
	}
	return NULL;
}

vs_vecset *vs_vecs_open(const char *path, vs_error *err)
{
	size_t len;
	void *map = vs_map_file(path, HDR_SIZE, ".vecs file", &len, err);
	if (!map)
		return NULL;
	uint64_t size = len;
	const char *base = map;
	struct vecs_header h;
	memcpy(&h, base, sizeof h);
	const char *why = NULL;
	uint64_t at = 0;
	if (memcmp(h.magic, VS_VECS_MAGIC, 8) != 0)
		why = "not a .vecs file (bad magic bytes)";
	else if (h.version != 1 && h.version != 2)
		why = "unsupported .vecs version (this vecsh reads versions 1 and 2)", at = 8;
	else if (h.version == 2 && header_crc(&h) != h.crc_header)
		why = "corrupt header (checksum mismatch)", at = 120;
	else if (h.header_size != HDR_SIZE)
		why = "bad header size", at = 12;
	else if (h.file_size != size)
		why = h.file_size > size ? "truncated .vecs file (shorter than its header says)"
		                         : "the file is longer than its header says", at = 88;
	else if (h.dims == 0 || h.dims > VS_MAX_DIMS)
		why = "bad dimensions in the header", at = 24;
	else if (h.count == 0 || h.count > UINT32_MAX - 1 || h.count > size / 4)
		why = "bad word count in the header", at = 16;
	else if (!in_file(h.words_off, h.words_len, size) || h.words_len == 0 || base[h.words_off + h.words_len - 1])
		why = "bad word table", at = 32;
	else if (h.offsets_off % 8 || !in_file(h.offsets_off, 8 * h.count, size))
		why = "bad word-offset table", at = 48;
	else if (h.nslots < h.count || (h.nslots & (h.nslots - 1)) || h.slots_off % 4 ||
	         h.nslots > size / 4 || !in_file(h.slots_off, 4 * h.nslots, size))
		why = "bad hash table", at = 56;
	else if (h.norms_off % 4 || !in_file(h.norms_off, 4 * h.count, size))
		why = "bad norm table", at = 72;
	else if (h.vectors_off % 64 || h.dims > UINT64_MAX / 4 / h.count ||
	         !in_file(h.vectors_off, 4 * h.count * h.dims, size))
		why = "bad vector table", at = 80;
	else if (h.version == 2 && (h.block == 0 || h.body_end != h.vectors_off + 4 * h.count * h.dims ||
	                            h.crc_off % 4 || h.crc_off < h.body_end ||
	                            !in_file(h.crc_off, 4 * ((h.body_end - HDR_SIZE + h.block - 1) / h.block), size)))
		why = "bad checksum table", at = 96;
	if (why) {
		vs_unmap_file(map, size);
		vs_fail(err, "%s: byte offset %llu: %s", path, (unsigned long long)at, why);
		return NULL;
	}
	vs_vecset *set = calloc(1, sizeof *set);
	const char **words = malloc(h.count * sizeof *words);
	if (!set || !words) {
		free(set);
		free(words);
		vs_unmap_file(map, size);
		vs_oom(err);
		return NULL;
	}
	const uint64_t *offs = (const uint64_t *)(base + h.offsets_off);
	const char *wb = base + h.words_off;
	for (uint64_t i = 0; i < h.count; i++) {
		uint64_t next = i + 1 < h.count ? offs[i + 1] : h.words_len;
		if (offs[i] >= next || next > h.words_len || wb[next - 1] != '\0') {
			free(set);
			free(words);
			vs_unmap_file(map, size);
			vs_fail(err, "%s: byte offset %llu: corrupt word table at word %llu", path,
			        (unsigned long long)(h.offsets_off + 8 * i), (unsigned long long)i + 1);
			return NULL;
		}
		words[i] = wb + offs[i];
	}
	const char *bad = check_structure(&h, base, words);
	if (bad) {
		free(set);
		free(words);
		vs_unmap_file(map, size);
		vs_fail(err, "%s: %s (the file was changed or damaged)", path, bad);
		return NULL;
	}
	set->count = h.count;
	set->dims = h.dims;
	set->words = words;
	set->slots = (const uint32_t *)(base + h.slots_off);
	set->nslots = h.nslots;
	set->norms = (const float *)(base + h.norms_off);
	set->vectors = (const float *)(base + h.vectors_off);
	set->map = map;
	set->map_len = size;
	set->format = h.version < 2 ? "vecs (version 1: no checksums, unverified)" : "vecs";
	set->source = strdup(path);
	if (!set->source) {
		vs_vecset_free(set);
		vs_oom(err);
		return NULL;
	}
	return set;
}
