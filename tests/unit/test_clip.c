/* Unit tests: CLIP's text cleaning (expected values from Python's html,
 * unicodedata and re, as OpenAI's tokenizer uses them), and the tokenizer on
 * OpenAI's merges when ../shared/data/clip is there. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <cjson/cJSON.h>

#include "clip/clip.h"
#include "clip/internal.h"
#include "core/core.h"
#include "image/image.h"

static void check_clean(const char *in, const char *want)
{
	char *got = vs_clip_clean(in);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void cleaning_like_python(void **state)
{
	(void)state;
	/* html.unescape twice: &amp;lt; gives < */
	check_clean("&amp;lt;b&amp;gt;", "<b>");
	/* longest known prefix without ';', numeric references with and without ';',
	 * NUL and surrogates as U+FFFD, the Windows-1252 repairs, unknown names kept */
	check_clean("&notit; &copy2024 &#x41;&#65 &#0; &#128; &#xD800; &bogus; AT&T &",
	            "\xc2\xacit; \xc2\xa9" "2024 aa \xef\xbf\xbd \xe2\x82\xac \xef\xbf\xbd &bogus; at&t &");
	check_clean("  Tab\t\tand\nNEWLINE  ", "tab and newline");
	/* Python's lower: final sigma, and U+0130 as i + U+0307 */
	check_clean("\xce\xa3\xce\x9f\xce\xa6\xce\x9f\xce\xa3 \xc4\xb0stanbul",
	            "\xcf\x83\xce\xbf\xcf\x86\xce\xbf\xcf\x82 i\xcc\x87stanbul");
	/* NFC: e + combining acute becomes one character */
	check_clean("e\xcc\x81" "cole", "\xc3\xa9" "cole");
}

static void tokens_of_openai_merges(void **state)
{
	(void)state;
	const char *bpe = "../shared/data/clip/bpe_simple_vocab_16e6.txt.gz";
	if (access(bpe, R_OK) != 0)
		bpe = "../../shared/data/clip/bpe_simple_vocab_16e6.txt.gz";
	if (access(bpe, R_OK) != 0) {
		printf("skipped: ../shared/data/clip is absent\n");
		skip();
	}
	vs_error err;
	vs_clip_tokenizer *t = vs_clip_tokenizer_load(bpe, &err);
	assert_non_null(t);
	int32_t ids[VS_CLIP_CONTEXT];
	int n = vs_clip_tokenize(t, "a photo of a cat.", ids, VS_CLIP_CONTEXT);
	const int32_t want[] = {49406, 320, 1125, 539, 320, 2368, 269, 49407};
	assert_int_equal(n, 8);
	assert_memory_equal(ids, want, sizeof want);
	/* truncated to the context, the end token kept */
	char longtext[4000] = "";
	for (int i = 0; i < 200; i++)
		strcat(longtext, "word ");
	n = vs_clip_tokenize(t, longtext, ids, VS_CLIP_CONTEXT);
	assert_int_equal(n, 77);
	assert_int_equal(ids[76], VS_CLIP_EOT);
	char *piece = vs_clip_token_text(t, 2368);
	assert_string_equal(piece, "cat</w>");
	free(piece);
	/* every text of the reference table: the ids of OpenAI's tokenizer */
	char table[512];
	snprintf(table, sizeof table, "%.*sclip-tokens.tsv", (int)(strrchr(bpe, '/') - bpe + 1), bpe);
	FILE *tf = fopen(table, "r");
	assert_non_null(tf);
	char line[65536];
	int texts = 0;
	while (fgets(line, sizeof line, tf)) {
		if (line[0] == '#')
			continue;
		char *tab = strrchr(line, '\t');
		assert_non_null(tab);
		*tab = '\0';
		cJSON *j = cJSON_Parse(line);
		assert_non_null(j);
		n = vs_clip_tokenize(t, j->valuestring, ids, VS_CLIP_CONTEXT);
		char got[4096] = "", *o = got;
		for (int k = 0; k < n; k++)
			o += sprintf(o, "%s%d", k ? " " : "", ids[k]);
		tab[1 + strcspn(tab + 1, "\n")] = '\0';
		if (strcmp(got, tab + 1) != 0)
			fail_msg("%s: got %s, OpenAI's tokenizer gives %s", line, got, tab + 1);
		cJSON_Delete(j);
		texts++;
	}
	fclose(tf);
	assert_true(texts >= 40);
	vs_clip_tokenizer_free(t);
	/* a merges file that is too short is refused */
	FILE *f = fopen("/tmp/vecsh-short-merges.txt", "w");
	fputs("#version: 0.2\nt h\nth e</w>\n", f);
	fclose(f);
	assert_null(vs_clip_tokenizer_load("/tmp/vecsh-short-merges.txt", &err));
	assert_non_null(strstr(err.msg, "needs 48894"));
	remove("/tmp/vecsh-short-merges.txt");
}

