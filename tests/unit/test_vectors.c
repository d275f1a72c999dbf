/* Unit tests: loading, the word index, .vecs round trips and corruption,
 * and the query maths against direct computation in double precision. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "vectors/vectors.h"

static char dir[] = "/tmp/vecsh-unit-XXXXXX";

static const char *tmp(const char *name)
{
	static char path[4][256];
	static int i;
	i = (i + 1) % 4;
	snprintf(path[i], sizeof path[i], "%s/%s", dir, name);
	return path[i];
}

static void write_file(const char *path, const char *text, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
}

static const char small[] = "the 1 0 0\n"
                            "The 0.9 0.1 0\n"
                            "cat 0 1 0\n"
                            "dog 0 0.9 0.1\n"
                            "Cat 0.5 0.5 0\n"
                            "car 0 0 1\n";

static vs_vecset *load_small(void)
{
	write_file(tmp("small.txt"), small, sizeof small - 1);
	vs_load_options o = {0};
	vs_error err;
	vs_vecset *s = vs_load(tmp("small.txt"), &o, NULL, &err);
	assert_non_null(s);
	return s;
}

static void lookup_and_case_folding(void **state)
{
	(void)state;
	vs_vecset *s = load_small();
	assert_int_equal(s->count, 6);
	assert_int_equal(s->dims, 3);
	assert_int_equal(vs_vecset_find(s, "cat"), 2);
	assert_int_equal(vs_vecset_find(s, "Cat"), 4);
	assert_int_equal(vs_vecset_find(s, "cow"), -1);
	vs_error err;
	/* the first (most frequent) case variant stands for all */
	assert_int_equal(vs_vecset_find_upper(s, "CAT", 6, &err), 2);
	assert_int_equal(vs_vecset_find_upper(s, "THE", 6, &err), 0);
	/* restricted to the first 2 words, CAT is unknown */
	assert_int_equal(vs_vecset_find_upper(s, "CAT", 2, &err), -1);
	long sug[3];
	size_t n = vs_suggest(s, "cta", sug, 3);
	assert_true(n >= 1);
	assert_string_equal(vs_vecset_word(s, sug[0]), "cat");
	vs_vecset_free(s);
}

static double dot64(const float *a, const float *b, size_t n)
{
	double d = 0;
	for (size_t i = 0; i < n; i++)
		d += (double)a[i] * b[i];
	return d;
}

/* nn --file: many words at once through sgemm give what one nn each gives
 * (the same words in the same order, scores to float rounding) */
static void batch_equals_one_at_a_time(void **state)
{
	(void)state;
	enum { N = 9000, D = 40, M = 37, K = 7 };
	float *v = malloc((size_t)N * D * sizeof *v);
	char **names = malloc(N * sizeof *names);
	assert_non_null(v);
	assert_non_null(names);
	srand(5);
	for (size_t i = 0; i < (size_t)N * D; i++)
		v[i] = (float)rand() / RAND_MAX - 0.5f;
	for (int i = 0; i < N; i++) {
		names[i] = malloc(16);
		snprintf(names[i], 16, "w%d", i);
	}
	vs_error err;
	vs_vecset *s = vs_vecset_from_arrays((const char *const *)names, N, v, D, &err);
	assert_non_null(s);
	long q[M];
	for (int j = 0; j < M; j++)
		q[j] = (long)(j * 241 % N);
	vs_hit batch[M * K], one[K];
	size_t got[M], n1;
	assert_int_equal(vs_most_similar_batch(s, q, M, K, batch, got, &err), 0);
	for (int j = 0; j < M; j++) {
		assert_int_equal(vs_most_similar(s, &q[j], 1, NULL, 0, K, 0, one, &n1, &err), 0);
		assert_int_equal(got[j], n1);
		for (size_t h = 0; h < n1; h++) {
			assert_true(fabsf(batch[j * K + h].score - one[h].score) <= 1e-6f);
			if (batch[j * K + h].index != one[h].index) /* only a tie within rounding may swap */
				assert_true(fabsf(one[h].score - one[h + (h + 1 < n1 ? 1 : 0)].score) <= 2e-6f ||
				            (h > 0 && fabsf(one[h].score - one[h - 1].score) <= 2e-6f));
		}
	}
	vs_vecset_free(s);
	for (int i = 0; i < N; i++)
		free(names[i]);
	free(names);
	free(v);
}

