/* Exact scans that read a quarter of the bytes: every row is also kept as
 * int8 codes with a scale (x ~ s c), and a query as int16 codes (q ~ t d).
 * The integer dot d.c is exact, so for a unit query and a row of norm |x|
 *
 *   q.x / |x| = s t (d.c) / |x|  +  s (u.c) / |x|  +  q.r / |x|
 *
 * where u = q - t d and r = x - s c are the two rounding residues, and by
 * Cauchy-Schwarz the last two terms are at most |u| |s c| / |x| and |r| / |x|
 * (both kept per row, rounded up). A scan of the codes gives each row an
 * interval that holds its cosine; any row whose interval reaches the k-th
 * best lower bound is a candidate, and the candidates' float32 cosines,
 * computed as the brute force computes them, decide. Nothing outside the
 * candidates can enter the top k, so the answer is the brute force's.
 * nn first reads only the codes' high four bits, whose intervals hold the
 * int8 ones (see dots4), and bounds its candidates again from their int8
 * codes before the float32 cosines. */
#include "vectors/internal.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define VS_X86 1
#endif

/* Sets smaller than this many floats are scanned in float32 (already fast);
 * `set scan codes` forces codes on any set, `set scan float` turns them off. */
#define CODES_MIN_FLOATS ((size_t)8 << 20)
#define BLOCK 4096

static vs_scan_policy scan_policy = VS_SCAN_AUTO;
static _Thread_local size_t last_candidates;

static void set_last_candidates(size_t n) { last_candidates = n; }
size_t vs_codes_last_candidates(void) { return last_candidates; }

void vs_set_scan_policy(vs_scan_policy p) { scan_policy = p; }
vs_scan_policy vs_get_scan_policy(void) { return scan_policy; }

size_t vs_codes_stride(size_t dims) { return (dims + 31) / 32 * 32; }

/* ---- Making the codes of a row */

static float round_up(double x)
{
	float f = (float)x;
	return (double)f < x ? nextafterf(f, INFINITY) : f;
}

/* A row's codes c = round(x / s), s = max |x| / 127, in float32: the
 * product s c rounds by at most 2^-24 |s c| a value and the subtraction
 * x - fl(s c) is exact (the two are within a factor of two, or c is 0), so
 * |x - s c| <= |r| + 2^-24 |s c| with r the float residue; the float sums of
 * squares are within dims ulps. Returns the sums of r^2 and (s c)^2. */
static void encode_plain(const float *x, size_t dims, float s, float inv, int8_t *c, float *rr, float *cc)
{
	float r2 = 0, c2 = 0;
	for (size_t d = 0; d < dims; d++) {
		float v = nearbyintf(x[d] * inv);
		v = v > 127 ? 127 : v < -127 ? -127 : v;
		c[d] = (int8_t)v;
		float sc = s * v, r = x[d] - sc;
		r2 += r * r;
		c2 += sc * sc;
	}
	*rr = r2;
	*cc = c2;
}

#ifdef VS_X86
__attribute__((target("avx2"))) static float hsum_ps(__m256 v)
{
	__m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
	s = _mm_add_ps(s, _mm_movehl_ps(s, s));
	s = _mm_add_ss(s, _mm_movehdup_ps(s));
	return _mm_cvtss_f32(s);
}

