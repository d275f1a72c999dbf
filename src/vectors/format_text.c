/* Text formats (word2vec text, GloVe, fastText .vec): parsing a file that is
 * already in memory, in threads, and writing. */
#include "vectors/internal.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static const float pow10f_tab[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f,
                                   1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
static const double pow10_tab[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                   1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int is_sep(char c) { return c == ' ' || c == '\t'; }
static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

/* Eight ASCII digits at once (the bytes of a little-endian word): are they
 * all digits, and their value (simdjson's way, Lemire 2018). */
static int eight_digits(uint64_t v)
{
	return ((v & 0xF0F0F0F0F0F0F0F0u) | (((v + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) >> 4)) ==
	       0x3333333333333333u;
}

static inline uint32_t eight_value(uint64_t v)
{
	v -= 0x3030303030303030u;
	v = v * 10 + (v >> 8);
	v = ((v & 0x000000FF000000FFu) * (100 + (1000000ull << 32)) +
	     ((v >> 16) & 0x000000FF000000FFu) * (1 + (10000ull << 32))) >> 32;
	return (uint32_t)v;
}

static int decimal_digits(uint32_t v) /* of v < 10^8 */
{
	static const uint32_t pow10u[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000};
	int n = 0;
	while (n < 8 && v >= pow10u[n])
		n++;
	return n;
}

/* Is the double exactly halfway between two floats? (Then rounding it to
 * float is not the rounding of the decimal it came from.) */
static int float_tie(double d, float f)
{
	if (fabs(d) >= FLT_MIN) { /* a normal float: the 29 bits it drops are 1 then zeros */
		uint64_t bits;
		memcpy(&bits, &d, sizeof bits);
		return (bits & 0x1FFFFFFFu) == 0x10000000u;
	}
	float g = nextafterf(f, d > (double)f ? INFINITY : -INFINITY);
	return (double)f != d && d - (double)f == (double)g - d;
}

/* The index of the first byte of w (in memory order) that is not an ASCII
 * digit, 8 if all are. A carry out of a non-digit can only disturb bytes
 * after it, which are not looked at. */
static inline int digit_run(uint64_t w)
{
	uint64_t bad = ((w & 0xF0F0F0F0F0F0F0F0u) ^ 0x3030303030303030u) |
	               (((w + 0x0606060606060606u) & 0xF0F0F0F0F0F0F0F0u) ^ 0x3030303030303030u);
	return bad ? __builtin_ctzll(bad) >> 3 : 8;
}

/* The value of the first n (0-8) digits of w: they are moved to the end of
 * the word, behind '0's, and read as eight (no branch: n varies from one
 * value to the next). */
static inline uint64_t digits_value(uint64_t w, int n)
{
	int s = (8 * (8 - n)) & 63; /* n = 0 gives 0, masked below */
	uint64_t zeros = 0x3030303030303030u & ~(~0ull << s);
	return eight_value((w << s) | zeros) & -(uint64_t)(n != 0);
}

static const double pow10_neg[] = {1e-0, 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10,
                                   1e-11, 1e-12, 1e-13, 1e-14, 1e-15, 1e-16, 1e-17, 1e-18, 1e-19};
static const uint64_t pow10_u64[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

/* The float nearest (-1)^neg m / 10^nf (m <= 2^53, nf <= 19) into *out, or
 * -1 when it is a float midpoint (the general parser then decides). m times
 * the double nearest 10^-nf is within two units in the last place of the
 * quotient: rounded to float it is the quotient's rounding unless it lies
 * that close to a point halfway between two floats (then the correctly
 * rounded division decides). */
static inline __attribute__((always_inline)) int scaled_decimal(uint64_t m, int nf, int neg, float *out)
{
	double d = (double)m * pow10_neg[nf];
	uint64_t bits;
	memcpy(&bits, &d, sizeof bits);
	if ((((bits & 0x1FFFFFFFu) - 0x10000000u + 4) & 0x1FFFFFFFu) <= 8) {
		d = (double)m / pow10_tab[nf];
		if (float_tie(d, (float)d))
			return -1;
	}
	float v = (float)d;
	uint32_t u;
	memcpy(&u, &v, sizeof u);
	u ^= (uint32_t)neg << 31; /* the sign without a branch */
	memcpy(out, &u, sizeof u);
	return 0;
}

/* The usual shape of a vector file's value, [-]D{1,8}.D{0,16} followed by a
 * separator, with few branches: whole words of digits, lengths from bit
 * scans. NULL when the text has another shape (the general parser then
 * reads it). Needs 32 bytes before end. */
static inline __attribute__((always_inline)) const char *parse_plain_decimal(const char *p, const char *end,
                                                                          float *out)
{
	int neg = *p == '-';
	p += neg;
	uint64_t w0, w1, w2;
	memcpy(&w0, p, 8);
	int ni = digit_run(w0);
	if (ni == 0 || ni == 8 || p[ni] != '.')
		return NULL;
	const char *f = p + ni + 1;
	memcpy(&w1, f, 8);
	memcpy(&w2, f + 8, 8);
	int n1 = digit_run(w1);
	int n2 = digit_run(w2) & -(n1 == 8);
	if (n2 == 8)
		return NULL;
	int nf = n1 + n2;
	const char *q = f + nf;
	if ((q < end && !is_space(*q) && *q != '\n') || ni + nf > 19)
		return NULL; /* an exponent, not a number, or more digits than 64 bits hold */
	uint64_t m = digits_value(w0, ni);
	m = m * pow10_u64[n1] + digits_value(w1, n1);
	m = m * pow10_u64[n2] + digits_value(w2, n2);
	if (m > (1ull << 53))
		return NULL;
	return scaled_decimal(m, nf, neg, out) == 0 ? q : NULL;
}

#if defined(__x86_64__) || defined(__i386__)
#include <tmmintrin.h>
#define VS_DECIMAL_SIMD 1

/* The same shape as parse_plain_decimal, up to 15 characters, with SSSE3:
 * the token's digits found by one compare, moved (without the sign and the
 * point) to the end of a register by one shuffle whose indices are computed,
 * and summed in pairs by multiply-adds. Needs 16 bytes readable at p. */
__attribute__((target("ssse3"))) static inline const char *parse_decimal16(const char *p, const char *end, float *out)
{
	const __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
	const __m128i d = _mm_sub_epi8(x, _mm_set1_epi8('0'));
	unsigned digits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d));
	unsigned point = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.')));
	int neg = *p == '-';
	int len = __builtin_ctz(~(digits | point | (unsigned)neg));
	unsigned points = point & ((1u << len) - 1);
	if (len >= 16 || points == 0 || (points & (points - 1)))
		return NULL; /* longer, without a point, or with two */
	int at = __builtin_ctz(points), nf = len - at - 1;
	const char *q = p + len;
	if (at == neg || (q < end && !is_space(*q) && *q != '\n'))
		return NULL; /* ".5", an exponent, or not a number */
	/* output byte j takes input byte j + len - 16, or one further left for
	 * the digits before the point; none left of the first digit */
	const __m128i iota = _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
	__m128i idx = _mm_add_epi8(iota, _mm_set1_epi8((char)(len - 16)));
	idx = _mm_add_epi8(idx, _mm_cmpgt_epi8(_mm_set1_epi8((char)(16 - nf)), iota));
	idx = _mm_or_si128(idx, _mm_cmpgt_epi8(_mm_set1_epi8((char)neg), idx));
	__m128i v = _mm_shuffle_epi8(d, idx);
	v = _mm_maddubs_epi16(v, _mm_setr_epi8(10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
	v = _mm_madd_epi16(v, _mm_setr_epi16(100, 1, 100, 1, 100, 1, 100, 1));
	v = _mm_packs_epi32(v, v);
	v = _mm_madd_epi16(v, _mm_setr_epi16(10000, 1, 10000, 1, 10000, 1, 10000, 1));
	uint64_t m = (uint64_t)(uint32_t)_mm_cvtsi128_si32(v) * 100000000u +
	             (uint32_t)_mm_cvtsi128_si32(_mm_srli_si128(v, 4));
	return scaled_decimal(m, nf, neg, out) == 0 ? q : NULL;
}
#endif

/* Any decimal the file may hold, in its general form (the fast readers'
 * fallback). */
static const char *parse_decimal(const char *p, const char *end, float *out)
{
	const char *s = p;
	int neg = 0;
	if (p < end && (*p == '-' || *p == '+')) {
		neg = *p == '-';
		p++;
	}
	uint64_t m = 0;
	int digits = 0, exp10 = 0, any = 0;
	while (p < end && (unsigned)(*p - '0') < 10) {
		if (digits < 19) {
			m = m * 10 + (unsigned)(*p - '0');
			if (m)
				digits++;
		} else {
			exp10++;
		}
		p++;
		any = 1;
	}
	if (p < end && *p == '.') {
		p++;
		while (p < end && (unsigned)(*p - '0') < 10) {
			uint64_t eight;
			if (digits <= 11 && end - p >= 8 && (memcpy(&eight, p, 8), eight_digits(eight))) {
				uint32_t v = eight_value(eight); /* the usual 8 to 9 decimals, in one step */
				digits = m ? digits + 8 : decimal_digits(v);
				m = m * 100000000u + v;
				exp10 -= 8;
				p += 8;
				any = 1;
				continue;
			}
			if (digits < 19) {
				m = m * 10 + (unsigned)(*p - '0');
				if (m)
					digits++;
				exp10--;
			}
			p++;
			any = 1;
		}
	}
	if (!any)
		goto slow;
	if (p < end && (*p == 'e' || *p == 'E')) {
		const char *q = p + 1;
		int eneg = 0, e = 0, edig = 0;
		if (q < end && (*q == '-' || *q == '+')) {
			eneg = *q == '-';
			q++;
		}
		while (q < end && (unsigned)(*q - '0') < 10) {
			if (e < 100000)
				e = e * 10 + (*q - '0');
			q++;
			edig = 1;
		}
		if (!edig)
			goto slow;
		exp10 += eneg ? -e : e;
		p = q;
	}
	if (p < end && !is_space(*p) && *p != '\n')
		goto slow;
	if (m <= (1u << 24) && exp10 >= -10 && exp10 <= 10) {
		/* both operands exact in float: one correctly rounded operation */
		float f = (float)m;
		f = exp10 < 0 ? f / pow10f_tab[-exp10] : f * pow10f_tab[exp10];
		*out = neg ? -f : f;
		return p;
	}
	if (m <= (1ull << 53) && exp10 >= -22 && exp10 <= 22) {
		/* Clinger's fast path in double (both operands exact: one correctly
		 * rounded result), then to float: rounding twice differs from once
		 * only when the double lands exactly halfway between two floats */
		double d = (double)m;
		d = exp10 < 0 ? d / pow10_tab[-exp10] : d * pow10_tab[exp10];
		float f = (float)d;
		if (isfinite(f) && !float_tie(d, f)) {
			*out = neg ? -f : f;
			return p;
		}
	}
slow:;
	const char *t = s;
	while (t < end && !is_space(*t) && *t != '\n')
		t++;
	size_t n = (size_t)(t - s);
	char buf[80];
	if (n == 0 || n >= sizeof buf)
		return NULL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	/* strtof accepts nan, inf and hex floats; a vector file must not */
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		if (!(isdigit((unsigned char)c) || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+'))
			return NULL;
	}
	char *e;
	errno = 0;
	float f = strtof(buf, &e);
	if (e != buf + n || !isfinite(f))
		return NULL;
	*out = f;
	return t;
}

const char *vs_parse_float(const char *p, const char *end, float *out)
{
	if (end - p >= 32) {
		const char *q = parse_plain_decimal(p, end, out);
		if (q)
			return q;
	}
	return parse_decimal(p, end, out);
}

/* ---- text ------------------------------------------------------------ */

typedef struct line_ref {
	size_t off;  /* start of the line in the buffer */
	size_t len;  /* without the newline */
} line_ref;

typedef size_t row_parser(const char *p, const char *end, const char *limit, float *v, size_t dims,
                          const char **bad);

typedef struct text_job {
	row_parser *parse_row;
	const char *buf;
	const char *limit;        /* the end of what the buffer holds */
	const line_ref *lines;
	size_t first, last;       /* lines [first, last) */
	size_t line_base;         /* physical line number of lines[0], 1-based */
	size_t dims;
	float *vectors;
	size_t *word_len;         /* per line */
	atomic_size_t *done;
	size_t err_line;          /* index into lines, or SIZE_MAX */
	char err_msg[256];
} text_job;

/* The separators (space, tab) among the 64 bytes at p as bits, bit i for
 * p[i]; bytes from n on count as separators. Nothing at or past limit is
 * read. */
static inline __attribute__((always_inline)) uint64_t separators64(const char *p, size_t n, const char *limit)
{
	char tail[64];
	if (limit - p < 64) {
		memset(tail, ' ', sizeof tail);
		memcpy(tail, p, (size_t)(limit - p));
		p = tail;
	}
	uint64_t m = 0;
#ifdef __SSE2__
	const __m128i space = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t');
	for (int i = 0; i < 4; i++) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
		unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, space), _mm_cmpeq_epi8(x, tab)));
		m |= (uint64_t)bits << (16 * i);
	}
#else
	for (int i = 0; i < 64; i++)
		m |= (uint64_t)is_sep(p[i]) << i;
#endif
	return n < 64 ? m | ~0ull << n : m;
}