static void most_similar_matches_definition(void **state)
{
	(void)state;
	vs_vecset *s = load_small();
	size_t n = s->count, d = s->dims;
	long pos[2] = {0, 3}, neg[1] = {2}; /* the + dog - cat */
	vs_hit hits[6];
	size_t got;
	vs_error err;
	assert_int_equal(vs_most_similar(s, pos, 2, neg, 1, 6, 0, hits, &got, &err), 0);
	assert_int_equal(got, 3); /* the three query words are left out */
	/* the definition, in double precision */
	double mean[3] = {0}, len = 0;
	for (int t = 0; t < 3; t++) {
		long w = t < 2 ? pos[t] : neg[0];
		const float *v = s->vectors + w * d;
		double nv = sqrt(dot64(v, v, d));
		for (size_t k = 0; k < d; k++)
			mean[k] += (t < 2 ? 1 : -1) * v[k] / nv;
	}
	for (size_t k = 0; k < d; k++)
		len += mean[k] * mean[k];
	len = sqrt(len);
	double best = -2;
	long best_i = -1;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || i == 2 || i == 3)
			continue;
		const float *v = s->vectors + i * d;
		double c = 0;
		for (size_t k = 0; k < d; k++)
			c += v[k] * mean[k];
		c /= len * sqrt(dot64(v, v, d));
		if (c > best)
			best = c, best_i = (long)i;
	}
	assert_int_equal(hits[0].index, best_i);
	assert_true(fabs(hits[0].score - best) < 1e-6);
	assert_true(hits[0].score >= hits[1].score && hits[1].score >= hits[2].score);

	/* 3CosMul: ((1+cos(w,b))/2 * (1+cos(w,c))/2) / ((1+cos(w,a))/2 + 1e-6) */
	long cp[2] = {3, 5}, cn[1] = {0};
	assert_int_equal(vs_most_similar_cosmul(s, cp, 2, cn, 1, 3, hits, &got, &err), 0);
	for (size_t h = 0; h < got; h++) {
		const float *w = s->vectors + hits[h].index * d;
		double nw = sqrt(dot64(w, w, d)), f[3];
		long ids[3] = {3, 5, 0};
		for (int t = 0; t < 3; t++) {
			const float *v = s->vectors + ids[t] * d;
			f[t] = (1 + dot64(w, v, d) / (nw * sqrt(dot64(v, v, d)))) / 2;
		}
		assert_true(fabs(hits[h].score - f[0] * f[1] / (f[2] + 1e-6)) < 1e-5);
	}

	assert_true(fabs(vs_similarity(s, 2, 3) - 0.9 / sqrt(0.82)) < 1e-6);
	/* rank of dog among cat's neighbours: only Cat... no: dog (0.994) is nearest */
	assert_int_equal(vs_rank(s, 2, 3, &err), 1);
	long odd[4] = {2, 3, 4, 5};
	assert_int_equal(vs_rank_by_centrality(s, odd, 4, hits, &err), 0);
	assert_int_equal(hits[3].index, 5); /* car does not match */
	vs_vecset_free(s);
}