__attribute__((target("avx2"))) static void encode_avx2(const float *x, size_t dims, float s, float inv, int8_t *c,
                                                        float *rr, float *cc)
{
	__m256 vs = _mm256_set1_ps(s), vi = _mm256_set1_ps(inv), hi = _mm256_set1_ps(127), lo = _mm256_set1_ps(-127);
	__m256 r2 = _mm256_setzero_ps(), c2 = r2;
	size_t d = 0;
	for (; d + 8 <= dims; d += 8) {
		__m256 xv = _mm256_loadu_ps(x + d);
		__m256 v = _mm256_round_ps(_mm256_mul_ps(xv, vi), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
		v = _mm256_max_ps(_mm256_min_ps(v, hi), lo);
		__m256 sc = _mm256_mul_ps(vs, v), r = _mm256_sub_ps(xv, sc);
		r2 = _mm256_add_ps(r2, _mm256_mul_ps(r, r));
		c2 = _mm256_add_ps(c2, _mm256_mul_ps(sc, sc));
		__m256i i32 = _mm256_cvtps_epi32(v);
		__m128i i16 = _mm_packs_epi32(_mm256_castsi256_si128(i32), _mm256_extracti128_si256(i32, 1));
		_mm_storel_epi64((__m128i *)(c + d), _mm_packs_epi16(i16, i16));
	}
	float tr, tc;
	encode_plain(x + d, dims - d, s, inv, c + d, &tr, &tc);
	*rr = hsum_ps(r2) + tr;
	*cc = hsum_ps(c2) + tc;
}
#endif

static float max_abs(const float *x, size_t dims)
{
	float m = 0;
	for (size_t d = 0; d < dims; d++) {
		float a = fabsf(x[d]);
		m = a > m ? a : m;
	}
	return m;
}

/* Codes and the three per-row numbers of row x (norm as the set keeps it). */
static void encode_row(const float *x, size_t dims, size_t stride, float norm, int avx2, int8_t *c, float *row)
{
	float m = max_abs(x, dims);
	memset(c, 0, stride);
	row[1] = row[2] = 0;
	if (!(m > 0)) {
		row[0] = NAN; /* a zero row: the brute force's cosine is NaN (or 0 by vs_score_rule) */
		return;
	}
	float s = m / 127.0f, inv = 127.0f / m;
	if (!(norm > 0) || !isfinite(norm) || !isfinite(m) || !(s > 0) || !isfinite(inv)) {
		row[0] = INFINITY; /* a norm that under- or overflowed: no bound, always computed */
		return;
	}
	float rr, cc;
#ifdef VS_X86
	if (avx2)
		encode_avx2(x, dims, s, inv, c, &rr, &cc);
	else
#endif
		encode_plain(x, dims, s, inv, c, &rr, &cc);
	(void)avx2;
	/* the float sums' own rounding: (dims + 2) ulps, and the products' */
	double grow = 1 + (double)(dims + 4) * 0x1p-23;
	double cn = sqrt((double)cc * grow), rn = sqrt((double)rr * grow) + 0x1p-23 * cn;
	row[0] = (float)((double)s / norm);
	row[1] = round_up(cn / norm * (1 + 0x1p-40));
	row[2] = round_up(rn / norm * (1 + 0x1p-40));
}

static int have_avx2(void)
{
#ifdef VS_X86
	static int avx2 = -1;
	if (avx2 < 0)
		avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
	return avx2;
#else
	return 0;
#endif
}

int vs_codes_check_row(const float *x, size_t dims, float norm, const int8_t *c, const float *row)
{
	size_t stride = vs_codes_stride(dims);
	int8_t *mine = malloc(stride);
	float r[3];
	if (!mine)
		return 0; /* nothing to compare with: taken as it is */
	encode_row(x, dims, stride, norm, have_avx2(), mine, r);
	int same = memcmp(mine, c, stride) == 0;
	free(mine);
	if (isnan(r[0]) || isinf(r[0]))
		return same && (isnan(r[0]) ? isnan(row[0]) : isinf(row[0])) ? 0 : -1;
	/* the sums of squares may be added in another order (another machine's
	 * path): each is an upper bound with its own room, so allow 1e-5 */
	return same && row[0] == r[0] && row[1] >= r[1] * (1 - 1e-5f) && row[2] >= r[2] * (1 - 1e-5f) ? 0 : -1;
}

typedef struct build_ctx {
	const vs_vecset *set;
	vs_codes *codes;
} build_ctx;

static void build_range(void *arg, size_t from, size_t to)
{
	build_ctx *b = arg;
	size_t dims = b->set->dims, stride = b->codes->stride;
	for (size_t i = from; i < to; i++)
		encode_row(b->set->vectors + i * dims, dims, stride, b->set->norms[i], have_avx2(),
		           b->codes->own_q + i * stride, b->codes->own_row + 3 * i);
}

int vs_codes_build(const vs_vecset *set, vs_codes **out, vs_error *err)
{
	size_t stride = vs_codes_stride(set->dims);
	vs_codes *c = calloc(1, sizeof *c);
	if (!c || set->count > SIZE_MAX / stride)
		return free(c), vs_fail(err, "out of memory for the codes of %zu vectors", set->count);
	c->count = set->count;
	c->dims = set->dims;
	c->stride = stride;
	c->own_q = malloc(set->count * stride);
	c->own_row = malloc(set->count * 3 * sizeof *c->own_row);
	if (!c->own_q || !c->own_row) {
		vs_codes_free(c);
		return vs_fail(err, "out of memory for the codes of %zu vectors", set->count);
	}
	build_ctx b = {set, c};
	vs_parallel_ranges(set->count, 4096, 0, build_range, &b);
	c->q = c->own_q;
	c->row = c->own_row;
	*out = c;
	return 0;
}

void vs_codes_free(vs_codes *c)
{
	if (!c)
		return;
	free(c->own_q);
	free(c->own_row);
	free(c->nib);
	free(c->cols);
	free(c);
}

const char *vs_codes_state(const vs_vecset *set)
{
	if (scan_policy == VS_SCAN_FLOAT)
		return "float32 (set scan float)";
	static const char made[] = "int8 codes (made on the first scan; nn: their high bits first), then float32";
	if (set->codes)
		return set->codes->own_q ? made : "int8 codes (from the file; nn: their high bits first), then float32";
	if (scan_policy == VS_SCAN_AUTO && set->count * set->dims < CODES_MIN_FLOATS)
		return "float32 (a small set)";
	return made;
}

/* The set's codes, made on first use when the policy asks for them over the
 * first n rows; NULL means scan in float32. */
static const vs_codes *codes_for(const vs_vecset *set, size_t n)
{
	if (scan_policy == VS_SCAN_FLOAT || n == 0)
		return NULL;
	if (!set->codes && scan_policy == VS_SCAN_AUTO && n * set->dims < CODES_MIN_FLOATS)
		return NULL; /* a small set: its codes are used when a .vecs file has them */
	if (!set->codes) {
		vs_error ignored;
		vs_codes *c;
		vs_vecset_need_all(set); /* (codes are made from every row) */
		if (vs_codes_build(set, &c, &ignored) < 0)
			return NULL; /* no memory for codes: the float32 scan still answers */
		((vs_vecset *)set)->codes = c;
	}
	return set->codes;
}

/* ---- The query's codes */

typedef struct query_codes {
	int16_t *d;    /* stride values */
	double t;      /* q / |q| ~ t d */
	float unorm;   /* |q / |q| - t d|, rounded up */
	int64_t off;   /* for the high bits' pass: 128 times the sum of d, */
	int64_t lneg;  /* 15 times the sum of its negative values */
	int64_t lpos;  /* and of its positive ones */
} query_codes;

static int encode_query(const float *q, size_t dims, size_t stride, query_codes *out)
{
	double n = 0, m = 0;
	for (size_t d = 0; d < dims; d++) {
		n += (double)q[d] * q[d];
		m = fabs(q[d]) > m ? fabs(q[d]) : m;
	}
	n = sqrt(n);
	if (!(n > 0) || !isfinite(n))
		return -1;
	/* the int32 sums must not overflow: stride products of at most 127 |d|
	 * (the lanes' sums and their total; a bound below 16383 only past 1,024
	 * dimensions) */
	double lim = (double)INT32_MAX / (127.0 * (double)stride);
	double top = lim < 16383 ? floor(lim) : 16383;
	out->d = calloc(stride, sizeof *out->d);
	if (!out->d)
		return -1;
	out->t = m / n / top;
	double uu = 0;
	for (size_t d = 0; d < dims; d++) {
		double v = q[d] / n;
		long c = lrint(v / out->t);
		out->d[d] = (int16_t)c;
		double u = v - out->t * (double)c;
		uu += u * u;
	}
	out->unorm = round_up(sqrt(uu) * (1 + 1e-12));
	int64_t sum = 0, neg = 0, pos = 0;
	for (size_t d = 0; d < dims; d++) {
		sum += out->d[d];
		neg += out->d[d] < 0 ? out->d[d] : 0;
		pos += out->d[d] > 0 ? out->d[d] : 0;
	}
	out->off = 128 * sum;
	out->lneg = 15 * neg;
	out->lpos = 15 * pos;
	return 0;
}

/* ---- The integer dot products of a block of rows */

static void dots_plain(const int8_t *c, size_t stride, const int16_t *d, size_t rows, int32_t *out)
{
	for (size_t i = 0; i < rows; i++) {
		int32_t s = 0;
		for (size_t j = 0; j < stride; j++)
			s += (int32_t)c[i * stride + j] * d[j];
		out[i] = s;
	}
}

#ifdef VS_X86
__attribute__((target("avx2"))) static inline int32_t hsum(__m256i v)
{
	__m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
	s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
	return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2"))) static void dots_avx2(const int8_t *c, size_t stride, const int16_t *d, size_t rows,
                                                      int32_t *out)
{
	size_t i = 0;
	for (; i + 4 <= rows; i += 4) {
		const int8_t *r = c + i * stride;
		for (size_t p = 0; p < 4 * stride; p += 64)
			_mm_prefetch((const char *)r + 16 * stride + p, _MM_HINT_T0);
		__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
		for (size_t j = 0; j < stride; j += 16) {
			__m256i q = _mm256_loadu_si256((const __m256i *)(d + j));
			a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(q, _mm256_cvtepi8_epi16(
			                                                   _mm_loadu_si128((const __m128i *)(r + j)))));
			a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(q, _mm256_cvtepi8_epi16(_mm_loadu_si128(
			                                                   (const __m128i *)(r + stride + j)))));
			a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(q, _mm256_cvtepi8_epi16(_mm_loadu_si128(
			                                                   (const __m128i *)(r + 2 * stride + j)))));
			a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(q, _mm256_cvtepi8_epi16(_mm_loadu_si128(
			                                                   (const __m128i *)(r + 3 * stride + j)))));
		}
		out[i] = hsum(a0);
		out[i + 1] = hsum(a1);
		out[i + 2] = hsum(a2);
		out[i + 3] = hsum(a3);
	}
	for (; i < rows; i++) { /* the last rows (and single rows: refine's) one at a time */
		__m256i a = _mm256_setzero_si256();
		for (size_t j = 0; j < stride; j += 16)
			a = _mm256_add_epi32(a, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(d + j)),
			                                          _mm256_cvtepi8_epi16(_mm_loadu_si128(
			                                              (const __m128i *)(c + i * stride + j)))));
		out[i] = hsum(a);
	}
}
#endif