/* The values of one row, [p, end) after its word. Where each value starts
 * comes from a bitmask of the separators, so that one value's parse does not
 * wait for the end of the one before; each is read in place (limit: the end
 * of what may be read past end), through SSSE3 where simd says so. Returns
 * how many values the row has (those past dims counted, not stored), or
 * SIZE_MAX with *bad at a value that is not a number. */
static inline __attribute__((always_inline)) size_t parse_row_with(const char *p, const char *end, const char *limit,
                                                                   float *v, size_t dims, const char **bad, int simd)
{
	size_t k = 0;
	uint64_t before = 1; /* p follows the word: a separator or the end */
	for (const char *b = p; b < end; b += 64) {
		size_t n = (size_t)(end - b) < 64 ? (size_t)(end - b) : 64;
		uint64_t sep = separators64(b, n, limit);
		uint64_t starts = ~sep & ((sep << 1) | before);
		before = sep >> 63;
		while (starts) {
			const char *s = b + __builtin_ctzll(starts);
			starts &= starts - 1;
			if (k >= dims) {
				k++;
				continue;
			}
			const char *q = NULL;
			if (limit - s >= 32) {
#ifdef VS_DECIMAL_SIMD
				q = simd ? parse_decimal16(s, end, &v[k]) : parse_plain_decimal(s, end, &v[k]);
#else
				q = parse_plain_decimal(s, end, &v[k]);
#endif
			}
			if (!q)
				q = parse_decimal(s, end, &v[k]); /* (the fast reader, where it could run, said no) */
			if (!q || (q < end && !is_sep(*q))) {
				*bad = s;
				return SIZE_MAX;
			}
			k++;
		}
	}
	return k;
}