static void formats_round_trip(void **state)
{
	(void)state;
	vs_vecset *s = load_small();
	vs_error err;
	const vs_format fmts[] = {VS_FMT_VECS, VS_FMT_WORD2VEC, VS_FMT_WORD2VEC_BIN, VS_FMT_GLOVE};
	const char *names[] = {"rt.vecs", "rt.w2v", "rt.bin", "rt.glove"};
	const char *detected[] = {"vecs", "word2vec", "word2vec-bin", "glove"};
	for (int f = 0; f < 4; f++) {
		assert_int_equal(vs_save(s, tmp(names[f]), fmts[f], &err), 0);
		vs_load_options o = {0};
		vs_load_report rep;
		vs_vecset *t = vs_load(tmp(names[f]), &o, &rep, &err);
		assert_non_null(t);
		assert_string_equal(rep.format, detected[f]);
		assert_int_equal(t->count, s->count);
		assert_int_equal(t->dims, s->dims);
		for (size_t i = 0; i < s->count; i++) {
			assert_string_equal(vs_vecset_word(t, i), vs_vecset_word(s, i));
			assert_int_equal(vs_vecset_find(t, vs_vecset_word(s, i)), (long)i);
		}
		assert_memory_equal(t->vectors, s->vectors, s->count * s->dims * sizeof(float));
		assert_memory_equal(t->norms, s->norms, s->count * sizeof(float));
		vs_vecset_free(t);
	}
	/* no temporary files are left behind */
	char cmd[512];
	snprintf(cmd, sizeof cmd, "ls %s | grep -q tmp", dir);
	assert_int_not_equal(system(cmd), 0);
	vs_vecset_free(s);
}

/* A .vecs file of the set (its rows as float32, or rounded: version 4)
 * truncated, its header and every body byte flipped, a code changed. */
static void corrupted(vs_vecset *s, vs_vec_dtype dtype)
{
	vs_error err;
	assert_int_equal(vs_vecs_write_as(s, tmp("c.vecs"), dtype, &err), 0);
	FILE *f = fopen(tmp("c.vecs"), "rb");
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	char *buf = malloc((size_t)size);
	fseek(f, 0, SEEK_SET);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	/* every truncation is refused */
	for (long cut = 0; cut < size; cut += 7) {
		write_file(tmp("cut.vecs"), buf, (size_t)cut);
		vs_load_options o = {.format = VS_FMT_VECS};
		vs_vecset *t = vs_load(tmp("cut.vecs"), &o, NULL, &err);
		assert_null(t);
	}
	/* flipping header bytes never crashes: either refused or a consistent set */
	for (int at = 0; at < 192; at++) {
		char *c = malloc((size_t)size);
		memcpy(c, buf, (size_t)size);
		c[at] ^= (char)0x5a;
		write_file(tmp("flip.vecs"), c, (size_t)size);
		vs_load_options o = {0};
		vs_vecset *t = vs_load(tmp("flip.vecs"), &o, NULL, &err);
		if (t) {
			for (size_t i = 0; i < t->count; i++)
				(void)vs_vecset_find(t, vs_vecset_word(t, i));
			vs_vecset_free(t);
		}
		free(c);
	}
	/* any byte of the body changed (words, tables, vectors, codes, the sorted
	 * words): refused at open, or by the checksums of verify */
	uint64_t body_end;
	memcpy(&body_end, buf + 112, 8);
	assert_true(body_end > 192 && body_end <= (uint64_t)size);
	for (uint64_t at = 192; at < body_end; at++) {
		char *c = malloc((size_t)size);
		memcpy(c, buf, (size_t)size);
		c[at] ^= (char)0x21;
		write_file(tmp("flip.vecs"), c, (size_t)size);
		vs_load_options o = {0};
		vs_vecset *t = vs_load(tmp("flip.vecs"), &o, NULL, &err);
		vs_vecs_check chk;
		if (t)
			assert_int_equal(vs_vecs_verify(tmp("flip.vecs"), &chk, &err), -1);
		vs_vecset_free(t);
		free(c);
	}
	/* a code of the first row (always in the sample checked at open) */
	uint64_t codes_off;
	memcpy(&codes_off, buf + 128, 8);
	buf[codes_off] ^= 1;
	write_file(tmp("code.vecs"), buf, (size_t)size);
	vs_load_options o = {0};
	assert_null(vs_load(tmp("code.vecs"), &o, NULL, &err));
	assert_non_null(strstr(err.msg, "codes that do not match their rows"));
	free(buf);
}