/* Integer arithmetic: every path gives the same sums. */
static void dots(const int8_t *c, size_t stride, const int16_t *d, size_t rows, int32_t *out)
{
#ifdef VS_X86
	if (have_avx2()) {
		dots_avx2(c, stride, d, rows, out);
		return;
	}
#endif
	dots_plain(c, stride, d, rows, out);
}

/* ---- The same over the codes' high four bits (half the bytes)
 *
 * A code is c = 16 h + l with h = floor(c / 16) in [-8, 7] and l in [0, 15],
 * so d.c = 16 (d.h) + d.l, and d.l lies between 15 times the sum of d's
 * negative values and 15 times the sum of its positive ones whatever the
 * row. The high bits alone give every row an interval that holds its int8
 * interval: a first pass over half the bytes, the int8 codes read only for
 * the rows it leaves. Stored as u = h + 8 in [0, 15], two a byte: byte j of
 * a block of 32 codes holds code j in its low four bits and code j + 16 in
 * its high ones. */

/* Rows from..to of the first pass's tables: the high bits, and the rows'
 * three numbers as columns (so that highs4 reads them eight at a time). */
static void first_pass_range(void *arg, size_t from, size_t to)
{
	vs_codes *c = arg;
	size_t half = c->stride / 2;
	for (size_t i = from; i < to; i++)
		for (int k = 0; k < 3; k++)
			c->cols[k * c->count + i] = c->row[3 * i + k];
	for (size_t i = from; i < to; i++) {
		const int8_t *q = c->q + i * c->stride;
		uint8_t *o = c->nib + i * half;
		for (size_t b = 0; b < c->stride; b += 32) {
#ifdef VS_X86 /* (SSE2: c + 128 is c with its top bit flipped; four-bit values shifted within their bytes) */
			const __m128i flip = _mm_set1_epi8((char)0x80), low = _mm_set1_epi8(15);
			__m128i a = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(q + b)), flip);
			__m128i z = _mm_xor_si128(_mm_loadu_si128((const __m128i *)(q + b + 16)), flip);
			a = _mm_and_si128(_mm_srli_epi16(a, 4), low);
			z = _mm_and_si128(_mm_srli_epi16(z, 4), low);
			_mm_storeu_si128((__m128i *)(o + b / 2), _mm_or_si128(a, _mm_slli_epi16(z, 4)));
#else
			for (size_t j = 0; j < 16; j++) /* (c + 128) / 16 = floor(c / 16) + 8 */
				o[b / 2 + j] = (uint8_t)(((q[b + j] + 128) >> 4) | (((q[b + 16 + j] + 128) >> 4) << 4));
#endif
		}
	}
}

