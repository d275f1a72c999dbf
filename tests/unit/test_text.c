/* Unit tests: number parsing, headers, UTF-8 repair, statistics, top-k. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vectors/internal.h"
#include "core/core.h"
#include "vectors/vectors.h"

/* Parse s as a file's value is parsed: alone, and followed by a space and
 * more values (the parser then reads whole words of digits at a time): both
 * must end where s ends and equal strtof bit for bit (sign of zero too). */
static void assert_parses_as_strtof(const char *s)
{
	char padded[160];
	size_t n = strlen(s);
	assert_true(n + 48 < sizeof padded);
	memcpy(padded, s, n);
	memcpy(padded + n, " 0.25 -1.5 0.125 7.75 0.0625 -3.375 0.5 9.25 0.75", 48);
	const char *ends[] = {s + n, padded + n + 48};
	const char *starts[] = {s, padded};
	float want = strtof(s, NULL);
	for (int i = 0; i < 2; i++) {
		float got = -1;
		const char *e = vs_parse_float(starts[i], ends[i], &got);
		assert_ptr_equal(e, starts[i] + n);
		assert_memory_equal(&got, &want, sizeof got);
	}
}

static void parse_float_equals_strtof(void **state)
{
	(void)state;
	const char *cases[] = {"0", "-0", "1", "-0.038194", "0.72812", "1e-05", "0.00001", "3.4028235e38",
	                       "1.17549435e-38", "123456789", "0.1234567890123", "-7.5E+3", "+2.5", "5.",
	                       ".5", "16777217", "0.000000000001", "9999999999.5", "1e10", "1e-10", "1e-45",
	                       /* 16 digits whose nearest double is exactly halfway between two floats:
	                        * rounding through double would go the wrong way for the last two */
	                       "64.95209121704101", "67.05834579467774", "76.47523117065429", "65.36768722534179"};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_parses_as_strtof(cases[i]);
	}
	/* many random decimals of the kind vector files hold */
	srand(7);
	char buf[64];
	for (int i = 0; i < 200000; i++) {
		int digits = 1 + rand() % 9, exp = rand() % 8;
		snprintf(buf, sizeof buf, "%s0.%0*d%se-%d", rand() % 2 ? "-" : "", digits, rand() % 1000000000 % (int)pow(10, digits),
		         "", exp);
		assert_parses_as_strtof(buf);
	}
}

/* decimals of 1 to 16 digits with 1 to 22 places, and float midpoints written
 * out exactly, through the multiplication by 10^-k (and its guard) */
static void parse_float_negative_exponents(void **state)
{
	(void)state;
	srand(13);
	char buf[96];
	for (int i = 0; i < 400000; i++) {
		int digits = 1 + rand() % 16, places = 1 + rand() % 22;
		unsigned long long m = ((unsigned long long)rand() << 31 ^ (unsigned long long)rand()) % 10000000000000000ull;
		unsigned long long lim = 1;
		for (int d = 0; d < digits; d++)
			lim *= 10;
		snprintf(buf, sizeof buf, "%s%llue-%d", i % 2 ? "-" : "", m % lim, places);
		if (!isfinite(strtof(buf, NULL)))
			continue;
		assert_parses_as_strtof(buf);
	}
	for (int i = 0; i < 100000; i++) { /* midway between two floats, exactly: ties to even */
		uint32_t bits = 0x3c000000u + (((uint32_t)rand() << 8 ^ (uint32_t)rand()) % 0x06000000u);
		float a, b;
		memcpy(&a, &bits, sizeof a);
		b = nextafterf(a, INFINITY);
		snprintf(buf, sizeof buf, "%.25g", ((double)a + (double)b) / 2);
		assert_parses_as_strtof(buf);
	}
}

/* the shortest and the 9-digit forms of random floats (what exports hold),
 * and decimals exactly halfway between two floats (rounded twice, wrong) */