static int count_word(const char *word, void *ctx)
{
	(void)word;
	++*(size_t *)ctx;
	return 0;
}

static void corrupt_vecs_files_are_refused(void **state)
{
	(void)state;
	vs_vecset *s = load_small();
	corrupted(s, VS_VEC_F32);
	corrupted(s, VS_VEC_F16);
	corrupted(s, VS_VEC_INT8);
	vs_vecset_free(s);
}

/* Rows of 300 values as files write them (%.9g, fastText's %.5g, %e, long
 * fixed decimals; separated by runs of spaces and tabs, CRLF and trailing
 * spaces; 64-byte blocks of the line cut values anywhere): every value equals
 * strtof's; a bad value far into a row is named by its place. */
static void long_rows_equal_strtof(void **state)
{
	(void)state;
	enum { ROWS = 200, DIMS = 300 };
	size_t cap = (size_t)ROWS * DIMS * 40 + 4096, n = 0;
	char *text = malloc(cap);
	float *want = malloc(sizeof(float) * ROWS * DIMS);
	assert_true(text && want);
	srand(23);
	n += (size_t)snprintf(text + n, cap - n, "%d %d\n", ROWS, DIMS);
	for (int r = 0; r < ROWS; r++) {
		n += (size_t)snprintf(text + n, cap - n, "w%d", r);
		for (int d = 0; d < DIMS; d++) {
			double v = ((double)rand() / RAND_MAX - 0.5) * pow(10, rand() % 7 - 4);
			const char *sep = r % 5 == 1 ? (d % 7 ? " " : "\t  ") : " ";
			char num[64];
			switch ((r + d) % 4) {
			case 0: snprintf(num, sizeof num, "%.9g", v); break;
			case 1: snprintf(num, sizeof num, "%.5g", v); break;
			case 2: snprintf(num, sizeof num, "%e", v); break;
			default: snprintf(num, sizeof num, "%.*f", 1 + rand() % 17, v); break;
			}
			want[r * DIMS + d] = strtof(num, NULL);
			n += (size_t)snprintf(text + n, cap - n, "%s%s", sep, num);
		}
		n += (size_t)snprintf(text + n, cap - n, "%s", r % 3 == 0 ? " \n" : r % 3 == 1 ? "\r\n" : "\n");
	}
	write_file(tmp("long.vec"), text, n);
	vs_load_options o = {0};
	vs_error err;
	vs_vecset *s = vs_load(tmp("long.vec"), &o, NULL, &err);
	assert_non_null(s);
	assert_int_equal(s->count, ROWS);
	assert_memory_equal(s->vectors, want, sizeof(float) * ROWS * DIMS);
	vs_vecset_free(s);
	/* row 150's value 257 spoiled, far into its line */
	char *row = strstr(text, "\nw150 ") + 1, *p = row;
	for (int k = 0; k < 257; k++) {
		p = strpbrk(p, " \t");
		while (*p == ' ' || *p == '\t')
			p++;
	}
	p[1] = p[1] == '-' ? 'x' : 'y'; /* -0.12 -> -x.12, 0.12 -> 0y12 */
	write_file(tmp("long-bad.vec"), text, n);
	assert_null(vs_load(tmp("long-bad.vec"), &o, NULL, &err));
	assert_non_null(strstr(err.msg, "line 152: value 257 is not a finite number"));
	free(text);
	free(want);
}

/* Decimals up to 15 characters (what the vectorised reader takes) that are
 * hard to round: float midpoints written out exactly (between 2^16 and 2^24
 * they fit) and near ones in fixed notation, signed zeros, a bare point;
 * every value equals strtof's. */