/* The text encoder against tests/clip_reference.py (numpy, Hugging Face's
 * CLIPTextModel step by step) on random checkpoints, to 1e-4. */
static void text_encoder_like_reference(void **state)
{
	(void)state;
	const char *bpe = "../shared/data/clip/bpe_simple_vocab_16e6.txt.gz";
	char cwd[4096];
	/* Debian's python3-numpy is /usr/bin/python3's, whatever python3 is first on PATH */
	const char *py = system("/usr/bin/python3 -c 'import numpy' 2>/dev/null") == 0 ? "/usr/bin/python3" : "python3";
	if (!getcwd(cwd, sizeof cwd) || access(bpe, R_OK) != 0 || access("tests/clip_reference.py", R_OK) != 0 ||
	    (strcmp(py, "python3") == 0 && system("python3 -c 'import numpy' 2>/dev/null") != 0)) {
		printf("skipped: needs python3 with numpy and ../shared/data/clip\n");
		skip();
	}
	const char *acts[] = {"quick_gelu", "gelu"};
	for (int a = 0; a < 2; a++) {
		char dir[] = "/tmp/vecsh-clip-XXXXXX", cmd[8192];
		assert_non_null(mkdtemp(dir));
		snprintf(cmd, sizeof cmd, "%s tests/clip_reference.py %s %s && ln -s %s/%s %s/", py, dir, acts[a], cwd, bpe,
		         dir);
		assert_int_equal(system(cmd), 0);
		vs_error err;
		vs_clip_model *m = vs_clip_load(dir, &err);
		if (!m)
			fail_msg("%s", err.msg);
		assert_int_equal(m->text.quick_gelu, a == 0);
		char path[256];
		snprintf(path, sizeof path, "%s/expected.tsv", dir);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		char line[65536];
		int seqs = 0;
		double worst = 0;
		while (fgets(line, sizeof line, f)) {
			char *tab = strchr(line, '\t');
			*tab = '\0';
			int32_t ids[80];
			int n = 0;
			for (char *p = strtok(line, " "); p && n < 80; p = strtok(NULL, " "))
				ids[n++] = atoi(p);
			float out[64];
			assert_int_equal(vs_clip_encode_tokens(m, ids, n, out, &err), 0);
			int d = 0;
			for (char *p = strtok(tab + 1, " \n"); p; p = strtok(NULL, " \n"), d++) {
				double diff = fabs(out[d] - atof(p));
				worst = diff > worst ? diff : worst;
			}
			assert_int_equal(d, m->proj);
			seqs++;
		}
		fclose(f);
		printf("%s: %d sequences, largest difference %.2e\n", acts[a], seqs, worst);
		assert_true(worst < 1e-4);
		/* the image encoder, on preprocessed pixels */
		snprintf(path, sizeof path, "%s/expected-images.tsv", dir);
		f = fopen(path, "r");
		assert_non_null(f);
		int images = 0;
		worst = 0;
		size_t npx = 3 * (size_t)m->image_size * (size_t)m->image_size;
		float *px = malloc(npx * sizeof *px);
		while (fgets(line, sizeof line, f)) {
			char *tab = strchr(line, '\t');
			*tab = '\0';
			snprintf(path, sizeof path, "%s/pixels-%.8s.f32", dir, line);
			FILE *pf = fopen(path, "rb");
			assert_non_null(pf);
			assert_int_equal(fread(px, sizeof *px, npx, pf), npx);
			fclose(pf);
			float out[64];
			assert_int_equal(vs_clip_encode_pixels(m, px, out, &err), 0);
			int d = 0;
			for (char *p = strtok(tab + 1, " \n"); p; p = strtok(NULL, " \n"), d++) {
				double diff = fabs(out[d] - atof(p));
				worst = diff > worst ? diff : worst;
			}
			assert_int_equal(d, m->proj);
			images++;
		}
		fclose(f);
		/* the three images as one batch give the same embeddings */
		float *all = malloc(3 * npx * sizeof *all), batch[3 * 64], one[64];
		for (int b = 0; b < 3; b++) {
			snprintf(path, sizeof path, "%s/pixels-%d.f32", dir, b);
			FILE *pf = fopen(path, "rb");
			assert_int_equal(fread(all + (size_t)b * npx, sizeof *all, npx, pf), npx);
			fclose(pf);
		}
		assert_int_equal(vs_clip_encode_pixels_batch(m, all, 3, batch, &err), 0);
		for (int b = 0; b < 3; b++) {
			assert_int_equal(vs_clip_encode_pixels(m, all + (size_t)b * npx, one, &err), 0);
			for (int d = 0; d < m->proj; d++)
				assert_true(fabs(batch[b * m->proj + d] - one[d]) < 1e-5);
		}
		free(all);
		free(px);
		printf("%s: %d images, largest difference %.2e\n", acts[a], images, worst);
		assert_true(images == 3 && worst < 1e-4);
		vs_clip_free(m);
		snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
		assert_int_equal(system(cmd), 0);
	}
}