static size_t parse_row(const char *p, const char *end, const char *limit, float *v, size_t dims, const char **bad)
{
	return parse_row_with(p, end, limit, v, dims, bad, 0);
}

#ifdef VS_DECIMAL_SIMD
__attribute__((target("ssse3"), flatten)) static size_t parse_row_ssse3(const char *p, const char *end, const char *limit,
                                                                float *v, size_t dims, const char **bad)
{
	return parse_row_with(p, end, limit, v, dims, bad, 1);
}
#endif

/* SSSE3's reader where the processor has it (every x86-64 since 2006, but
 * not the baseline the build assumes). */
static row_parser *choose_row_parser(void)
{
#ifdef VS_DECIMAL_SIMD
	if (__builtin_cpu_supports("ssse3"))
		return parse_row_ssse3;
#endif
	return parse_row;
}

static void *parse_text_lines(void *arg)
{
	text_job *j = arg;
	j->err_line = SIZE_MAX;
	for (size_t i = j->first; i < j->last; i++) {
		const char *p = j->buf + j->lines[i].off, *end = p + j->lines[i].len;
		while (end > p && is_space(end[-1]))
			end--;
		const char *w = p;
		while (p < end && !is_sep(*p))
			p++;
		j->word_len[i] = (size_t)(p - w);
		if (p == w) {
			j->err_line = i;
			snprintf(j->err_msg, sizeof j->err_msg, "%s",
			         end == w ? "empty line" : "line starts with a space: no word");
			return NULL;
		}
		const char *bad = NULL;
		size_t k = j->parse_row(p, end, j->limit, j->vectors + i * j->dims, j->dims, &bad);
		if (k == SIZE_MAX) {
			const char *t = bad;
			while (t < end && !is_sep(*t))
				t++;
			size_t at = 0; /* which value */
			for (const char *c = p; c < bad; c++)
				at += is_sep(*c) && !is_sep(c[1]);
			j->err_line = i;
			snprintf(j->err_msg, sizeof j->err_msg, "value %zu is not a finite number: '%.*s'", at,
			         (int)((t - bad) > 40 ? 40 : (t - bad)), bad);
			return NULL;
		}
		if (k != j->dims) {
			j->err_line = i;
			snprintf(j->err_msg, sizeof j->err_msg, "expected %zu values after the word, found %zu",
			         j->dims, k);
			return NULL;
		}
		if (((i - j->first) & 4095) == 4095) {
			atomic_fetch_add(j->done, 4096);
			if (vs_interrupted) {
				j->err_line = i;
				snprintf(j->err_msg, sizeof j->err_msg, "interrupted");
				return NULL;
			}
		}
	}
	return NULL;
}

