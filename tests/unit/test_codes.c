/* Unit tests: scans through int8 codes give the float32 brute force's
 * answers (same words, same order, scores to 1e-6) on 1,000 random queries
 * over real vectors (the bundled GloVe demo, 25,000 x 100), and on a set
 * with duplicate rows, zero rows and rows of very different lengths. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "vectors/internal.h"
#include "vectors/vectors.h"

static vs_vecset *glove(void)
{
	vs_error err;
	vs_load_options opt = {0};
	vs_vecset *s = vs_load("examples/data/glove-demo.txt.gz", &opt, NULL, &err);
	if (!s)
		fail_msg("%s", err.msg);
	return s;
}

/* The same hits: words, order, scores to 1e-6; two words may only swap where
 * their scores tie to the last bits (a row at the edge of one of OpenBLAS's
 * thread parts may get a sum one ulp off). */
static void same_hits(const vs_hit *a, size_t na, const vs_hit *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t h = 0; h < na; h++) {
		if (!(a[h].score == b[h].score || fabsf(a[h].score - b[h].score) <= 1e-6f))
			print_message("hit %zu: %ld %.9g vs %ld %.9g\n", h, a[h].index, a[h].score, b[h].index, b[h].score);
		assert_true(a[h].score == b[h].score || fabsf(a[h].score - b[h].score) <= 1e-6f);
		if (a[h].index != b[h].index)
			assert_true((h + 1 < na && fabsf(a[h].score - a[h + 1].score) <= 1e-6f) ||
			            (h > 0 && fabsf(a[h].score - a[h - 1].score) <= 1e-6f));
	}
}

static size_t swaps;

static void compare_nn(vs_vecset *s, const long *pos, size_t npos, const long *neg, size_t nneg, size_t k,
                       size_t restrict_vocab)
{
	vs_hit a[64], b[64];
	size_t na, nb;
	vs_error err;
	vs_set_scan_policy(VS_SCAN_FLOAT);
	int ra = vs_most_similar(s, pos, npos, neg, nneg, k, restrict_vocab, a, &na, &err);
	vs_set_scan_policy(VS_SCAN_CODES);
	int rb = vs_most_similar(s, pos, npos, neg, nneg, k, restrict_vocab, b, &nb, &err);
	assert_int_equal(ra, rb);
	if (ra == 0)
		same_hits(a, na, b, nb);
	for (size_t h = 0; ra == 0 && h < na; h++)
		swaps += a[h].index != b[h].index;
}

static void nn_on_real_vectors(void **state)
{
	(void)state;
	vs_vecset *s = glove();
	srand(11);
	size_t candidates = 0;
	for (int q = 0; q < 1000; q++) {
		long w = rand() % (long)s->count;
		size_t k = 1 + (size_t)(rand() % 40);
		compare_nn(s, &w, 1, NULL, 0, k, 0);
		candidates += vs_codes_last_candidates();
	}
	/* analogies (three words), and a restricted vocabulary */
	for (int q = 0; q < 200; q++) {
		long p[2] = {rand() % 2000, rand() % 2000}, n[1] = {rand() % 2000};
		if (p[0] == p[1] || p[0] == n[0] || p[1] == n[0])
			continue;
		compare_nn(s, p, 2, n, 1, 10, q % 2 ? 0 : 5000 + (size_t)q * 7);
	}
	print_message("codes: %.1f float32 rows a query of %zu; %zu swapped ties\n", candidates / 1000.0, s->count,
	              swaps);
	assert_true(candidates / 1000 < s->count / 20); /* the codes prune: fewer than 5% re-ranked */
	assert_int_equal(swaps, 0);
	vs_set_scan_policy(VS_SCAN_AUTO);
	vs_vecset_free(s);
}

static void rank_and_vector_queries(void **state)
{
	(void)state;
	vs_vecset *s = glove();
	vs_error err;
	srand(12);
	for (int q = 0; q < 300; q++) {
		long a = rand() % (long)s->count, b = rand() % (long)s->count;
		vs_set_scan_policy(VS_SCAN_FLOAT);
		size_t ra = vs_rank(s, a, b, &err);
		vs_set_scan_policy(VS_SCAN_CODES);
		size_t rb = vs_rank(s, a, b, &err);
		assert_int_equal(ra, rb);
	}
	float v[100];
	for (int q = 0; q < 100; q++) {
		for (int d = 0; d < 100; d++)
			v[d] = (float)rand() / RAND_MAX - 0.5f;
		vs_hit a[10], b[10];
		size_t na, nb;
		vs_set_scan_policy(VS_SCAN_FLOAT);
		assert_int_equal(vs_nearest_to_vector(s, v, 10, a, &na, &err), 0);
		vs_set_scan_policy(VS_SCAN_CODES);
		assert_int_equal(vs_nearest_to_vector(s, v, 10, b, &nb, &err), 0);
		same_hits(a, na, b, nb);
	}
	vs_set_scan_policy(VS_SCAN_AUTO);
	vs_vecset_free(s);
}

