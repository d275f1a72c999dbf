/* Unit tests: the analyzer (Unicode classes, CJK bigrams, invalid UTF-8,
 * Python's lowercasing), MurmurHash3, numpy's argsort ties, the weights,
 * BM25, and index files. Expected values come from scikit-learn, numpy and
 * the formulas. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"
#include "text/text.h"

typedef struct terms {
	char out[2048];
	size_t n;
} terms;

static void collect(const char *t, size_t len, size_t off, void *ctx)
{
	(void)off;
	terms *c = ctx;
	size_t o = strlen(c->out);
	snprintf(c->out + o, sizeof c->out - o, "%s%.*s", c->n++ ? "|" : "", (int)len, t);
}

static const char *analyze(const char *text, int nmin, int nmax, int stop, size_t *invalid)
{
	static terms c;
	memset(&c, 0, sizeof c);
	vs_analyzer a = {nmin, nmax, stop ? vs_stopwords_english() : NULL};
	vs_analyze(&a, text, strlen(text), collect, &c, invalid);
	return c.out;
}

static void tokens_like_scikit_learn(void **state)
{
	(void)state;
	/* re.findall(r'(?u)\b\w\w+\b', text.lower()) */
	assert_string_equal(analyze("The cat's 2 hats, a HAT-trick; snake_case x9", 1, 1, 0, NULL),
	                    "the|cat|hats|hat|trick|snake_case|x9");
	/* letters and digits of every script; marks (Mn, Mc) are not \w */
	assert_string_equal(analyze("Größe café Москва ١٢٣ x² ½", 1, 1, 0, NULL), "größe|café|москва|١٢٣|x²");
	assert_string_equal(analyze("नमस्ते", 1, 1, 0, NULL), "नमस"); /* virama (Mn) and the lone त split */
	/* Python's lower(): U+0130 becomes i + U+0307, a capital sigma at a word's end becomes final */
	assert_string_equal(analyze("İstanbul ΟΔΟΣ ΣΟΦΟΣ ΣΑ", 1, 1, 0, NULL), "stanbul|οδος|σοφος|σα");
	/* stop words, then n-grams of what is left */
	assert_string_equal(analyze("the cat sat on the mat", 1, 2, 1, NULL), "cat|sat|mat|cat sat|sat mat");
	assert_string_equal(analyze("one two three four", 2, 3, 0, NULL),
	                    "one two|two three|three four|one two three|two three four");
}

/* Plain ASCII, byte by byte: lowercase runs of [A-Za-z0-9_] of two or more. */
static void ascii_reference(const char *t, char *out, size_t room)
{
	size_t o = 0, n = 0;
	out[0] = '\0';
	for (size_t i = 0; t[i];) {
		size_t j = i;
		while (t[j] && ((t[j] | 32) >= 'a' && (t[j] | 32) <= 'z' ? 1 : (t[j] >= '0' && t[j] <= '9') || t[j] == '_'))
			j++;
		if (j - i >= 2) {
			o += (size_t)snprintf(out + o, room - o, "%s", n++ ? "|" : "");
			for (size_t k = i; k < j; k++)
				out[o++] = (char)(t[k] >= 'A' && t[k] <= 'Z' ? t[k] + 32 : t[k]);
			out[o] = '\0';
		}
		i = j > i ? j : i + 1;
	}
}

/* The eight-bytes-at-a-time path agrees with the byte-by-byte one: random
 * ASCII of every length, rich in the characters just outside each class
 * (@ [ ` { / : ^) and in runs that cross eight-byte windows. */
static void ascii_words_eight_at_a_time(void **state)
{
	(void)state;
	static const char alphabet[] = "aZz09_AzM@[`{/:^ \t\n.-xyXY";
	uint32_t seed = 7;
	char text[200], want[1200];
	for (int round = 0; round < 3000; round++) {
		size_t len = (size_t)(round % 90);
		for (size_t i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			text[i] = alphabet[(seed >> 16) % (sizeof alphabet - 1)];
		}
		text[len] = '\0';
		ascii_reference(text, want, sizeof want);
		assert_string_equal(analyze(text, 1, 1, 0, NULL), want);
	}
}