/* The high bits of every code, made once (NULL when there is no memory:
 * the int8 pass alone still answers). */
static const uint8_t *nibbles_of(vs_codes *c)
{
	if (!c->nib && c->count <= SIZE_MAX / c->stride) {
		size_t bytes = c->count * (c->stride / 2) + 1;
		c->nib = malloc(bytes);
		c->cols = malloc(3 * c->count * sizeof *c->cols + 1);
		if (c->nib && c->cols) {
			vs_advise_huge(c->nib, bytes); /* (fresh pages cost more than the work) */
			vs_parallel_ranges(c->count, 4096, 0, first_pass_range, c);
		} else {
			free(c->nib);
			free(c->cols);
			c->nib = NULL;
			c->cols = NULL;
		}
	}
	return c->nib;
}

static void dots4_plain(const uint8_t *n, size_t half, const int16_t *d, size_t rows, int32_t *out)
{
	for (size_t i = 0; i < rows; i++) {
		const uint8_t *r = n + i * half;
		int32_t s = 0;
		for (size_t b = 0; b < half; b += 16)
			for (size_t j = 0; j < 16; j++)
				s += (int32_t)(r[b + j] & 15) * d[2 * b + j] + (int32_t)(r[b + j] >> 4) * d[2 * b + 16 + j];
		out[i] = s;
	}
}

#ifdef VS_X86
__attribute__((target("avx2"))) static inline __m256i dot4_block(const uint8_t *r, __m256i qlo, __m256i qhi, __m128i m)
{
	__m128i v = _mm_loadu_si128((const __m128i *)r);
	__m256i lo = _mm256_cvtepu8_epi16(_mm_and_si128(v, m));
	__m256i hi = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(v, 4), m));
	return _mm256_add_epi32(_mm256_madd_epi16(lo, qlo), _mm256_madd_epi16(hi, qhi));
}

__attribute__((target("avx2"))) static void dots4_avx2(const uint8_t *n, size_t half, const int16_t *d, size_t rows,
                                                       int32_t *out)
{
	const __m128i m = _mm_set1_epi8(15);
	size_t i = 0;
	for (; i + 4 <= rows; i += 4) {
		const uint8_t *r = n + i * half;
		for (size_t p = 0; p < 4 * half; p += 64)
			_mm_prefetch((const char *)r + 16 * half + p, _MM_HINT_T0);
		__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
		for (size_t b = 0; b < half; b += 16) {
			__m256i qlo = _mm256_loadu_si256((const __m256i *)(d + 2 * b));
			__m256i qhi = _mm256_loadu_si256((const __m256i *)(d + 2 * b + 16));
			a0 = _mm256_add_epi32(a0, dot4_block(r + b, qlo, qhi, m));
			a1 = _mm256_add_epi32(a1, dot4_block(r + half + b, qlo, qhi, m));
			a2 = _mm256_add_epi32(a2, dot4_block(r + 2 * half + b, qlo, qhi, m));
			a3 = _mm256_add_epi32(a3, dot4_block(r + 3 * half + b, qlo, qhi, m));
		}
		out[i] = hsum(a0);
		out[i + 1] = hsum(a1);
		out[i + 2] = hsum(a2);
		out[i + 3] = hsum(a3);
	}
	dots4_plain(n + i * half, half, d, rows - i, out + i);
}
#endif

static void dots4(const uint8_t *n, size_t half, const int16_t *d, size_t rows, int32_t *out)
{
#ifdef VS_X86
	if (have_avx2()) {
		dots4_avx2(n, half, d, rows, out);
		return;
	}
#endif
	dots4_plain(n, half, d, rows, out);
}

/* ---- Bounds */