static void parse_float_long_mantissas(void **state)
{
	(void)state;
	srand(11);
	char buf[64];
	for (int i = 0; i < 300000; i++) {
		uint32_t bits = ((uint32_t)rand() << 16) ^ (uint32_t)rand();
		float v;
		memcpy(&v, &bits, sizeof v);
		if (!isfinite(v))
			continue;
		for (int prec = 6; prec <= 17; prec += 3) {
			snprintf(buf, sizeof buf, "%.*g", prec, (double)v);
			if (!isfinite(strtof(buf, NULL)))
				continue;
			assert_parses_as_strtof(buf);
		}
	}
	for (int i = 0; i < 100000; i++) { /* integers exactly halfway between two floats: ties to even */
		long k = (1L << 24) + 2L * (rand() % (1 << 23)) + 1; /* odd, in [2^24, 2^25): floats are 2 apart */
		if (i % 2)
			k = (1L << 25) + 4L * (rand() % (1 << 23)) + 2; /* 2 mod 4 in [2^25, 2^26) */
		snprintf(buf, sizeof buf, "%s%ld", i % 3 ? "" : "-", k);
		assert_parses_as_strtof(buf);
	}
}

/* fixed notation, as most vector files write it ([-]D.DDDDDDDD): 1 to 8
 * integer digits, 0 to 17 decimals, leading zeros, float midpoints written
 * out in full, and values that only look like decimals */
static void parse_float_fixed_notation(void **state)
{
	(void)state;
	srand(17);
	char buf[96];
	for (int i = 0; i < 400000; i++) {
		uint32_t bits = 0x30000000u + (((uint32_t)rand() << 8 ^ (uint32_t)rand()) % 0x1C000000u);
		float v;
		memcpy(&v, &bits, sizeof v);
		snprintf(buf, sizeof buf, "%s%.*f", i % 2 ? "-" : "", rand() % 18, (double)v);
		if (strlen(buf) < 40)
			assert_parses_as_strtof(buf);
	}
	for (int i = 0; i < 100000; i++) { /* exactly midway between two floats, in fixed notation */
		uint32_t bits = 0x3c000000u + (((uint32_t)rand() << 8 ^ (uint32_t)rand()) % 0x0A000000u);
		float a, b;
		memcpy(&a, &bits, sizeof a);
		b = nextafterf(a, INFINITY);
		snprintf(buf, sizeof buf, "%.19f", ((double)a + (double)b) / 2);
		buf[strlen(buf) > 30 ? 30 : strlen(buf)] = '\0';
		assert_parses_as_strtof(buf);
	}
	for (int i = 0; i < 200000; i++) { /* 15-16 digits next to a midpoint: within a double's error of it */
		uint32_t bits = 0x3d800000u + (((uint32_t)rand() << 8 ^ (uint32_t)rand()) % 0x02800000u);
		float a, b;
		memcpy(&a, &bits, sizeof a); /* in [0.0625, 8) */
		b = nextafterf(a, INFINITY);
		double mid = ((double)a + (double)b) / 2;
		snprintf(buf, sizeof buf, "%.*f", mid < 1 ? 16 : 15, mid);
		assert_parses_as_strtof(buf);
	}
	const char *shapes[] = {"0.0", "-0.0", "00000000.5", "12345678.12345678", "1.", "0.00000000000000001",
	                        "7.000000000000000000000001", "0.1000000000000000055511151231257827"};
	for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
		assert_parses_as_strtof(shapes[i]);
	const char *bad[] = {"0.5x", "1.2.3", "0.5e", "0.5e+", "-.", "1.5-2", "0.12345678901234567x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char padded[96];
		float f;
		snprintf(padded, sizeof padded, "%s 0.25 0.5 0.75 0.125 0.375 0.625 0.875", bad[i]);
		const char *e = vs_parse_float(padded, padded + strlen(padded), &f);
		assert_true(e == NULL || e != padded + strlen(bad[i]));
	}
}

static void parse_float_rejects(void **state)
{
	(void)state;
	const char *bad[] = {"nan", "NaN", "inf", "-inf", "infinity", "0x1p3", "1e39", "-1e39", "abc", "1.2.3",
	                     "--1", "1e", "", "e5", "."};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		float f;
		const char *s = bad[i];
		const char *e = vs_parse_float(s, s + strlen(s), &f);
		/* either rejected, or stopped before the end (then the caller rejects the field) */
		assert_true(e == NULL || e != s + strlen(s));
	}
}

static void header_parsing(void **state)
{
	(void)state;
	size_t c, d, hl;
	const char *h = "400000 300\nthe 0.1";
	assert_int_equal(vs_parse_header(h, strlen(h), &c, &d, &hl), 1);
	assert_int_equal(c, 400000);
	assert_int_equal(d, 300);
	assert_int_equal(hl, 11);
	const char *crlf = "3 2 \r\nx 1 2";
	assert_int_equal(vs_parse_header(crlf, strlen(crlf), &c, &d, &hl), 1);
	assert_int_equal(d, 2);
	const char *glove = "the 0.1 0.2\n";
	assert_int_equal(vs_parse_header(glove, strlen(glove), &c, &d, &hl), 0);
	const char *three = "1 2 3\n";
	assert_int_equal(vs_parse_header(three, strlen(three), &c, &d, &hl), 0);
}