static void cjk_bigrams(void **state)
{
	(void)state;
	assert_string_equal(analyze("我爱北京天安门", 1, 1, 0, NULL), "我爱|爱北|北京|京天|天安|安门");
	/* a lone CJK character is kept; a run switches at the script boundary */
	assert_string_equal(analyze("字 abc中文def", 1, 1, 0, NULL), "字|abc|中文|def");
	assert_string_equal(analyze("한국어 です", 1, 1, 0, NULL), "한국|국어|です");
	assert_true(vs_is_cjk(0x4E2D) && vs_is_cjk(0x3042) && vs_is_cjk(0xAC00) && !vs_is_cjk('a') && !vs_is_cjk(0x0416));
}

static void invalid_utf8_is_replaced_and_counted(void **state)
{
	(void)state;
	size_t invalid = 0;
	const char *t = analyze("caf\xc3 na\xffve ok", 1, 1, 0, &invalid);
	assert_int_equal(invalid, 2);
	/* U+FFFD is not a word character (So), so it splits words as Python would */
	assert_string_equal(t, "caf|na|ve|ok");
}

static void murmurhash3_like_scikit_learn(void **state)
{
	(void)state;
	/* sklearn.utils.murmurhash3_32(s, seed=0, positive=False) */
	assert_int_equal((int32_t)vs_murmur3_32("", 0, 0), 0);
	assert_int_equal((int32_t)vs_murmur3_32("a", 1, 0), 1009084850);
	assert_int_equal((int32_t)vs_murmur3_32("ab", 2, 0), -1681926305);
	assert_int_equal((int32_t)vs_murmur3_32("abc", 3, 0), -1277324294);
	assert_int_equal((int32_t)vs_murmur3_32("abcd", 4, 0), 1139631978);
	assert_int_equal((int32_t)vs_murmur3_32("the quick brown fox", 19, 0), 519850996);
	assert_int_equal((int32_t)vs_murmur3_32("\xe5\x8c\x97\xe4\xba\xac", 6, 0), 666955079);
	assert_int_equal((int32_t)vs_murmur3_32("hello", 5, 42), -488910111);
}

static void argsort_ties_like_numpy(void **state)
{
	(void)state;
	int64_t v[] = {3, 1, 3, 2, 3, 1, 1, 2, 3, 3, 1, 2, 2, 3, 1, 1, 3, 2, 2, 1, 3};
	size_t n = sizeof v / sizeof v[0];
	for (size_t i = 0; i < n; i++)
		v[i] = -v[i];
	intptr_t perm[21];
	vs_numpy_argsort(v, perm, (intptr_t)n);
	/* numpy.argsort of the same array (numpy 1.24) */
	const intptr_t want[] = {0, 16, 13, 9, 8, 20, 4, 2, 7, 3, 11, 12, 17, 18, 6, 19, 14, 15, 1, 5, 10};
	assert_memory_equal(perm, want, sizeof want);
}

static char dir[] = "/tmp/vecsh-tfidf-XXXXXX";