typedef struct scan {
	const vs_codes *codes;
	const uint8_t *nib;  /* the codes' high bits: nn's first pass (NULL: int8) */
	query_codes qc;
	float slack; /* the brute force's own float32 rounding, and ours */
	size_t n;    /* rows scanned */
	const long *ex;
	size_t nex;
	size_t k;
	float zero;  /* the score of a zero row: NaN (skipped) or 0 */
} scan;

/* Row i's cosine interval from the bounds dlo <= d.c <= dhi of its integer
 * dot (equal for the int8 codes). The float steps are monotone, so a wider
 * integer interval gives a wider cosine interval. */
static void interval_of(const scan *sc, size_t i, float dlo, float dhi, float *lo, float *hi)
{
	const float *r = sc->codes->row + 3 * i;
	float t = (float)sc->qc.t;
	float alo = r[0] * t * dlo, ahi = r[0] * t * dhi;
	float b = r[1] * sc->qc.unorm + r[2] + sc->slack;
	if (isnan(r[0])) {
		*lo = *hi = sc->zero;
	} else if (!isfinite(alo) || !isfinite(ahi) || !isfinite(b)) {
		*lo = -INFINITY;
		*hi = INFINITY;
	} else {
		*lo = alo - b;
		*hi = ahi + b;
	}
}

/* Each row's cosine interval [lo, hi] for rows from..from+rows: a row
 * without codes (zero, or too small to scale) gets [-inf, +inf], and a zero
 * row NaN (never a hit, as in the brute force). */
static void intervals(const scan *sc, size_t from, size_t rows, int32_t *dot, float *lo, float *hi)
{
	const vs_codes *c = sc->codes;
	dots(c->q + from * c->stride, c->stride, sc->qc.d, rows, dot);
	for (size_t i = 0; i < rows; i++)
		interval_of(sc, from + i, (float)dot[i], (float)dot[i], lo + i, hi + i);
}

#ifdef VS_X86
/* highs4's steps, eight rows at a time (the rows done). */
__attribute__((target("avx2"))) static size_t highs_avx2(const float *r0, const float *r1, const float *r2,
                                                         const int32_t *dot, size_t rows, float t, float u,
                                                         float slack, double top, float *hi)
{
	const __m256 vt = _mm256_set1_ps(t), vu = _mm256_set1_ps(u), vs = _mm256_set1_ps(slack);
	const __m256 inf = _mm256_set1_ps(INFINITY), abs = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
	const __m256d sixteen = _mm256_set1_pd(16.0), vtop = _mm256_set1_pd(top);
	size_t i = 0;
	for (; i + 8 <= rows; i += 8) {
		__m256 a = _mm256_loadu_ps(r0 + i);
		__m256i d = _mm256_loadu_si256((const __m256i *)(dot + i));
		__m256d d0 = _mm256_add_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_castsi256_si128(d)), sixteen), vtop);
		__m256d d1 = _mm256_add_pd(_mm256_mul_pd(_mm256_cvtepi32_pd(_mm256_extracti128_si256(d, 1)), sixteen), vtop);
		__m256 fd = _mm256_set_m128(_mm256_cvtpd_ps(d1), _mm256_cvtpd_ps(d0));
		__m256 b = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(r1 + i), vu), _mm256_loadu_ps(r2 + i)), vs);
		__m256 h = _mm256_add_ps(_mm256_mul_ps(_mm256_mul_ps(a, vt), fd), b);
		__m256 finite = _mm256_cmp_ps(_mm256_and_ps(a, abs), inf, _CMP_LT_OQ);
		_mm256_storeu_ps(hi + i, _mm256_blendv_ps(inf, h, finite));
	}
	return i;
}
#endif

/* The high bits' pass: each row's upper bound as interval_of makes it
 * (the same float steps), and +inf where interval_of would look further (a
 * zero row, a row without bounds); bounds4 makes a row's full interval
 * once its upper bound reaches the floor. */
static void highs4(const scan *sc, size_t from, size_t rows, int32_t *dot, float *hi)
{
	const vs_codes *c = sc->codes;
	size_t half = c->stride / 2;
	dots4(sc->nib + from * half, half, sc->qc.d, rows, dot);
	const float *r0 = c->cols + from, *r1 = r0 + c->count, *r2 = r1 + c->count;
	float t = (float)sc->qc.t, u = sc->qc.unorm, slack = sc->slack;
	double top = (double)(sc->qc.lpos - sc->qc.off);
	size_t i = 0;
#ifdef VS_X86
	if (have_avx2())
		i = highs_avx2(r0, r1, r2, dot, rows, t, u, slack, top, hi);
#endif
	for (; i < rows; i++) { /* (16 dot + top is exact in a double) */
		float h = r0[i] * t * (float)(16.0 * dot[i] + top) + (r1[i] * u + r2[i] + slack);
		hi[i] = isfinite(r0[i]) ? h : INFINITY;
	}
}

static void bounds4(const scan *sc, size_t i, int32_t dot, float *lo, float *hi)
{
	int64_t base = 16 * (int64_t)dot - sc->qc.off;
	interval_of(sc, i, (float)(base + sc->qc.lneg), (float)(base + sc->qc.lpos), lo, hi);
}

static int excluded(const scan *sc, size_t i)
{
	for (size_t e = 0; e < sc->nex; e++)
		if (sc->ex[e] == (long)i)
			return 1;
	return 0;
}

/* ---- nn: the k best rows */

typedef struct cand {
	long index;
	float hi;
} cand;

