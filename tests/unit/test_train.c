/* Unit tests of word2vec's mechanics: vocabulary order, Huffman codes as
 * word2vec.c builds them, the noise table, the learning rate, subsampling,
 * and the same vectors from the same seed on one thread. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "train/train.h"

static const char *word_of(const vs_w2v_vocab *v, size_t i)
{
	return v->words.arena + v->words.off[i];
}

/* "</s>" first, then by count, ties as gensim's vocabulary has them (numpy's
 * argsort of the counts in order of appearance, reversed: on a short list,
 * the reverse of the order of appearance); rarer than min_count left out */
static void vocabulary_order(void **state)
{
	(void)state;
	vs_w2v_counter *c = vs_w2v_counter_new(0);
	assert_non_null(c);
	const char *words[] = {"b", "a", "c", "a", "\n", "d", "b", "c", "e", "a", "\n"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		assert_int_equal(words[i][0] == '\n' ? vs_w2v_counter_add(c, "</s>", 4) : vs_w2v_counter_add(c, words[i], 1), 0);
	vs_w2v_vocab v;
	vs_error err;
	assert_int_equal(vs_w2v_counter_finish(c, 2, &v, &err), 0);
	assert_int_equal(v.n, 4);
	assert_string_equal(word_of(&v, 0), "</s>");
	assert_string_equal(word_of(&v, 1), "a"); /* 3 */
	assert_string_equal(word_of(&v, 2), "c"); /* 2, seen after b */
	assert_string_equal(word_of(&v, 3), "b"); /* 2 */
	assert_int_equal(v.count[0], 2);
	assert_int_equal(v.total, 2 + 3 + 2 + 2);
	vs_w2v_vocab_free(&v);
	vs_w2v_counter_free(c);
}

/* a corpus with many tied counts: the words in the order gensim's
 * build_vocab gives (tests/reference/make-vocab-order.py) */
static void vocabulary_order_as_gensim(void **state)
{
	(void)state;
	size_t len;
	vs_error err;
	char *text = vs_read_file("tests/data/huffman/ties-corpus.txt", &len, &err);
	char *want = vs_read_file("tests/data/huffman/ties-order.txt", &len, &err);
	assert_non_null(text);
	assert_non_null(want);
	vs_w2v_counter *c = vs_w2v_counter_new(0);
	assert_non_null(c);
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		for (char *w = line, *end; *w; w = end + (*end != 0)) {
			end = w + strcspn(w, " ");
			if (end > w)
				assert_int_equal(vs_w2v_counter_add(c, w, (size_t)(end - w)), 0);
		}
		assert_int_equal(vs_w2v_counter_add(c, "</s>", 4), 0);
	}
	vs_w2v_vocab v;
	assert_int_equal(vs_w2v_counter_finish(c, 2, &v, &err), 0);
	size_t i = 1;
	for (char *w = strtok(want, "\n"); w; w = strtok(NULL, "\n"), i++) {
		assert_true(i < v.n);
		assert_string_equal(word_of(&v, i), w);
	}
	assert_int_equal(i, v.n);
	vs_w2v_vocab_free(&v);
	vs_w2v_counter_free(c);
	free(text), free(want);
}