/* Preprocessing against PIL (tests/image_reference.py): every value equal. */
static void preprocessing_like_pil(void **state)
{
	(void)state;
	const char *py = system("/usr/bin/python3 -c 'import numpy, PIL' 2>/dev/null") == 0 ? "/usr/bin/python3" : "python3";
	if (access("tests/image_reference.py", R_OK) != 0 ||
	    system(strcmp(py, "python3") == 0 ? "python3 -c 'import numpy, PIL' 2>/dev/null" : "true") != 0) {
		printf("skipped: needs python3 with numpy and PIL\n");
		skip();
	}
	char dir[] = "/tmp/vecsh-img-XXXXXX", cmd[512];
	assert_non_null(mkdtemp(dir));
	snprintf(cmd, sizeof cmd, "%s tests/image_reference.py %s 224", py, dir);
	assert_int_equal(system(cmd), 0);
	const char *names[] = {"noise.png", "smooth.jpg", "grey.png", "alpha.png", "small.bmp", "palette.gif", "palette.png",
	                       "exact.png", "rgb16.png", "gamma.png"};
	static float out[3 * 224 * 224], want[3 * 224 * 224];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		vs_image img;
		vs_error err;
		if (vs_image_load(path, &img, &err) < 0)
			fail_msg("%s", err.msg);
		assert_int_equal(vs_clip_preprocess(&img, 224, out, &err), 0);
		vs_image_free(&img);
		snprintf(path, sizeof path, "%s/%s.f32", dir, names[i]);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fread(want, sizeof *want, 3 * 224 * 224, f), 3 * 224 * 224);
		fclose(f);
		size_t differ = 0;
		for (size_t k = 0; k < 3 * 224 * 224; k++)
			differ += out[k] != want[k];
		if (differ)
			fail_msg("%s: %zu values differ from PIL's", names[i], differ);
	}
	/* truncated and corrupt files are errors that name them */
	snprintf(cmd, sizeof cmd, "head -c 3000 %s/smooth.jpg > %s/cut.jpg && head -c 200 %s/noise.png > %s/cut.png && "
	         "printf 'not an image' > %s/text.png", dir, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	const char *bad[] = {"cut.jpg", "cut.png", "text.png", "nosuch.png"};
	for (size_t i = 0; i < 4; i++) {
		char path[256];
		snprintf(path, sizeof path, "%s/%s", dir, bad[i]);
		vs_image img;
		vs_error err;
		assert_int_equal(vs_image_load(path, &img, &err), -1);
		assert_non_null(strstr(err.msg, bad[i]));
	}
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* Attention equals its definition in double precision, with scores spread
 * wide enough that their softmax has subnormal tails (taken as zero while
 * attention computes), over the kept threads (n x m above the single-thread
 * size) and on one thread; the float mode of the caller and of the threads
 * is as it was after. */
static void subnormal_check(void *ctx, size_t from, size_t to)
{
	volatile float tiny = 1.1754944e-38f; /* FLT_MIN */
	for (size_t i = from; i < to; i++)
		if (!(tiny / 4 > 0))
			__atomic_store_n((int *)ctx, 1, __ATOMIC_RELAXED);
}

static void attention_like_definition(void **state)
{
	(void)state;
	enum { D = 32, H = 4, HD = D / H };
	for (int size = 0; size < 2; size++) {
		int n = size ? 100 : 9, m = size ? 120 : 11;
		float *q = malloc((size_t)n * D * sizeof *q), *k = malloc((size_t)m * D * sizeof *k);
		float *v = malloc((size_t)m * D * sizeof *v), *o = malloc((size_t)n * D * sizeof *o);
		unsigned seed = 7;
		for (int i = 0; i < n * D; i++)
			q[i] = (float)((seed = seed * 1103515245u + 12345u) >> 16 & 1023) / 64.0f - 8.0f;
		for (int i = 0; i < m * D; i++) {
			k[i] = (float)((seed = seed * 1103515245u + 12345u) >> 16 & 1023) / 64.0f - 8.0f;
			v[i] = (float)((seed = seed * 1103515245u + 12345u) >> 16 & 1023) / 512.0f - 1.0f;
		}
		for (int causal = 0; causal < 2; causal++) {
			assert_int_equal(vs_nn_attention(q, D, k, D, v, D, o, D, n, m, D, H, causal), 0);
			double worst = 0, lowest = 1;
			for (int h = 0; h < H; h++)
				for (int i = 0; i < n; i++) {
					int last = causal ? i : m - 1;
					double s[128], mx = -1e300, sum = 0;
					for (int c = 0; c <= last; c++) {
						s[c] = 0;
						for (int e = 0; e < HD; e++)
							s[c] += (double)q[i * D + h * HD + e] * k[c * D + h * HD + e];
						s[c] /= sqrt((double)HD);
						mx = s[c] > mx ? s[c] : mx;
					}
					for (int c = 0; c <= last; c++)
						sum += s[c] = exp(s[c] - mx);
					for (int c = 0; c <= last; c++)
						lowest = s[c] / sum < lowest ? s[c] / sum : lowest;
					for (int e = 0; e < HD; e++) {
						double want = 0;
						for (int c = 0; c <= last; c++)
							want += s[c] / sum * v[c * D + h * HD + e];
						double d = fabs(want - o[i * D + h * HD + e]);
						worst = d > worst ? d : worst;
					}
				}
			if (worst > 1e-5)
				fail_msg("attention (n %d, m %d, causal %d) differs from its definition by %.2e", n, m, causal, worst);
			assert_true(lowest < 1e-38); /* the test reaches subnormal weights */
		}
		free(q), free(k), free(v), free(o);
	}
	int flushed = 0;
	subnormal_check(&flushed, 0, 1);
	vs_parallel_ranges(64, 0, 0, subnormal_check, &flushed);
	assert_int_equal(flushed, 0);
}

/* x += h, then LayerNorm into y, equal to its definition in double: rows on
 * every core (200 x 700) and on one (3 x 700), y a third array, h itself
 * (the vision tower's form) and x (BERT's). */
static void add_norm_like_definition(void **state)
{
	(void)state;
	enum { D = 700 };
	for (int size = 0; size < 2; size++)
		for (int into = 0; into < 3; into++) {
			int n = size ? 200 : 3;
			size_t nd = (size_t)n * D;
			float *x = malloc(nd * sizeof *x), *h = malloc(nd * sizeof *h), *y = malloc(nd * sizeof *y);
			float *x0 = malloc(nd * sizeof *x0), *h0 = malloc(nd * sizeof *h0), w[D], b[D];
			unsigned seed = 11;
			for (size_t i = 0; i < nd; i++) {
				x0[i] = x[i] = (float)((seed = seed * 1103515245u + 12345u) >> 16 & 1023) / 100.0f + 3.0f;
				h0[i] = h[i] = (float)((seed = seed * 1103515245u + 12345u) >> 16 & 1023) / 300.0f - 1.0f;
			}
			for (int e = 0; e < D; e++)
				w[e] = 0.5f + e % 7 * 0.1f, b[e] = e % 5 * 0.01f - 0.02f;
			float *out = into == 0 ? y : into == 1 ? h : x;
			vs_nn_add_norm(x, h, out, n, D, w, b, 1e-5);
			double worst = 0;
			for (int i = 0; i < n; i++) {
				double r[D], mean = 0, var = 0;
				for (int e = 0; e < D; e++)
					mean += r[e] = (double)x0[(size_t)i * D + e] + h0[(size_t)i * D + e];
				mean /= D;
				for (int e = 0; e < D; e++)
					var += (r[e] - mean) * (r[e] - mean);
				var /= D;
				for (int e = 0; e < D; e++) {
					double want = (r[e] - mean) / sqrt(var + 1e-5) * w[e] + b[e];
					double d = fabs(want - out[(size_t)i * D + e]);
					worst = d > worst ? d : worst;
					if (into != 2 && fabs(x[(size_t)i * D + e] - r[e]) > 1e-6)
						fail_msg("x is not x + h at row %d", i);
				}
			}
			if (worst > 1e-5)
				fail_msg("add_norm (%d rows, into %d) differs from its definition by %.2e", n, into, worst);
			free(x), free(h), free(y), free(x0), free(h0);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cleaning_like_python),
		cmocka_unit_test(tokens_of_openai_merges),
		cmocka_unit_test(text_encoder_like_reference),
		cmocka_unit_test(preprocessing_like_pil),
		cmocka_unit_test(attention_like_definition),
		cmocka_unit_test(add_norm_like_definition),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	/* the forward pass again with libmvec four floats at a time, as on a
	 * processor without AVX-512 */
	const struct CMUnitTest narrow[] = {
		cmocka_unit_test(text_encoder_like_reference),
		cmocka_unit_test(attention_like_definition),
	};
	setenv("VECSH_NO_AVX512", "1", 1);
	return rc | cmocka_run_group_tests_name("four at a time", narrow, NULL, NULL);
}