/* Count the fields of a line (word + values) for GloVe's dims. */
static size_t count_fields(const char *p, const char *end)
{
	size_t n = 0;
	while (end > p && is_space(end[-1]))
		end--;
	while (p < end) {
		while (p < end && is_sep(*p))
			p++;
		if (p >= end)
			break;
		n++;
		while (p < end && !is_sep(*p))
			p++;
	}
	return n;
}

int vs_parse_header(const char *buf, size_t len, size_t *count, size_t *dims, size_t *header_len)
{
	const char *p = buf, *end = buf + len;
	const char *nl = memchr(p, '\n', len);
	const char *le = nl ? nl : end;
	while (p < le && is_space(*p))
		p++;
	unsigned long long a = 0, b = 0;
	int da = 0, db = 0;
	while (p < le && isdigit((unsigned char)*p) && da < 19) {
		a = a * 10 + (unsigned)(*p++ - '0');
		da++;
	}
	if (!da || p >= le || !is_sep(*p))
		return 0;
	while (p < le && is_sep(*p))
		p++;
	while (p < le && isdigit((unsigned char)*p) && db < 19) {
		b = b * 10 + (unsigned)(*p++ - '0');
		db++;
	}
	if (!db)
		return 0;
	while (p < le && is_space(*p))
		p++;
	if (p != le)
		return 0;
	*count = a;
	*dims = b;
	*header_len = nl ? (size_t)(nl - buf) + 1 : len;
	return 1;
}