typedef struct part_out {
	vs_topk lows; /* the k best lower bounds seen */
	cand *cands;
	size_t n, cap;
	size_t from, to;
	size_t sure;  /* rank: rows certainly closer */
	int failed;
} part_out;

typedef struct nn_ctx {
	const scan *sc;
	part_out *parts;
	float at;     /* rank: the cosine of the word ranked */
	uint32_t floor_bits; /* nn: the best part's k-th best lower bound (a float's bits) */
} nn_ctx;

/* A part's k-th best lower bound holds for the whole scan (its k rows are
 * there), so the parts share the highest: a part whose rows are far from the
 * query keeps no more candidates than the best part lets through. */
static float shared_floor(nn_ctx *x)
{
	uint32_t b = __atomic_load_n(&x->floor_bits, __ATOMIC_RELAXED);
	float f;
	memcpy(&f, &b, sizeof f);
	return f;
}

static void raise_floor(nn_ctx *x, float f)
{
	uint32_t cur = __atomic_load_n(&x->floor_bits, __ATOMIC_RELAXED), want;
	memcpy(&want, &f, sizeof want);
	for (;;) {
		float c;
		memcpy(&c, &cur, sizeof c);
		if (!(f > c) || __atomic_compare_exchange_n(&x->floor_bits, &cur, want, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return;
	}
}

static int keep(part_out *p, long i, float hi)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 1024;
		cand *c = realloc(p->cands, cap * sizeof *c);
		if (!c)
			return -1;
		p->cands = c;
		p->cap = cap;
	}
	p->cands[p->n++] = (cand){i, hi};
	return 0;
}

/* One part of the rows: a row is kept as a candidate while its upper bound
 * reaches the part's k-th best lower bound so far (which only rises, so no
 * row that could be in the top k is dropped). */
static void nn_part(void *arg, size_t first, size_t last)
{
	nn_ctx *x = arg;
	const scan *sc = x->sc;
	int32_t *dot = malloc(BLOCK * (sizeof *dot + 2 * sizeof(float)));
	for (size_t j = first; j < last; j++) {
		part_out *p = &x->parts[j];
		if (!dot) {
			p->failed = 1;
			continue;
		}
		float *lo = (float *)(dot + BLOCK), *hi = lo + BLOCK;
		for (size_t b = p->from; b < p->to && !p->failed; b += BLOCK) {
			size_t rows = p->to - b < BLOCK ? p->to - b : BLOCK;
			if (sc->nib)
				highs4(sc, b, rows, dot, hi);
			else
				intervals(sc, b, rows, dot, lo, hi);
			float shared = shared_floor(x), floor = vs_topk_threshold(&p->lows);
			floor = shared > floor ? shared : floor;
			for (size_t i = 0; i < rows && !p->failed; i++) {
				if (hi[i] < floor || excluded(sc, b + i))
					continue;
				float l = lo[i], h = hi[i];
				if (sc->nib)
					bounds4(sc, b + i, dot[i], &l, &h);
				if (!(h >= floor))
					continue; /* NaN rows too */
				p->failed = keep(p, (long)(b + i), h) < 0;
				vs_topk_push(&p->lows, (long)(b + i), l);
				float own = vs_topk_threshold(&p->lows);
				floor = own > floor ? own : floor;
			}
			raise_floor(x, vs_topk_threshold(&p->lows));
		}
	}
	free(dot);
}

/* The float32 dot products of the candidates with q as the brute force's
 * sgemv makes them: an sgemv over the aligned block of 16 rows that holds
 * each (OpenBLAS's kernel gives a row the same sum there as in a scan of the
 * whole matrix on one thread; where its threads split a scan, a row's sum may
 * differ in the last bit). */
static void exact_dots(const vs_vecset *set, const float *q, const cand *c, size_t n, float *out)
{
	size_t dims = set->dims, done = 0;
	float s[16];
	while (done < n) {
		size_t b0 = (size_t)c[done].index / 16 * 16, rows = set->count - b0 < 16 ? set->count - b0 : 16;
		for (size_t r = b0; r < b0 + rows; r++) /* (rows kept rounded are made on first use) */
			vs_vecset_need_row(set, r);
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)rows, (int)dims, 1.0f, set->vectors + b0 * dims, (int)dims, q,
		            1, 0.0f, s, 1);
		for (; done < n && (size_t)c[done].index < b0 + rows; done++)
			out[done] = s[c[done].index - (long)b0];
	}
}

/* The float32 rounding of the brute force's cosine (a sum of dims products:
 * at most dims ulps of 1) and of our interval (a few ulps). */
static float slack_for(size_t dims) { return (float)((double)(dims + 8) * 0x1p-23); }

static int start_scan(const vs_vecset *set, const float *q, size_t n, scan *sc)
{
	const vs_codes *codes = codes_for(set, n);
	if (!codes)
		return 1;
	sc->codes = codes;
	sc->slack = slack_for(set->dims);
	sc->n = n;
	if (encode_query(q, set->dims, codes->stride, &sc->qc) < 0)
		return 1; /* a zero query: the float32 scan says what that gives */
	return 0;
}

/* The parts scanned in parallel, one a core. */
static size_t split(size_t n, part_out *parts, size_t max)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t np = cores < 1 ? 1 : (size_t)cores > max ? max : (size_t)cores;
	if (np > n / BLOCK + 1)
		np = n / BLOCK + 1;
	for (size_t j = 0; j < np; j++) {
		parts[j].from = n * j / np;
		parts[j].to = n * (j + 1) / np;
	}
	return np;
}