static void tricky_decimals_equal_strtof(void **state)
{
	(void)state;
	enum { ROWS = 100, DIMS = 1000 };
	size_t cap = (size_t)ROWS * DIMS * 20 + 4096, n = 0;
	char *text = malloc(cap);
	float *want = malloc(sizeof(float) * ROWS * DIMS);
	assert_true(text && want);
	srand(29);
	n += (size_t)snprintf(text + n, cap - n, "%d %d\n", ROWS, DIMS);
	const char *fixed[] = {"0.0", "-0.0", "1.", "-7.", "00000000.5", "12345678.12345", "0.000000000001"};
	for (int r = 0; r < ROWS; r++) {
		n += (size_t)snprintf(text + n, cap - n, "w%d", r);
		for (int d = 0; d < DIMS; d++) {
			char num[64];
			uint32_t bits = 0x38000000u + (((uint32_t)rand() << 8 ^ (uint32_t)rand()) % 0x0E000000u);
			float a, b;
			memcpy(&a, &bits, sizeof a);
			b = nextafterf(a, INFINITY);
			double mid = ((double)a + (double)b) / 2;
			int k = 16 + rand() % 8; /* a float midpoint in [2^k, 2^(k+1)) is a multiple of 2^(k-24): exact in 24-k places */
			float big = ldexpf(1.0f + (float)(rand() % (1 << 23)) / (1 << 23), k);
			double bigmid = ((double)big + (double)nextafterf(big, INFINITY)) / 2;
			switch (d % 5) {
			case 4: snprintf(num, sizeof num, "%s%.*f", rand() % 2 ? "-" : "", 24 - k, bigmid); break;
			case 0: snprintf(num, sizeof num, "%.*f", rand() % 14, (double)a); break;
			case 1: snprintf(num, sizeof num, "%.20f", mid); break;
			case 2: snprintf(num, sizeof num, "%s", fixed[rand() % 7]); break;
			default: snprintf(num, sizeof num, "-%.13f", mid * (rand() % 2 ? 1 : 1 + 1e-15)); break;
			}
			num[15] = '\0'; /* the reader's 16 bytes: the rest are cut away, the decimal is still exact */
			want[r * DIMS + d] = strtof(num, NULL);
			n += (size_t)snprintf(text + n, cap - n, " %s", num);
		}
		n += (size_t)snprintf(text + n, cap - n, "\n");
	}
	write_file(tmp("tricky.vec"), text, n);
	vs_load_options o = {0};
	vs_error err;
	vs_vecset *s = vs_load(tmp("tricky.vec"), &o, NULL, &err);
	assert_non_null(s);
	assert_memory_equal(s->vectors, want, sizeof(float) * ROWS * DIMS);
	vs_vecset_free(s);
	free(text);
	free(want);
}

/* A large plain file is mapped, not copied: one cut short underneath while
 * it is read gives zero pages and an error naming it, not a SIGBUS; pages
 * read are let go as the reader moves on. */
static void mapped_stream_cut_short(void **state)
{
	(void)state;
	size_t size = 20u << 20;
	char *text = malloc(size);
	assert_non_null(text);
	memset(text, 'a', size);
	write_file(tmp("mapped.txt"), text, size);
	free(text);
	vs_map_guard_install();
	setenv("VECSH_STREAM_WINDOW", "map", 1);
	FILE *f = fopen(tmp("mapped.txt"), "rb");
	assert_non_null(f);
	vs_stream st;
	vs_error err;
	assert_int_equal(vs_stream_open(&st, tmp("mapped.txt"), fileno(f), 0, 1u << 20, &err), 0);
	unsetenv("VECSH_STREAM_WINDOW");
	assert_int_not_equal(st.map_len, 0);
	assert_int_equal(vs_stream_fill(&st, 4096, &err), (long)size);
	assert_int_equal(st.buf[size], '\0');
	st.pos = size / 2;
	assert_int_equal(vs_stream_fill(&st, 4096, &err), (long)(size - size / 2));
	assert_int_equal(st.released, 8u << 20);
	assert_int_equal(vs_stream_intact(&st, &err), 0);
	assert_int_equal(truncate(tmp("mapped.txt"), 4096), 0);
	volatile char c = st.buf[size - 100]; /* past the new end: SIGBUS, caught */
	assert_int_equal(c, 0);
	assert_int_equal(vs_stream_intact(&st, &err), -1);
	assert_non_null(strstr(err.msg, "mapped.txt: the file changed on disk while it was read"));
	assert_int_equal(vs_stream_fill(&st, 4096, &err), -1);
	vs_stream_close(&st);
	fclose(f);
}