/* The shape of the file: from the header ("count dims"), or for GloVe the
 * number of values on the first line. pos is where the rows start. */
static int read_shape(const char *path, const char *buf, size_t len, uint64_t total, int has_header, size_t *count,
                      size_t *dims, size_t *pos, vs_error *err)
{
	if (has_header) {
		if (!vs_parse_header(buf, len, count, dims, pos))
			return vs_fail(err, "%s: line 1: expected a header 'count dims'", path);
		if (*dims == 0 || *dims > VS_MAX_DIMS)
			return vs_fail(err, "%s: line 1: header claims %zu dimensions (must be 1 to %d)", path, *dims,
			               VS_MAX_DIMS);
		/* each row needs at least a word, and dims values of 2 bytes */
		if (total && *count > (total - *pos) / (2 * *dims + 1) + 1)
			return vs_fail(err, "%s: line 1: header claims %zu words, more than the file's %llu bytes can hold",
			               path, *count, (unsigned long long)total);
		return 0;
	}
	const char *nl = memchr(buf, '\n', len);
	size_t f = count_fields(buf, nl ? nl : buf + len);
	if (f < 2)
		return vs_fail(err, "%s: line 1: expected a word followed by its values", path);
	*dims = f - 1;
	if (*dims > VS_MAX_DIMS)
		return vs_fail(err, "%s: line 1: %zu values on a line (at most %d)", path, *dims, VS_MAX_DIMS);
	*pos = 0;
	return 0;
}

/* Parse the rows in threads (a share of the lines each), reporting progress;
 * the first failing line (by position) is the one reported. */