static void put(const char *name, const char *text)
{
	char p[256];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static vs_index *build(const vs_index_options *o)
{
	const char *paths[] = {dir};
	vs_error err;
	vs_index *ix = vs_index_build(paths, 1, o, NULL, &err);
	if (!ix)
		fprintf(stderr, "%s\n", err.msg);
	assert_non_null(ix);
	return ix;
}

static void weights_follow_the_formulas(void **state)
{
	(void)state;
	vs_index_options o;
	vs_index_options_default(&o);
	vs_index *ix = build(&o);
	assert_int_equal(ix->ndocs, 3);
	/* a.txt "apple apple banana", b.txt "banana cherry", c.txt "cherry cherry cherry date" */
	long apple = vs_index_term(ix, "apple"), banana = vs_index_term(ix, "banana"), cherry = vs_index_term(ix, "cherry");
	assert_true(apple >= 0 && banana >= 0 && cherry >= 0);
	assert_true(fabs(ix->idf[apple] - (log(4.0 / 2.0) + 1)) < 1e-12);
	assert_true(fabs(ix->idf[banana] - (log(4.0 / 3.0) + 1)) < 1e-12);
	/* document a: (2 idf_apple, 1 idf_banana) normalised */
	double wa = 2 * ix->idf[apple], wb = ix->idf[banana], n = sqrt(wa * wa + wb * wb);
	vs_term_weight tw[4];
	size_t k = vs_index_keywords(ix, vs_index_doc(ix, "a.txt"), 4, tw);
	assert_int_equal(k, 2);
	assert_string_equal(tw[0].text, "apple");
	assert_true(fabs(tw[0].weight - wa / n) < 1e-6);
	assert_true(fabs(tw[1].weight - wb / n) < 1e-6);
	vs_term_weights_free(tw, k);

	/* BM25 of "cherry": idf ln(1 + (n - df + 0.5) / (df + 0.5)), tf / (tf + k1 (1 - b + b dl / avgdl)) */
	vs_hit hits[3];
	size_t got;
	vs_error err;
	assert_int_equal(vs_index_search(ix, "cherry", 1, 3, hits, &got, &err), 0);
	assert_int_equal(got, 2);
	double avgdl = (3 + 2 + 4) / 3.0, idf = log(1 + (3 - 2 + 0.5) / (2 + 0.5));
	double c_score = idf * 3 / (3 + 1.2 * (1 - 0.75 + 0.75 * 4 / avgdl));
	assert_string_equal(ix->doc_names[hits[0].index], "c.txt");
	assert_true(fabs(hits[0].score - c_score) < 1e-6);

	/* asked for, unseen terms get the idf of df = 0 and are marked */
	k = vs_index_text_keywords(ix, "apple zebra zebra", 4, 1, tw);
	assert_int_equal(k, 2);
	assert_string_equal(tw[0].text, "zebra");
	assert_int_equal(tw[0].term, -1);
	double wz = 2 * (log(4.0) + 1), wp = ix->idf[apple];
	assert_true(fabs(tw[0].weight - wz / sqrt(wz * wz + wp * wp)) < 1e-9);
	vs_term_weights_free(tw, k);
	/* by default they are dropped, as scikit-learn's transform drops them */
	k = vs_index_text_keywords(ix, "apple zebra zebra", 4, 0, tw);
	assert_int_equal(k, 1);
	assert_string_equal(tw[0].text, "apple");
	assert_true(fabs(tw[0].weight - 1.0) < 1e-9);
	vs_term_weights_free(tw, k);

	/* documents by number, prefix, ambiguity */
	assert_int_equal(vs_index_doc(ix, "2"), 1);
	assert_int_equal(vs_index_doc(ix, "c"), 2);
	assert_int_equal(vs_index_doc(ix, "zz"), -1);
	vs_index_free(ix);
}

/* path written as buf with the byte at at flipped by bit */
static void write_flipped(const char *path, unsigned char *buf, long size, long at, unsigned char bit)
{
	buf[at] ^= bit;
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	buf[at] ^= bit;
}

static void index_files_round_trip_and_refuse_corruption(void **state)
{
	(void)state;
	vs_index_options o;
	vs_index_options_default(&o);
	o.stopwords = 1;
	o.ngram_max = 2;
	vs_index *ix = build(&o);
	char path[256];
	snprintf(path, sizeof path, "%s.vsix", dir);
	vs_error err;
	assert_int_equal(vs_index_save(ix, path, &err), 0);
	vs_index *back = vs_index_open(path, &err);
	assert_non_null(back);
	assert_int_equal(back->ndocs, ix->ndocs);
	assert_int_equal(back->nterms, ix->nterms);
	assert_int_equal(back->nnz, ix->nnz);
	for (uint32_t t = 0; t < ix->nterms; t++) {
		assert_string_equal(back->terms[t], ix->terms[t]);
		assert_int_equal(vs_index_term(back, ix->terms[t]), t);
	}
	/* the file keeps the weights the built index derives, both directions */
	assert_non_null(back->doc_weight);
	assert_non_null(back->term_weight);
	for (uint32_t d = 0; d < ix->ndocs; d++)
		for (uint64_t e = ix->doc_ptr[d]; e < ix->doc_ptr[d + 1]; e++) {
			float a = vs_index_doc_weight(ix, d, e);
			assert_memory_equal(&back->doc_weight[e], &a, sizeof a);
		}
	for (uint32_t t = 0; t < ix->nterms; t++)
		for (uint64_t e = ix->term_ptr[t]; e < ix->term_ptr[t + 1]; e++) {
			float a = vs_index_term_weight(ix, t, e);
			assert_memory_equal(&back->term_weight[e], &a, sizeof a);
		}
	assert_memory_equal(back->idf, ix->idf, ix->nterms * sizeof(double));
	/* queries are analyzed with the same stop words and n-grams */
	vs_hit h1[3], h2[3];
	size_t n1, n2;
	assert_int_equal(vs_index_search(ix, "the cherry date", 0, 3, h1, &n1, &err), 0);
	assert_int_equal(vs_index_search(back, "the cherry date", 0, 3, h2, &n2, &err), 0);
	assert_int_equal(n1, n2);
	for (size_t i = 0; i < n1; i++) { /* field by field: a vs_hit has padding */
		assert_int_equal(h1[i].index, h2[i].index);
		assert_true(h1[i].score == h2[i].score);
	}
	vs_index_free(back);
	/* every single flipped byte and every truncation is refused */
	FILE *f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	unsigned char *buf = malloc((size_t)size);
	fseek(f, 0, SEEK_SET);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	char bad[300];
	snprintf(bad, sizeof bad, "%s.bad", path);
	for (long at = 0; at < size; at += 13) {
		write_flipped(bad, buf, size, at, 0x20);
		assert_null(vs_index_open(bad, &err));
	}
	for (long cut = 0; cut < size; cut += 97) {
		f = fopen(bad, "wb");
		fwrite(buf, 1, (size_t)cut, f);
		fclose(f);
		assert_null(vs_index_open(bad, &err));
	}
	/* checked in pieces on every core (as files over 32 MB are): the same
	 * index, and a flipped byte refused in any piece */
	setenv("VECSH_CHECK_STEP", "128", 1);
	back = vs_index_open(path, &err);
	assert_non_null(back);
	assert_int_equal(back->nnz, ix->nnz);
	assert_memory_equal(back->doc_term, ix->doc_term, ix->nnz * sizeof *ix->doc_term);
	vs_index_free(back);
	for (long at = size / 2; at < size; at += 61) {
		write_flipped(bad, buf, size, at, 0x01);
		assert_null(vs_index_open(bad, &err));
	}
	unsetenv("VECSH_CHECK_STEP");
	remove(bad);
	remove(path);
	free(buf);
	vs_index_free(ix);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	put("a.txt", "apple apple banana");
	put("b.txt", "banana cherry");
	put("c.txt", "cherry cherry cherry date");
	return 0;
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
		cmocka_unit_test(tokens_like_scikit_learn),
		cmocka_unit_test(ascii_words_eight_at_a_time),
		cmocka_unit_test(cjk_bigrams),
		cmocka_unit_test(invalid_utf8_is_replaced_and_counted),
		cmocka_unit_test(murmurhash3_like_scikit_learn),
		cmocka_unit_test(argsort_ties_like_numpy),
		cmocka_unit_test(weights_follow_the_formulas),
		cmocka_unit_test(index_files_round_trip_and_refuse_corruption),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