/* Mappings registered from two threads at once (index --lines reads a
 * file's pieces on every core) are each guarded: cut short underneath, each
 * reads as zeros and is found damaged, under its own name. */
enum { GUARDED = 60 };
typedef struct guard_job {
	int first;
	char *map[GUARDED];
} guard_job;

static void *map_and_register(void *arg)
{
	guard_job *g = arg;
	for (int k = g->first; k < g->first + GUARDED / 2; k++) {
		char name[32], path[512]; /* not tmp(): its buffers are shared between threads */
		snprintf(name, sizeof name, "guarded-%d", k);
		snprintf(path, sizeof path, "%s/%s", dir, name);
		int fd = open(path, O_RDONLY);
		g->map[k] = fd >= 0 ? mmap(NULL, 8192, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
		if (fd >= 0)
			close(fd);
		if (g->map[k] != MAP_FAILED)
			vs_map_register(g->map[k], 8192, name);
	}
	return NULL;
}

static void mappings_registered_at_once(void **state)
{
	(void)state;
	vs_map_guard_install();
	char page[8192];
	memset(page, 'x', sizeof page);
	for (int k = 0; k < GUARDED; k++) {
		char name[32];
		snprintf(name, sizeof name, "guarded-%d", k);
		write_file(tmp(name), page, sizeof page);
	}
	guard_job a = {.first = 0}, b = {.first = GUARDED / 2};
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, map_and_register, &b), 0);
	map_and_register(&a);
	pthread_join(t, NULL);
	for (int k = 0; k < GUARDED; k++) {
		char *m = k < GUARDED / 2 ? a.map[k] : b.map[k];
		assert_true(m != MAP_FAILED);
		char name[32];
		snprintf(name, sizeof name, "guarded-%d", k);
		assert_int_equal(truncate(tmp(name), 0), 0);
		volatile char c = m[4096]; /* SIGBUS, caught: this mapping is known */
		assert_int_equal(c, 0);
		assert_int_equal(vs_map_is_damaged(m), 1);
		void *at = NULL;
		const char *path = vs_map_take_damage(&at);
		assert_ptr_equal(at, m);
		assert_string_equal(path, name);
		vs_map_unregister(m);
		munmap(m, 8192);
		unlink(tmp(name));
	}
}

/* An open reads nothing a word (2 million words open in milliseconds): a big
 * set's word table, hash slots and sorted order damaged where the open's
 * sample does not look are checked where they are read: a damaged word
 * reads as empty, a slot or sorted entry out of range finds nothing; no
 * crash, and verify names the damage. */