static int parse_in_threads(const char *path, const char *buf, const char *limit, const line_ref *lines, size_t n, size_t dims,
                            size_t line_no, float *vectors, size_t *word_len, const vs_load_options *opt,
                            void (*meanwhile)(void *ctx), void *ctx, vs_error *err)
{
	int nthreads = opt->threads > 0 ? opt->threads : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > 16)
		nthreads = 16;
	if ((size_t)nthreads > n / 1024 + 1)
		nthreads = (int)(n / 1024 + 1);
	text_job jobs[16];
	pthread_t tids[16];
	atomic_size_t done = 0;
	int started[16] = {0};
	for (int t = 0; t < nthreads; t++)
		jobs[t] = (text_job){.parse_row = choose_row_parser(), .buf = buf, .limit = limit, .lines = lines, .first = n * (size_t)t / (size_t)nthreads,
		                     .last = n * (size_t)(t + 1) / (size_t)nthreads, .dims = dims,
		                     .vectors = vectors, .word_len = word_len, .done = &done};
	/* the others in threads, the first share here (or, with meanwhile, every
	 * share in a thread while this one does that); a share whose thread
	 * cannot start is done here too */
	int here = meanwhile ? -1 : 0;
	for (int t = here + 1; t < nthreads; t++)
		started[t] = pthread_create(&tids[t], NULL, parse_text_lines, &jobs[t]) == 0;
	if (meanwhile)
		meanwhile(ctx);
	else
		parse_text_lines(&jobs[0]);
	for (int t = here + 1; t < nthreads; t++) {
		if (started[t])
			pthread_join(tids[t], NULL);
		else
			parse_text_lines(&jobs[t]);
	}
	if (opt->progress)
		opt->progress(opt->progress_ctx, 1.0);
	size_t bad = SIZE_MAX;
	const char *msg = NULL;
	for (int t = 0; t < nthreads; t++)
		if (jobs[t].err_line < bad) {
			bad = jobs[t].err_line;
			msg = jobs[t].err_msg;
		}
	if (!msg)
		return 0;
	if (strcmp(msg, "interrupted") == 0)
		return vs_fail(err, "%s: interrupted", path);
	return vs_fail(err, "%s: line %zu: %s", path, line_no + bad, msg);
}

/* ---- reading a text file front to back in chunks of whole lines: each
 * chunk's rows parsed on every core, their words kept, the file (or its
 * gzip stream) never held whole; --limit stops after its rows. */

#define TEXT_CHUNK (32u << 20)

/* Keep the words of rows [from, n) (they lie in the window, which moves on). */
static int keep_words(vs_rows *t, size_t from, const char *buf, const line_ref *lines, vs_error *err)
{
	for (size_t i = from; i < t->n; i++)
		if (vs_rows_word(t, i, buf + lines[i - from].off, t->word_len[i], err) < 0)
			return -1;
	return 0;
}

/* A chunk of whole lines of the window. */
typedef struct text_chunk {
	line_ref *lines;
	size_t n, consumed; /* lines, and the bytes they take (newlines included) */
} text_chunk;

/* The window's whole lines from offset from: up to the last newline (or the
 * end of the file), at most want of them, and no more than start in a
 * chunk's bytes (32 MB, or half the window; a mapped file is one window). */
static int chunk_lines(vs_stream *st, size_t from, size_t want, text_chunk *c, vs_error *err)
{
	const char *buf = st->buf;
	size_t pos = from, end = st->end;
	if (!st->eof) {
		const char *last = end > pos ? memrchr(buf + pos, '\n', end - pos) : NULL;
		end = last ? (size_t)(last - buf) + 1 : pos;
	}
	size_t cap = 4096, k = 0;
	line_ref *lines = malloc(cap * sizeof *lines);
	if (!lines)
		return vs_oom(err);
	size_t most = st->cap / 2 < TEXT_CHUNK ? st->cap / 2 : TEXT_CHUNK;
	while (pos < end && k < want && (k == 0 || pos - from < most)) {
		const char *nl = memchr(buf + pos, '\n', end - pos);
		size_t e = nl ? (size_t)(nl - buf) : end;
		if (k == cap) {
			line_ref *more = realloc(lines, 2 * cap * sizeof *lines);
			if (!more) {
				free(lines);
				return vs_oom(err);
			}
			lines = more;
			cap *= 2;
		}
		lines[k].off = pos;
		lines[k].len = e - pos;
		k++;
		pos = nl ? e + 1 : end;
	}
	*c = (text_chunk){lines, k, pos - from};
	return 0;
}

/* The next chunk's lines, found while the workers parse this one. */
typedef struct look_ahead {
	vs_stream *st;
	size_t from, want;
	text_chunk next;
	int failed;
	vs_error err;
} look_ahead;