/* Duplicate rows tie exactly (the lower index first, in both scans), zero
 * rows are never hits, and rows scaled by 1e-30 or 1e30 keep their cosines. */
static void ties_zeros_and_scales(void **state)
{
	(void)state;
	enum { N = 6000, D = 37 };
	float *v = malloc((size_t)N * D * sizeof *v);
	char **names = malloc(N * sizeof *names);
	assert_non_null(v);
	assert_non_null(names);
	srand(13);
	for (size_t i = 0; i < (size_t)N * D; i++)
		v[i] = (float)rand() / RAND_MAX - 0.5f;
	for (int i = 0; i < N; i++) {
		names[i] = malloc(16);
		snprintf(names[i], 16, "w%d", i);
		if (i % 10 == 3) /* a copy of an earlier row */
			memcpy(v + (size_t)i * D, v + (size_t)(i / 2) * D, D * sizeof *v);
		if (i % 97 == 5)
			memset(v + (size_t)i * D, 0, D * sizeof *v);
		if (i % 89 == 7 || i % 83 == 9)
			for (int d = 0; d < D; d++)
				v[(size_t)i * D + d] *= i % 89 == 7 ? 1e-30f : 1e30f;
	}
	vs_error err;
	vs_vecset *s = vs_vecset_from_arrays((const char *const *)names, N, v, D, &err);
	assert_non_null(s);
	for (long w = 0; w < N; w += 13)
		if (s->norms[w] > 0)
			compare_nn(s, &w, 1, NULL, 0, 25, 0);
	assert_int_equal(swaps, 0);
	vs_set_scan_policy(VS_SCAN_AUTO);
	vs_vecset_free(s);
	for (int i = 0; i < N; i++)
		free(names[i]);
	free(names);
	free(v);
}

/* nn's first pass reads each code's high four bits and bounds what the low
 * ones add: the bounds hold every row's int8 interval, on real vectors and
 * on rows made to sit at the bounds' edges (every code 127, or -127, so the
 * low bits add their most or least; one spike; alternating signs; tiny and
 * huge scales; zero rows), with queries of one sign, mixed signs and spikes;
 * and the vector kernels give the plain loops' sums. */
static void first_pass_bounds(void **state)
{
	(void)state;
	vs_set_scan_policy(VS_SCAN_CODES);
	vs_vecset *g = glove();
	srand(29);
	float q[100];
	for (int t = 0; t < 40; t++) {
		for (int d = 0; d < 100; d++)
			q[d] = (float)rand() / RAND_MAX - (t % 3 == 0 ? 0.0f : 0.5f);
		assert_int_equal(vs_codes_bounds_hold(g, q), 0);
	}
	vs_vecset_free(g);
	enum { N = 203, D = 70 };
	float *v = calloc((size_t)N * D, sizeof *v);
	char **names = malloc(N * sizeof *names);
	assert_non_null(v);
	assert_non_null(names);
	for (int i = 0; i < N; i++) {
		names[i] = malloc(16);
		snprintf(names[i], 16, "r%d", i);
		float *r = v + (size_t)i * D;
		for (int d = 0; d < D; d++) {
			switch (i % 7) {
			case 0: r[d] = 1.0f; break;                             /* every code 127 */
			case 1: r[d] = -2.5f; break;                            /* every code -127 */
			case 2: r[d] = d == i % D ? 3.0f : 0.0f; break;         /* one spike */
			case 3: r[d] = d % 2 ? 0.7f : -0.7f; break;             /* alternating */
			case 4: r[d] = (float)rand() / RAND_MAX * (i % 2 ? 1e-30f : 1e30f); break;
			case 5: r[d] = 0.0f; break;                             /* zero */
			default: r[d] = (float)rand() / RAND_MAX - 0.5f; break;
			}
		}
	}
	vs_error err;
	vs_vecset *s = vs_vecset_from_arrays((const char *const *)names, N, v, D, &err);
	assert_non_null(s);
	float w[D];
	for (int t = 0; t < 12; t++) {
		for (int d = 0; d < D; d++)
			w[d] = t % 4 == 0 ? 1.0f : t % 4 == 1 ? -1.0f : t % 4 == 2 ? (d == t ? 5.0f : 0.01f) :
			                                                            (float)rand() / RAND_MAX - 0.5f;
		assert_int_equal(vs_codes_bounds_hold(s, w), 0);
	}
	vs_vecset_free(s);
	/* many dimensions: every code 127 against a constant query is the
	 * largest integer dot there is (the query's scale keeps it in an int32) */
	enum { M = 9, E = 2000 };
	float *big = malloc((size_t)M * E * sizeof *big), *bq = malloc(E * sizeof *bq);
	assert_non_null(big);
	assert_non_null(bq);
	for (int i = 0; i < M; i++)
		for (int d = 0; d < E; d++)
			big[(size_t)i * E + d] = i == 0 ? 1.0f : i == 1 ? -1.0f : (float)rand() / RAND_MAX - 0.5f;
	vs_vecset *h = vs_vecset_from_arrays((const char *const *)names, M, big, E, &err);
	assert_non_null(h);
	for (int t = 0; t < 2; t++) {
		for (int d = 0; d < E; d++)
			bq[d] = t == 0 ? 1.0f : (float)rand() / RAND_MAX - 0.5f;
		assert_int_equal(vs_codes_bounds_hold(h, bq), 0);
	}
	vs_vecset_free(h);
	free(big);
	free(bq);
	vs_set_scan_policy(VS_SCAN_AUTO);
	for (int i = 0; i < N; i++)
		free(names[i]);
	free(names);
	free(v);
}