static void utf8_repair_like_python(void **state)
{
	(void)state;
	/* expected from Python: bytes.decode('utf-8', 'replace') */
	const char in[] = "caf\xc3 na\xc3\xafve \xff \xe2\x82 \xed\xa0\x80 \xf0\x9f\x98 \xc0\xaf";
	const char want[] = "caf\xef\xbf\xbd na\xc3\xafve \xef\xbf\xbd \xef\xbf\xbd "
	                    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd \xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd";
	char out[256];
	size_t n = vs_utf8_repair(in, sizeof in - 1, out);
	assert_int_equal(n, sizeof want - 1);
	assert_string_equal(out, want);
	assert_int_equal(vs_utf8_invalid_count(in, sizeof in - 1), 9);
	assert_int_equal(vs_utf8_invalid_count("na\xc3\xafve \xe4\xb8\xad", 10), 0);
}

static void utf8_upper_and_width(void **state)
{
	(void)state;
	char *u = vs_utf8_upper("Athens na\xc3\xafve \xc3\xa9t\xc3\xa9");
	assert_string_equal(u, "ATHENS NA\xc3\x8fVE \xc3\x89T\xc3\x89");
	free(u);
	assert_int_equal(vs_utf8_width("abc"), 3);
	assert_int_equal(vs_utf8_width("\xe4\xb8\xad\xe6\x96\x87"), 4); /* two wide CJK characters */
}

static void spearman_with_ties_like_scipy(void **state)
{
	(void)state;
	double x[] = {1, 2, 2, 3, 4, 4, 4, 7}, y[] = {2, 1, 3, 3, 5, 0.5, 5, 9}, r[8];
	double want_ranks[] = {1, 2.5, 2.5, 4, 6, 6, 6, 8};
	assert_int_equal(vs_rankdata(x, 8, r), 0);
	for (int i = 0; i < 8; i++)
		assert_true(r[i] == want_ranks[i]);
	/* scipy.stats.spearmanr and pearsonr on the same data */
	assert_true(fabs(vs_spearman(x, y, 8) - 0.5777400584843706) < 1e-12);
	assert_true(fabs(vs_pearson(x, y, 8) - 0.7839453457384289) < 1e-12);
	double c[] = {1, 1, 1};
	assert_true(isnan(vs_pearson(c, x, 3)));
}

static int cmp_desc(const void *a, const void *b)
{
	const vs_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->index < y->index ? -1 : x->index > y->index;
}

static void topk_equals_full_sort(void **state)
{
	(void)state;
	srand(11);
	size_t n = 5000;
	float *s = malloc(n * sizeof *s);
	vs_hit *all = malloc(n * sizeof *all), out[50];
	for (int round = 0; round < 20; round++) {
		for (size_t i = 0; i < n; i++) {
			s[i] = (float)(rand() % 200) / 7.0f; /* many ties */
			all[i] = (vs_hit){(long)i, s[i]};
		}
		qsort(all, n, sizeof *all, cmp_desc);
		long ex[2] = {all[0].index, all[3].index};
		size_t got = vs_topk_select(s, n, 40, ex, 2, out);
		assert_int_equal(got, 40);
		size_t j = 0;
		for (size_t i = 0; i < 40; i++) {
			while (all[j].index == ex[0] || all[j].index == ex[1])
				j++;
			assert_int_equal(out[i].index, all[j].index);
			assert_true(out[i].score == all[j].score);
			j++;
		}
	}
	/* fewer items than k */
	assert_int_equal(vs_topk_select(s, 3, 10, NULL, 0, out), 3);
	free(s);
	free(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_float_equals_strtof),
		cmocka_unit_test(parse_float_long_mantissas),
		cmocka_unit_test(parse_float_negative_exponents),
		cmocka_unit_test(parse_float_fixed_notation),
		cmocka_unit_test(parse_float_rejects),
		cmocka_unit_test(header_parsing),
		cmocka_unit_test(utf8_repair_like_python),
		cmocka_unit_test(utf8_upper_and_width),
		cmocka_unit_test(spearman_with_ties_like_scipy),
		cmocka_unit_test(topk_equals_full_sort),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