/* The k-th best lower bound over all parts (-inf when fewer than k rows). */
static int merged_threshold(part_out *parts, size_t np, size_t k, float *out)
{
	vs_topk all;
	vs_hit *h = malloc((k ? k : 1) * sizeof *h);
	if (!h || vs_topk_init(&all, k) < 0)
		return free(h), -1;
	for (size_t j = 0; j < np; j++) {
		size_t m = vs_topk_sorted(&parts[j].lows, h);
		for (size_t i = 0; i < m; i++)
			vs_topk_push(&all, h[i].index, h[i].score);
	}
	*out = vs_topk_threshold(&all);
	vs_topk_free(&all);
	free(h);
	return 0;
}

static float rule_score(const vs_vecset *set, const vs_score_rule *rule, size_t i, float dot)
{
	float norm = set->norms[i];
	if (rule->qn > 0) /* cosine with a query of that length (a zero row scores 0) */
		return norm > 0 ? (float)(dot / (norm * rule->qn)) : 0.0f;
	return dot / norm;
}

/* The first pass's candidates narrowed by their int8 intervals: the k rows
 * whose lower bounds set the first pass's floor are among them, with int8
 * lower bounds no lower, so the k-th best int8 lower bound among the
 * candidates is a floor for the answer too; the candidates whose int8 upper
 * bound reaches it stay (in place, in row order). Returns how many. */
static int refine(const scan *sc, cand *c, size_t n, size_t k, size_t *kept)
{
	vs_topk lows;
	float *lo = malloc((n ? n : 1) * sizeof *lo);
	if (!lo || vs_topk_init(&lows, k) < 0)
		return free(lo), -1;
	const vs_codes *codes = sc->codes;
	for (size_t i = 0; i < n; i++) {
		size_t r = (size_t)c[i].index;
		int32_t d;
		dots(codes->q + r * codes->stride, codes->stride, sc->qc.d, 1, &d);
		interval_of(sc, r, (float)d, (float)d, &lo[i], &c[i].hi);
		vs_topk_push(&lows, c[i].index, lo[i]);
	}
	float floor = vs_topk_threshold(&lows);
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (c[i].hi >= floor)
			c[m++] = c[i];
	vs_topk_free(&lows);
	free(lo);
	*kept = m;
	return 0;
}

int vs_codes_nearest(const vs_vecset *set, const float *q, const vs_score_rule *rule, size_t n, size_t k,
                     const long *ex, size_t nex, vs_hit *out, size_t *nout, vs_error *err)
{
	scan sc = {.ex = ex, .nex = nex, .k = k, .zero = rule->qn > 0 ? 0.0f : NAN};
	*nout = 0;
	if (k == 0 || start_scan(set, q, n, &sc) != 0)
		return 1;
	sc.nib = nibbles_of((vs_codes *)sc.codes);
	enum { MAXP = 64 };
	part_out parts[MAXP];
	memset(parts, 0, sizeof parts);
	size_t np = split(n, parts, MAXP), total = 0;
	int ok = 1;
	for (size_t j = 0; j < np; j++)
		ok = ok && vs_topk_init(&parts[j].lows, k) == 0;
	float none = -INFINITY;
	nn_ctx x = {&sc, parts, 0, 0};
	memcpy(&x.floor_bits, &none, sizeof none);
	if (ok)
		vs_parallel_ranges(np, 1, (int)np, nn_part, &x);
	for (size_t j = 0; j < np; j++) {
		ok = ok && !parts[j].failed;
		total += parts[j].n;
	}
	float floor = -INFINITY;
	ok = ok && merged_threshold(parts, np, k, &floor) == 0;
	cand *c = ok ? calloc(total ? total : 1, sizeof *c) : NULL;
	float *dot = ok ? malloc((total ? total : 1) * sizeof *dot) : NULL;
	vs_topk best = {0};
	ok = c && dot && vs_topk_init(&best, k) == 0;
	size_t nc = 0;
	if (ok) {
		/* the candidates, in row order, whose interval reaches the k-th best lower bound */
		for (size_t j = 0; j < np; j++)
			for (size_t i = 0; i < parts[j].n; i++)
				if (parts[j].cands[i].hi >= floor)
					c[nc++] = parts[j].cands[i];
		if (sc.nib)
			ok = refine(&sc, c, nc, k, &nc) == 0;
	}
	if (ok) {
		exact_dots(set, q, c, nc, dot);
		for (size_t i = 0; i < nc; i++) {
			float s = rule_score(set, rule, (size_t)c[i].index, dot[i]);
			if (s >= vs_topk_threshold(&best)) /* NaN never enters, as in vs_topk_select */
				vs_topk_push(&best, c[i].index, s);
		}
		*nout = vs_topk_sorted(&best, out);
		set_last_candidates(nc);
	}
	vs_topk_free(&best);
	for (size_t j = 0; j < np; j++) {
		vs_topk_free(&parts[j].lows);
		free(parts[j].cands);
	}
	free(c);
	free(dot);
	free(sc.qc.d);
	return ok ? 0 : vs_oom(err);
}