/* save --dtype: the rows read back rounded (f16 as numpy's float16; int8
 * within half a step of each row's scale); a scan through the file's codes
 * makes only its candidates' rows and gives the answers of a float32 scan
 * of the rounded rows; the file says what it holds. */
static void rounded_files(void **state)
{
	(void)state;
	vs_vecset *s = glove();
	vs_error err;
	char path[64];
	for (int t = 0; t < 2; t++) {
		vs_vec_dtype dtype = t ? VS_VEC_INT8 : VS_VEC_F16;
		snprintf(path, sizeof path, "/tmp/vecsh-test-%d-%s.vecs", (int)getpid(), vs_vec_dtype_name(dtype));
		assert_int_equal(vs_vecs_write_as(s, path, dtype, &err), 0);
		vs_load_options opt = {0};
		vs_vecset *r = vs_load(path, &opt, NULL, &err);
		if (!r)
			fail_msg("%s", err.msg);
		assert_int_equal((int)r->dtype, (int)dtype);
		assert_int_equal(r->count, s->count);
		enum { Q = 60, K = 10 };
		vs_hit codes[Q][K], flt[Q][K];
		size_t nc[Q], nf[Q];
		long words[Q];
		uint64_t seed = 7;
		vs_set_scan_policy(VS_SCAN_AUTO); /* the file's codes */
		size_t cands = 0;
		for (int q = 0; q < Q; q++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			words[q] = (long)((seed >> 33) % r->count);
			assert_int_equal(vs_most_similar(r, &words[q], 1, NULL, 0, K, 0, codes[q], &nc[q], &err), 0);
			cands += vs_codes_last_candidates();
		}
		size_t made = 0;
		for (size_t i = 0; i < r->count; i++)
			made += (size_t)vs_vecset_has_row(r, i);
		/* each candidate's block of 16 rows, and the query's own row */
		print_message("%s: %zu of %zu rows made for %d queries (%zu candidates)\n", vs_vec_dtype_name(dtype), made,
		              r->count, Q, cands);
		assert_true(made <= 16 * cands + Q);
		assert_true(made < r->count / 2);
		for (size_t i = 0; i < r->count; i += 97) { /* the rows as rounded */
			vs_vecset_need_row(r, i);
			const float *x = s->vectors + i * s->dims, *y = r->vectors + i * r->dims;
			float m = 0;
			for (size_t d = 0; d < s->dims; d++)
				m = fmaxf(m, fabsf(x[d]));
			for (size_t d = 0; d < s->dims; d++) {
				if (dtype == VS_VEC_F16)
					assert_true(y[d] == vs_half_to_float(vs_float_to_half(x[d])));
				else
					assert_true(fabsf(y[d] - x[d]) <= m / 127 * 0.5001f + 1e-7f);
			}
		}
		vs_set_scan_policy(VS_SCAN_FLOAT);
		for (int q = 0; q < Q; q++) {
			assert_int_equal(vs_most_similar(r, &words[q], 1, NULL, 0, K, 0, flt[q], &nf[q], &err), 0);
			same_hits(flt[q], nf[q], codes[q], nc[q]);
		}
		vs_set_scan_policy(VS_SCAN_AUTO);
		vs_vecset_free(r);
		unlink(path);
	}
	vs_vecset_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nn_on_real_vectors),
		cmocka_unit_test(rank_and_vector_queries),
		cmocka_unit_test(ties_zeros_and_scales),
		cmocka_unit_test(first_pass_bounds),
		cmocka_unit_test(rounded_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