static void find_next_chunk(void *arg)
{
	look_ahead *la = arg;
	la->failed = chunk_lines(la->st, la->from, la->want, &la->next, &la->err) < 0;
}

/* After the rows the header counts, only blank space may follow: the line
 * of the first thing that is not, or 0. */
static size_t first_extra_line(vs_stream *st, size_t line_no, vs_error *err, int *failed)
{
	*failed = 0;
	for (;;) {
		long have = vs_stream_fill(st, TEXT_CHUNK, err);
		if (have < 0) {
			*failed = 1;
			return 0;
		}
		for (size_t i = st->pos; i < st->end; i++) {
			if (st->buf[i] == '\n')
				line_no++;
			else if (!is_space(st->buf[i]))
				return line_no;
		}
		st->pos = st->end;
		if (st->eof)
			return 0;
	}
}

/* The first line whole in the window (a GloVe line of 100,000 values is long). */
static long fill_first_line(vs_stream *st, vs_error *err)
{
	for (size_t want = 1 << 16;; want *= 2) {
		long have = vs_stream_fill(st, want, err);
		if (have < 0 || st->eof || memchr(st->buf + st->pos, '\n', (size_t)have) || want >= st->cap)
			return have;
	}
}

vs_vecset *vs_read_text_stream(vs_stream *st, int has_header, const vs_load_options *opt, vs_load_report *rep,
                               vs_error *err)
{
	const char *path = st->path;
	size_t count = 0, dims = 0, pos = 0, line_no = has_header ? 2 : 1;
	long have = fill_first_line(st, err);
	if (have < 0)
		return NULL;
	if (have == 0) {
		vs_fail(err, "%s: the file is empty", path);
		return NULL;
	}
	if (read_shape(path, st->buf + st->pos, (size_t)have, st->gz ? 0 : st->size, has_header, &count, &dims, &pos,
	               err) < 0)
		return NULL;
	st->pos += pos;
	size_t want = has_header ? count : SIZE_MAX;
	if (opt->limit && opt->limit < want)
		want = opt->limit;
	int known = has_header && !st->gz; /* a count checked against the size: room for all at once */
	vs_rows t = {.dims = dims};
	vs_load_options chunk_opt = *opt;
	chunk_opt.progress = NULL; /* progress is the stream's, chunk by chunk */
	text_chunk c = {0};
	int known_next = 0; /* c holds the next chunk, found while the last was parsed */
	while (t.n < want) {
		have = vs_stream_fill(st, st->cap / 2 < TEXT_CHUNK ? st->cap / 2 : TEXT_CHUNK, err);
		if (have < 0)
			goto fail;
		if (have == 0)
			break;
		if (!known_next && chunk_lines(st, st->pos, want - t.n, &c, err) < 0)
			goto fail;
		known_next = 0;
		if (c.n == 0 && !st->eof) { /* no newline in a whole window */
			vs_fail(err, "%s: line %zu: a line longer than %zu bytes", path, line_no, st->cap);
			goto fail;
		}
		/* a mapped file is whole in the window: the next chunk's lines are
		 * found (and its pages come in) while the workers parse this one */
		look_ahead la = {.st = st, .from = st->pos + c.consumed, .want = want - t.n - c.n};
		int ahead = st->map_len && la.want > 0 && la.from < st->end;
		size_t first = t.n;
		if (vs_rows_room(&t, c.n, want, known, path, err) < 0 ||
		    parse_in_threads(path, st->buf, st->buf + st->end, c.lines, c.n, dims, line_no, t.vectors + first * dims,
		                     t.word_len + first, &chunk_opt, ahead ? find_next_chunk : NULL, &la, err) < 0) {
			if (ahead && !la.failed)
				free(la.next.lines);
			goto fail;
		}
		if (ahead && la.failed) {
			*err = la.err;
			goto fail;
		}
		t.n += c.n;
		int kept = keep_words(&t, first, st->buf, c.lines, err);
		free(c.lines);
		c.lines = NULL;
		size_t n = c.n;
		st->pos += c.consumed;
		line_no += n;
		if (ahead) {
			c = la.next;
			known_next = 1;
		}
		if (kept < 0)
			goto fail;
		if (opt->progress)
			opt->progress(opt->progress_ctx, vs_stream_progress(st));
		if (n == 0)
			break;
	}
	free(c.lines);
	c.lines = NULL;
	if (has_header && t.n < want) {
		vs_fail(err, "%s: line %zu: file ends after %zu rows but the header says %zu words", path, line_no, t.n, count);
		goto fail;
	}
	if (has_header && !opt->limit) {
		int failed;
		size_t extra = first_extra_line(st, line_no, err, &failed);
		if (failed)
			goto fail;
		if (extra) {
			vs_fail(err, "%s: line %zu: more rows than the %zu words the header says", path, extra, count);
			goto fail;
		}
	}
	if (t.n == 0) {
		vs_fail(err, "%s: no vectors in the file", path);
		goto fail;
	}
	if (vs_stream_intact(st, err) < 0)
		goto fail;
	return vs_rows_set(&t, path, has_header ? 2 : 1, opt, rep, err);
fail:
	free(c.lines);
	vs_stream_intact(st, err); /* a file cut short underneath: say so, not what it looked like */
	vs_rows_free(&t);
	return NULL;
}