/* gensim's max_vocab_size: the rarest go while counting */
static void vocabulary_pruned(void **state)
{
	(void)state;
	vs_w2v_counter *c = vs_w2v_counter_new(2);
	const char *words[] = {"a", "a", "b", "c", "a", "d", "d"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		assert_int_equal(vs_w2v_counter_add(c, words[i], 1), 0);
	vs_w2v_vocab v;
	vs_error err;
	assert_int_equal(vs_w2v_counter_finish(c, 1, &v, &err), 0);
	/* at "c" the table held a, b, c: b and c (count 1) went; then d came twice */
	assert_int_equal(v.n, 3);
	assert_string_equal(word_of(&v, 1), "a");
	assert_string_equal(word_of(&v, 2), "d");
	vs_w2v_vocab_free(&v);
	vs_w2v_counter_free(c);
}

/* counts 5 4 3 2 1: the codes and inner nodes word2vec.c's CreateBinaryTree gives */
static void huffman_as_word2vec(void **state)
{
	(void)state;
	uint64_t count[] = {5, 4, 3, 2, 1};
	uint8_t len[5], code[5][VS_W2V_MAX_CODE];
	uint32_t point[5][VS_W2V_MAX_CODE + 1];
	vs_error err;
	assert_int_equal(vs_w2v_huffman(count, 5, VS_W2V_TIES_WORD2VEC, len, code, point, &err), 0);
	const uint8_t want_len[] = {2, 2, 2, 3, 3};
	const uint8_t want_code[5][3] = {{1, 1}, {1, 0}, {0, 1}, {0, 0, 1}, {0, 0, 0}};
	const uint32_t want_point[5][3] = {{3, 2}, {3, 2}, {3, 1}, {3, 1, 0}, {3, 1, 0}};
	for (int w = 0; w < 5; w++) {
		assert_int_equal(len[w], want_len[w]);
		for (int d = 0; d < len[w]; d++) {
			assert_int_equal(code[w][d], want_code[w][d]);
			assert_int_equal(point[w][d], want_point[w][d]);
		}
	}
	/* on many counts: prefix-free, and as short as Huffman's (sum of count x length) */
	enum { N = 300 };
	uint64_t c2[N];
	uint8_t l2[N], k2[N][VS_W2V_MAX_CODE];
	uint32_t p2[N][VS_W2V_MAX_CODE + 1];
	for (int i = 0; i < N; i++)
		c2[i] = (uint64_t)(100000.0 / (i + 1)) + 1; /* Zipf */
	assert_int_equal(vs_w2v_huffman(c2, N, VS_W2V_TIES_WORD2VEC, l2, k2, p2, &err), 0);
	double kraft = 0;
	for (int i = 0; i < N; i++)
		kraft += pow(2, -l2[i]);
	assert_true(fabs(kraft - 1) < 1e-12);
	for (int i = 1; i < N; i++)
		assert_true(l2[i] >= l2[i - 1] || c2[i] == c2[i - 1]);
}

/* one word's code and inner nodes against the expected bits ("0110") and nodes */
static void assert_code(uint8_t len, const uint8_t *code, const uint32_t *point, const char *want,
                        const uint32_t *want_point)
{
	assert_int_equal(len, strlen(want));
	for (int d = 0; d < len; d++) {
		assert_int_equal(code[d], want[d] - '0');
		assert_int_equal(point[d], want_point[d]);
	}
}

/* counts with ties: the codes and inner nodes gensim's heap gives
 * (gensim.models.word2vec._assign_binary_codes on these counts) */
static void huffman_as_gensim(void **state)
{
	(void)state;
	enum { N = 13 };
	uint64_t count[N] = {9, 6, 6, 5, 4, 4, 4, 3, 2, 2, 2, 1, 1};
	uint8_t len[N], code[N][VS_W2V_MAX_CODE];
	uint32_t point[N][VS_W2V_MAX_CODE + 1];
	vs_error err;
	assert_int_equal(vs_w2v_huffman(count, N, VS_W2V_TIES_GENSIM, len, code, point, &err), 0);
	const char *want_code[N] = {"00",    "011",   "100",   "010",    "1111",   "1110",  "1011",
	                            "1010",  "11001", "11000", "11010",  "110111", "110110"};
	const uint32_t want_point[N][6] = {{11, 9},          {11, 9, 6},         {11, 10, 7},        {11, 9, 6},
	                                   {11, 10, 8, 4},   {11, 10, 8, 4},     {11, 10, 7, 3},     {11, 10, 7, 3},
	                                   {11, 10, 8, 5, 2}, {11, 10, 8, 5, 2}, {11, 10, 8, 5, 1},
	                                   {11, 10, 8, 5, 1, 0}, {11, 10, 8, 5, 1, 0}};
	for (int w = 0; w < N; w++)
		assert_code(len[w], code[w], point[w], want_code[w], want_point[w]);
}

/* a Zipf list of 600 counts whose tail repeats counts: gensim's codes and
 * inner nodes for every word (tests/reference/make-huffman.py) */
static void huffman_as_gensim_zipf(void **state)
{
	(void)state;
	enum { N = 600 };
	FILE *f = fopen("tests/data/huffman/zipf-600.tsv", "r");
	assert_non_null(f);
	uint64_t count[N];
	char want[N][VS_W2V_MAX_CODE + 1];
	uint32_t want_point[N][VS_W2V_MAX_CODE];
	for (int w = 0; w < N; w++) {
		unsigned long long c;
		assert_int_equal(fscanf(f, "%llu %40s", &c, want[w]), 2);
		count[w] = c;
		for (size_t d = 0; d < strlen(want[w]); d++)
			assert_int_equal(fscanf(f, "%u", &want_point[w][d]), 1);
	}
	fclose(f);
	static uint8_t len[N], code[N][VS_W2V_MAX_CODE];
	static uint32_t point[N][VS_W2V_MAX_CODE + 1];
	vs_error err;
	assert_int_equal(vs_w2v_huffman(count, N, VS_W2V_TIES_GENSIM, len, code, point, &err), 0);
	for (int w = 0; w < N; w++)
		assert_code(len[w], code[w], point[w], want[w], want_point[w]);
}

/* The noise table draws each word as count^0.75 says */
static void noise_frequencies(void **state)
{
	(void)state;
	uint64_t count[] = {10, 1000, 100, 10, 1};
	size_t size = 1000000;
	uint32_t *t = vs_w2v_noise_table(count, 5, size);
	assert_non_null(t);
	size_t seen[5] = {0};
	for (size_t i = 0; i < size; i++)
		seen[t[i]]++;
	double total = 0;
	for (int i = 0; i < 5; i++)
		total += pow((double)count[i], 0.75);
	for (int i = 0; i < 5; i++)
		assert_true(fabs((double)seen[i] / size - pow((double)count[i], 0.75) / total) < 2e-5);
	free(t);
}

static void learning_rate_and_subsampling(void **state)
{
	(void)state;
	assert_true(fabs(vs_w2v_alpha(0.025, 0.0001, 0) - 0.025) < 1e-15);
	assert_true(fabs(vs_w2v_alpha(0.025, 0.0001, 0.5) - 0.01255) < 1e-15);
	assert_true(fabs(vs_w2v_alpha(0.025, 0.0001, 1) - 0.0001) < 1e-15);
	assert_true(fabs(vs_w2v_alpha(0.025, 0.0001, 2) - 0.0001) < 1e-15);
	/* word2vec: (sqrt(c / (s t)) + 1) (s t) / c, at most 1 */
	assert_true(fabs(vs_word2vec_keep(6, 23, 0.01) - (sqrt(6 / 0.23) + 1) * 0.23 / 6) < 1e-15);
	assert_true(vs_word2vec_keep(1, 1000, 0.01) == 1.0);
}

static const char corpus[] =
	"the king rules the land\nthe queen rules the land\nthe man walks the dog\nthe woman walks the dog\n"
	"a king and a queen\na man and a woman\nthe dog and the cat\nthe cat sees the dog\n";

static vs_vecset *train_small(int cbow, int hs, uint64_t seed, vs_train_report *rep)
{
	vs_text_source src = {"corpus", corpus, sizeof corpus - 1};
	vs_train_options o;
	vs_train_options_default(&o);
	o.cbow = cbow;
	o.hs = hs;
	o.negative = hs ? 0 : 5;
	o.dims = 16;
	o.min_count = 1;
	o.epochs = 20;
	o.sample = 0; /* a corpus this small would be subsampled away */
	o.threads = 1;
	o.seed = seed;
	vs_error err;
	vs_vecset *set = vs_train(NULL, 0, &src, 1, &o, rep, &err);
	if (!set)
		fprintf(stderr, "%s\n", err.msg);
	return set;
}

/* one thread and a seed: the same vectors, bit for bit; another seed: others */
static void reproducible(void **state)
{
	(void)state;
	for (int mode = 0; mode < 4; mode++) {
		vs_train_report r1, r2, r3;
		vs_vecset *a = train_small(mode & 1, mode >> 1, 7, &r1), *b = train_small(mode & 1, mode >> 1, 7, &r2),
		          *c = train_small(mode & 1, mode >> 1, 8, &r3);
		assert_non_null(a);
		assert_non_null(b);
		assert_non_null(c);
		assert_int_equal(a->count, 13);
		assert_int_equal(r1.tokens, 40);
		assert_memory_equal(a->vectors, b->vectors, a->count * a->dims * sizeof(float));
		assert_true(memcmp(a->vectors, c->vectors, a->count * a->dims * sizeof(float)) != 0);
		assert_true(r1.loss > 0 && isfinite(r1.loss));
		vs_vecset_free(a), vs_vecset_free(b), vs_vecset_free(c);
	}
}

/* the jobs the threads take: in order, each at least job_words long and
 * ending at a sentence end, or cut at twice that where a sentence runs on */
static void jobs_in_order(void **state)
{
	(void)state;
	enum { N = 100003, RUN = 10500 };
	uint32_t *ids = malloc(N * sizeof *ids);
	size_t *start = malloc((N / 1000 + 3) * sizeof *start);
	assert_non_null(ids);
	assert_non_null(start);
	for (size_t i = 0; i < N; i++)
		ids[i] = i % 8 == 7 ? 0 : (uint32_t)(1 + i % 5);
	size_t n = vs_w2v_jobs(ids, N, 1000, start);
	assert_int_equal(start[0], 0);
	assert_int_equal(start[n], N);
	for (size_t j = 1; j < n; j++) {
		assert_int_equal(ids[start[j] - 1], 0);     /* after a sentence end */
		assert_true(start[j] - start[j - 1] >= 1000);
		assert_true(start[j] - start[j - 1] < 1008); /* the first end after 1000 words */
	}
	assert_int_equal(n, 101); /* sentences of 8: jobs of exactly 1,000, then the 3 words left */
	assert_int_equal(start[100], 100000);
	for (size_t i = 0; i < RUN; i++) /* one sentence that runs on */
		ids[i] = 1;
	n = vs_w2v_jobs(ids, RUN, 1000, start);
	assert_int_equal(n, 6);
	for (size_t j = 1; j < n; j++)
		assert_int_equal(start[j], 2000 * j);
	assert_int_equal(start[n], RUN);
	assert_int_equal(vs_w2v_jobs(ids, 0, 1000, start), 0);
	assert_int_equal(vs_w2v_jobs(ids, 5, 1000, start), 1);
	assert_int_equal(start[1], 5);
	free(ids), free(start);
}

static void bad_parameters(void **state)
{
	(void)state;
	vs_text_source src = {"corpus", corpus, sizeof corpus - 1};
	vs_train_options o;
	vs_error err;
	vs_train_options_default(&o);
	o.window = 0;
	assert_null(vs_train(NULL, 0, &src, 1, &o, NULL, &err));
	assert_non_null(strstr(err.msg, "window"));
	vs_train_options_default(&o);
	o.negative = 0;
	assert_null(vs_train(NULL, 0, &src, 1, &o, NULL, &err));
	assert_non_null(strstr(err.msg, "neither"));
	vs_train_options_default(&o); /* min-count 5: only "the" */
	assert_null(vs_train(NULL, 0, &src, 1, &o, NULL, &err));
	assert_non_null(strstr(err.msg, "too few"));
	vs_text_source empty = {"empty", "\n\n", 2};
	vs_train_options_default(&o);
	assert_null(vs_train(NULL, 0, &empty, 1, &o, NULL, &err));
	assert_non_null(strstr(err.msg, "no words"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vocabulary_order), cmocka_unit_test(vocabulary_order_as_gensim),  cmocka_unit_test(vocabulary_pruned),
		cmocka_unit_test(huffman_as_word2vec), cmocka_unit_test(huffman_as_gensim), cmocka_unit_test(huffman_as_gensim_zipf), cmocka_unit_test(noise_frequencies),
		cmocka_unit_test(learning_rate_and_subsampling), cmocka_unit_test(reproducible),
		cmocka_unit_test(jobs_in_order), cmocka_unit_test(bad_parameters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