static void vecs_damage_found_where_read(void **state)
{
	(void)state;
	enum { N = 1000, D = 4 };
	char *names[N];
	float v[N * D];
	for (int i = 0; i < N; i++) {
		names[i] = malloc(16);
		snprintf(names[i], 16, "w%04d", i);
		for (int d = 0; d < D; d++)
			v[i * D + d] = (float)((i * 7 + d * 13) % 17) - 8.0f;
	}
	vs_error err;
	vs_vecset *s = vs_vecset_from_arrays((const char *const *)names, N, v, D, &err);
	assert_non_null(s);
	assert_int_equal(vs_vecs_write_as(s, tmp("big.vecs"), VS_VEC_F32, &err), 0);
	vs_vecset_free(s);
	FILE *f = fopen(tmp("big.vecs"), "r+b");
	assert_non_null(f);
	uint64_t offsets_off, slots_off, sorted_off, huge = UINT64_MAX / 2;
	uint32_t bad = N + 5;
	assert_int_equal(fseek(f, 48, SEEK_SET), 0);
	assert_int_equal(fread(&offsets_off, 8, 1, f), 1);
	assert_int_equal(fseek(f, 56, SEEK_SET), 0);
	assert_int_equal(fread(&slots_off, 8, 1, f), 1);
	assert_int_equal(fseek(f, 152, SEEK_SET), 0);
	assert_int_equal(fread(&sorted_off, 8, 1, f), 1);
	fseek(f, (long)(offsets_off + 8 * 501), SEEK_SET); /* word 501: off the table */
	fwrite(&huge, 8, 1, f);
	for (int k = 0; k < 2048; k += 3) { /* a third of the slots out of range (where they hold a word) */
		uint32_t slot;
		fseek(f, (long)(slots_off + 4 * (uint64_t)k), SEEK_SET);
		assert_int_equal(fread(&slot, 4, 1, f), 1);
		if (slot && slot != 1 && slot % 15 != 1) { /* the sample looks at every 15th word */
			fseek(f, (long)(slots_off + 4 * (uint64_t)k), SEEK_SET);
			fwrite(&bad, 4, 1, f);
		}
	}
	fseek(f, (long)(sorted_off + 4 * 503), SEEK_SET);
	fwrite(&bad, 4, 1, f);
	fclose(f);
	vs_load_options o = {0};
	vs_vecset *t = vs_load(tmp("big.vecs"), &o, NULL, &err);
	assert_non_null(t);
	assert_string_equal(vs_vecset_word(t, 501), "");
	assert_string_equal(vs_vecset_word(t, 500), "w0500");
	assert_string_equal(vs_vecset_word(t, N + 3), "");
	size_t found = 0;
	for (size_t i = 0; i < N; i++)
		found += vs_vecset_find(t, vs_vecset_word(t, i)) == (long)i;
	assert_true(found > N / 2 && found < N);
	size_t listed = 0;
	assert_int_equal(vs_vecset_prefix(t, "", count_word, &listed), 0);
	assert_int_equal(listed, N);
	vs_vecset_free(t);
	vs_vecs_check chk;
	assert_int_equal(vs_vecs_verify(tmp("big.vecs"), &chk, &err), -1);
	for (int i = 0; i < N; i++)
		free(names[i]);
}

static void fuzzed_text_never_crashes(void **state)
{
	(void)state;
	srand(3);
	const char alphabet[] = "0123456789.-+eE \n\t\rab\xc3\xff";
	char buf[600];
	for (int round = 0; round < 3000; round++) {
		size_t n = (size_t)(rand() % (int)sizeof buf);
		size_t p = 0;
		if (round % 2) /* start from a valid header sometimes */
			p = (size_t)snprintf(buf, sizeof buf, "%d %d\n", rand() % 5, rand() % 4);
		for (; p < n; p++)
			buf[p] = alphabet[rand() % (int)(sizeof alphabet - 1)];
		write_file(tmp("fuzz.txt"), buf, n);
		vs_load_options o = {0};
		vs_error err;
		vs_vecset *t = vs_load(tmp("fuzz.txt"), &o, NULL, &err);
		if (t) {
			for (size_t i = 0; i < t->count * t->dims; i++)
				assert_true(isfinite(t->vectors[i]));
			vs_vecset_free(t);
		} else {
			assert_true(strlen(err.msg) > 0);
		}
	}
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lookup_and_case_folding),
		cmocka_unit_test(most_similar_matches_definition),
		cmocka_unit_test(batch_equals_one_at_a_time),
		cmocka_unit_test(formats_round_trip),
		cmocka_unit_test(corrupt_vecs_files_are_refused),
		cmocka_unit_test(long_rows_equal_strtof),
		cmocka_unit_test(tricky_decimals_equal_strtof),
		cmocka_unit_test(mapped_stream_cut_short),
		cmocka_unit_test(mappings_registered_at_once),
		cmocka_unit_test(vecs_damage_found_where_read),
		cmocka_unit_test(fuzzed_text_never_crashes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