/* The shortest decimal that reads back as the same float (as Python's repr
 * of a numpy float32): 6 digits (most trained vectors' files), else a
 * search of 7 to 9. */
static int format_float(char *out, size_t size, float v)
{
	int n = snprintf(out, size, "%.6g", (double)v);
	if (strtof(out, NULL) == v)
		return n;
	n = snprintf(out, size, "%.8g", (double)v);
	if (strtof(out, NULL) != v)
		return snprintf(out, size, "%.9g", (double)v);
	char shorter[32];
	int m = snprintf(shorter, sizeof shorter, "%.7g", (double)v);
	if (strtof(shorter, NULL) != v)
		return n;
	memcpy(out, shorter, (size_t)m + 1);
	return m;
}

/* Rows [from, to) as text lines into a growing buffer. */
typedef struct text_block {
	const vs_vecset *set;
	size_t from, to;
	char *buf;
	size_t len, cap;
	int failed;
} text_block;

static void format_rows(text_block *b)
{
	b->len = 0;
	for (size_t i = b->from; i < b->to; i++) {
		size_t need = strlen(vs_vecset_word(b->set, i)) + b->set->dims * 18 + 2;
		if (b->cap - b->len < need) {
			size_t cap = b->cap ? b->cap : 1 << 20;
			while (cap - b->len < need)
				cap *= 2;
			char *nb = realloc(b->buf, cap);
			if (!nb) {
				b->failed = 1;
				return;
			}
			b->buf = nb;
			b->cap = cap;
		}
		size_t w = strlen(vs_vecset_word(b->set, i));
		memcpy(b->buf + b->len, vs_vecset_word(b->set, i), w);
		b->len += w;
		const float *v = b->set->vectors + i * b->set->dims;
		for (size_t d = 0; d < b->set->dims; d++) {
			b->buf[b->len++] = ' ';
			b->len += (size_t)format_float(b->buf + b->len, 18, v[d]);
		}
		b->buf[b->len++] = '\n';
	}
}

static void format_blocks(void *blocks, size_t from, size_t to)
{
	for (size_t t = from; t < to; t++)
		format_rows((text_block *)blocks + t);
}

int vs_write_text(FILE *f, const vs_vecset *set, int header)
{
	if (header)
		fprintf(f, "%zu %zu\n", set->count, set->dims);
	/* rows formatted on every core, a block each, written in order */
	enum { MAXT = 16, ROWS = 2048 };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int nt = cores < 1 ? 1 : cores > MAXT ? MAXT : (int)cores;
	text_block blocks[MAXT] = {{0}};
	int rc = 0;
	for (size_t start = 0; start < set->count && rc == 0; start += (size_t)nt * ROWS) {
		for (int t = 0; t < nt; t++) {
			size_t from = start + (size_t)t * ROWS, to = from + ROWS;
			blocks[t].set = set;
			blocks[t].from = from < set->count ? from : set->count;
			blocks[t].to = to < set->count ? to : set->count;
		}
		vs_parallel_ranges((size_t)nt, 1, nt, format_blocks, blocks);
		for (int t = 0; t < nt && rc == 0; t++)
			if (blocks[t].failed || (blocks[t].len && fwrite(blocks[t].buf, 1, blocks[t].len, f) != blocks[t].len))
				rc = -1;
	}
	for (int t = 0; t < nt; t++)
		free(blocks[t].buf);
	return rc;
}