/* For the tests: every row's high-bit bounds hold its int8 codes' integer
 * dot and cosine interval, the vector kernels give the plain loops' sums,
 * and the first pass's quick upper bound is the full one (or +inf). */
int vs_codes_bounds_hold(const vs_vecset *set, const float *q)
{
	scan sc = {.zero = NAN};
	if (start_scan(set, q, set->count, &sc) != 0)
		return 1;
	const vs_codes *c = sc.codes;
	size_t half = c->stride / 2, n = set->count;
	sc.nib = nibbles_of((vs_codes *)c);
	int32_t *d8 = malloc(2 * (n + 1) * sizeof *d8), *d4 = d8 + n + 1;
	float *quick = malloc((n + 1) * sizeof *quick);
	int ok = sc.nib && d8 && quick;
	if (ok) {
		dots(c->q, c->stride, sc.qc.d, n, d8);
		highs4(&sc, 0, n, d4, quick);
	}
	for (size_t i = 0; ok && i < n; i++) {
		int32_t p8, p4;
		dots_plain(c->q + i * c->stride, c->stride, sc.qc.d, 1, &p8);
		dots4_plain(sc.nib + i * half, half, sc.qc.d, 1, &p4);
		int64_t base = 16 * (int64_t)p4 - sc.qc.off;
		float lo8, hi8, lo4, hi4;
		interval_of(&sc, i, (float)p8, (float)p8, &lo8, &hi8);
		bounds4(&sc, i, p4, &lo4, &hi4);
		ok = p8 == d8[i] && p4 == d4[i] && base + sc.qc.lneg <= p8 && p8 <= base + sc.qc.lpos &&
		     !(lo4 > lo8) && !(hi4 < hi8) && (quick[i] == hi4 || quick[i] == INFINITY);
	}
	free(d8);
	free(quick);
	free(sc.qc.d);
	return ok ? 0 : -1;
}

/* ---- rank: how many rows are closer than a given one */

/* A row is certainly closer when its interval lies above the ranked word's
 * cosine (by more than the rounding of 1 - cos in the brute force's
 * distances), certainly not when below; the rows between are computed. */
#define RANK_MARGIN 1e-6f

static void rank_part(void *arg, size_t first, size_t last)
{
	nn_ctx *x = arg;
	const scan *sc = x->sc;
	int32_t *dot = malloc(BLOCK * (sizeof *dot + 2 * sizeof(float)));
	for (size_t j = first; j < last; j++) {
		part_out *p = &x->parts[j];
		p->failed = !dot;
		if (!dot)
			continue;
		float *lo = (float *)(dot + BLOCK), *hi = lo + BLOCK;
		for (size_t b = p->from; b < p->to && !p->failed; b += BLOCK) {
			size_t rows = p->to - b < BLOCK ? p->to - b : BLOCK;
			intervals(sc, b, rows, dot, lo, hi);
			for (size_t i = 0; i < rows && !p->failed; i++) {
				if (isnan(lo[i]) || hi[i] < x->at - RANK_MARGIN || excluded(sc, b + i))
					continue;
				if (lo[i] > x->at + RANK_MARGIN)
					p->sure++;
				else
					p->failed = keep(p, (long)(b + i), hi[i]) < 0;
			}
		}
	}
	free(dot);
}

int vs_codes_rank(const vs_vecset *set, long a, long b, size_t *closer, vs_error *err)
{
	size_t dims = set->dims;
	const float *va = set->vectors + (size_t)a * dims;
	scan sc = {.ex = &a, .nex = 1, .zero = NAN};
	if (start_scan(set, va, set->count, &sc) != 0)
		return 1;
	/* the brute force's distance: 1 - dot / (|a| |x|), |a| = sqrt(dot(a, a)) in float32 */
	float na = sqrtf(cblas_sdot((int)dims, va, 1, va, 1));
	cand cb = {b, 0};
	float dotb = 0;
	exact_dots(set, va, &cb, 1, &dotb);
	float db = 1.0f - dotb / (na * set->norms[b]);
	enum { MAXP = 64 };
	part_out parts[MAXP];
	memset(parts, 0, sizeof parts);
	size_t np = split(set->count, parts, MAXP);
	nn_ctx x = {&sc, parts, dotb / (na * set->norms[b])};
	vs_parallel_ranges(np, 1, (int)np, rank_part, &x);
	size_t total = 0, count = 0;
	int ok = 1;
	for (size_t j = 0; j < np; j++) {
		ok = ok && !parts[j].failed;
		total += parts[j].n;
		count += parts[j].sure;
	}
	cand *c = ok ? calloc(total ? total : 1, sizeof *c) : NULL;
	float *dot = ok ? malloc((total ? total : 1) * sizeof *dot) : NULL;
	ok = c && dot;
	if (ok) {
		size_t nc = 0;
		for (size_t j = 0; j < np; j++)
			for (size_t i = 0; i < parts[j].n; i++)
				c[nc++] = parts[j].cands[i];
		exact_dots(set, va, c, nc, dot);
		for (size_t i = 0; i < nc; i++)
			count += 1.0f - dot[i] / (na * set->norms[c[i].index]) < db;
		set_last_candidates(nc);
		*closer = count;
	}
	for (size_t j = 0; j < np; j++)
		free(parts[j].cands);
	free(c);
	free(dot);
	free(sc.qc.d);
	return ok ? 0 : vs_oom(err);
}
