/* BLIP against tests/blip_reference.py: a random retrieval checkpoint in
 * Hugging Face's layout, and numpy's forward pass of it (ITC text and image
 * embeddings, ITM probabilities with [CLS] or [ENC] first) to 1e-5; BERT's
 * tokenizer rules on texts made to test them; the image preprocessing
 * against PIL's, every value equal; checkpoints made wrong. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "clip/clip.h"
#include "image/image.h"

static char dir[] = "/tmp/vecsh-blip-XXXXXX";
static vs_clip_model *model;

static const char *python(void)
{
	/* Debian's python3-numpy is /usr/bin/python3's, whatever python3 is first on PATH */
	if (system("/usr/bin/python3 -c 'import numpy, PIL' 2>/dev/null") == 0)
		return "/usr/bin/python3";
	return system("python3 -c 'import numpy, PIL' 2>/dev/null") == 0 ? "python3" : NULL;
}

static int setup(void **state)
{
	(void)state;
	const char *py = python();
	if (!py || access("tests/blip_reference.py", R_OK) != 0) {
		printf("skipped: needs python3 with numpy and PIL\n");
		return 0;
	}
	if (!mkdtemp(dir))
		return -1;
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "mkdir %s/images && %s tests/image_reference.py %s/images 32 && rm %s/images/*.f32 && "
	         "%s tests/blip_reference.py %s tiny %s/images", dir, py, dir, dir, py, dir, dir);
	if (system(cmd) != 0)
		return -1;
	vs_error err;
	model = vs_clip_load(dir, &err);
	if (!model)
		printf("%s\n", err.msg);
	return model ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	vs_clip_free(model);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return strchr(dir, 'X') ? 0 : system(cmd);
}

static void need_model(void)
{
	if (!model)
		skip();
}

/* Token ids "1 2 3" into ids; the count. */
static int parse_ids(char *s, int32_t *ids, int max)
{
	int n = 0;
	for (char *p = strtok(s, " \n"); p && n < max; p = strtok(NULL, " \n"))
		ids[n++] = atoi(p);
	return n;
}

static double worst_diff(const float *got, char *want, int n)
{
	double worst = 0;
	int d = 0;
	for (char *p = strtok(want, " \n"); p; p = strtok(NULL, " \n"), d++) {
		assert_true(d < n);
		double diff = fabs(got[d] - atof(p));
		worst = diff > worst ? diff : worst;
	}
	assert_int_equal(d, n);
	return worst;
}

static void family_and_shapes(void **state)
{
	(void)state;
	need_model();
	assert_int_equal(model->family, VS_FAMILY_BLIP);
	assert_int_equal(model->proj, 24);
	assert_int_equal(model->context, 32);
	assert_int_equal(model->text.width, 40);
	assert_int_equal(model->vision.width, 48);
	assert_int_equal(model->image_size, 32);
}

static void tokens_by_bert_rules(void **state)
{
	(void)state;
	need_model();
	char path[4096], line[8192];
	snprintf(path, sizeof path, "%s/tokens.tsv", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int texts = 0;
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');
		*tab = '\0';
		cJSON *j = cJSON_Parse(line);
		assert_true(cJSON_IsString(j));
		int32_t want[64], got[64];
		int nw = parse_ids(tab + 1, want, 64);
		size_t total;
		int ng = vs_model_tokenize(model, j->valuestring, got, &total);
		if (ng != nw || memcmp(got, want, (size_t)nw * sizeof *got) != 0) {
			char g[1024] = "";
			for (int i = 0; i < ng; i++)
				snprintf(g + strlen(g), sizeof g - strlen(g), " %d", got[i]);
			fail_msg("%s: got%s", line, g);
		}
		cJSON_Delete(j);
		texts++;
	}
	fclose(f);
	assert_true(texts >= 19);
	/* a text cut at the context keeps [SEP] last and says how long it was */
	int32_t ids[64];
	size_t total;
	assert_int_equal(vs_model_tokenize(model, "a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a a",
	                                   ids, &total), 32);
	assert_int_equal(total, 37);
	assert_int_equal(ids[31], vs_bert_token_id(model->bert, "[SEP]"));
	char *piece = vs_model_token_text(model, ids[1]);
	assert_string_equal(piece, "a");
	free(piece);
	assert_int_equal(vs_bert_token_id(model->bert, "[ENC]"), (long)vs_bert_vocab_size(model->bert) - 1);
}

static void itc_text_like_reference(void **state)
{
	(void)state;
	need_model();
	char path[4096], line[65536];
	snprintf(path, sizeof path, "%s/expected-text.tsv", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	double worst = 0;
	int seqs = 0;
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');
		*tab = '\0';
		int32_t ids[64];
		int n = parse_ids(line, ids, 64);
		float out[24];
		vs_error err;
		assert_int_equal(vs_clip_encode_tokens(model, ids, n, out, &err), 0);
		double w = worst_diff(out, tab + 1, 24);
		worst = w > worst ? w : worst;
		seqs++;
	}
	fclose(f);
	printf("ITC text: %d sequences, largest difference %.2e\n", seqs, worst);
	assert_true(seqs == 5 && worst < 1e-5);
	/* texts of different lengths in one batch give what each gives alone */
	const char *texts[] = {"a photo of a cat.", "x", "running red shoes and a dog", ""};
	float batch[4 * 24], one[24];
	size_t totals[4];
	vs_error err;
	assert_int_equal(vs_model_encode_texts(model, texts, 4, batch, totals, &err), 0);
	for (int t = 0; t < 4; t++) {
		size_t total;
		assert_int_equal(vs_clip_encode_text(model, texts[t], one, &total, &err), 0);
		assert_int_equal(total, totals[t]);
		for (int d = 0; d < 24; d++)
			assert_true(fabsf(batch[t * 24 + d] - one[d]) < 1e-6f);
	}
}

static float *read_pixels(int n)
{
	size_t npx = 3 * 32 * 32;
	float *px = malloc(npx * sizeof *px);
	char path[4096];
	snprintf(path, sizeof path, "%s/pixels-%d.f32", dir, n);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(px, sizeof *px, npx, f), npx);
	fclose(f);
	return px;
}

static void itc_image_and_itm_like_reference(void **state)
{
	(void)state;
	need_model();
	char path[4096], line[65536];
	snprintf(path, sizeof path, "%s/expected-images.tsv", dir);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	double worst = 0;
	vs_blip_image *im[3] = {0};
	float batch[3 * 24];
	float *all = malloc(3 * 3 * 32 * 32 * sizeof *all);
	vs_error err;
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t');
		*tab = '\0';
		int n = atoi(line);
		float *px = read_pixels(n), out[24], itc[24];
		memcpy(all + (size_t)n * 3 * 32 * 32, px, 3 * 32 * 32 * sizeof *px);
		assert_int_equal(vs_clip_encode_pixels(model, px, out, &err), 0);
		im[n] = vs_blip_image_encode(model, px, itc, &err);
		assert_non_null(im[n]);
		for (int d = 0; d < 24; d++)
			assert_true(out[d] == itc[d]);
		double w = worst_diff(out, tab + 1, 24);
		worst = w > worst ? w : worst;
		free(px);
	}
	fclose(f);
	printf("ITC images: largest difference %.2e\n", worst);
	assert_true(worst < 1e-5);
	/* a batch gives what one at a time gives */
	assert_int_equal(vs_clip_encode_pixels_batch(model, all, 3, batch, &err), 0);
	for (int n = 0; n < 3; n++) {
		float one[24];
		assert_int_equal(vs_clip_encode_pixels(model, all + (size_t)n * 3 * 32 * 32, one, &err), 0);
		for (int d = 0; d < 24; d++)
			assert_true(fabsf(batch[n * 24 + d] - one[d]) < 1e-6f);
	}
	free(all);
	/* ITM: each image's cross-attention keys and values made once, reused for every text */
	snprintf(path, sizeof path, "%s/expected-itm.tsv", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	worst = 0;
	int pairs = 0;
	while (fgets(line, sizeof line, f)) {
		char *t1 = strchr(line, '\t'), *t2 = strchr(t1 + 1, '\t'), *t3 = strchr(t2 + 1, '\t');
		*t1 = *t2 = *t3 = '\0';
		int32_t ids[64];
		int n = parse_ids(t2 + 1, ids, 64);
		double p;
		assert_int_equal(vs_blip_itm(model, im[atoi(line)], ids, n, atoi(t1 + 1), &p, &err), 0);
		double diff = fabs(p - atof(t3 + 1));
		worst = diff > worst ? diff : worst;
		pairs++;
	}
	fclose(f);
	printf("ITM: %d pairs, largest difference %.2e\n", pairs, worst);
	assert_true(pairs == 24 && worst < 1e-5);
	/* several texts with one image in one batch, [CLS] or [ENC] first */
	const char *texts[] = {"a photo of a cat.", "x", "running red shoes and a dog"};
	for (int enc = 0; enc < 2; enc++) {
		double probs[3], p1;
		assert_int_equal(vs_blip_itm_texts(model, im[1], texts, 3, enc, probs, NULL, &err), 0);
		for (int t = 0; t < 3; t++) {
			assert_int_equal(vs_blip_itm_text(model, im[1], texts[t], enc, &p1, NULL, &err), 0);
			assert_true(fabs(probs[t] - p1) < 1e-6);
		}
	}
	/* a token outside the vocabulary is an error, not a read past the table */
	int32_t bad[3] = {2, 100000, 3};
	double p;
	assert_int_equal(vs_blip_itm(model, im[0], bad, 3, 0, &p, &err), -1);
	assert_non_null(strstr(err.msg, "100000"));
	for (int n = 0; n < 3; n++)
		vs_blip_image_free(im[n]);
}

static void preprocessing_like_pil(void **state)
{
	(void)state;
	need_model();
	const char *names[] = {"noise.png", "smooth.jpg", "grey.png", "alpha.png", "small.bmp", "palette.gif", "palette.png",
	                       "exact.png", "rgb16.png", "gamma.png"};
	static float out[3 * 32 * 32], want[3 * 32 * 32];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/images/%s", dir, names[i]);
		vs_image img;
		vs_error err;
		if (vs_image_load(path, &img, &err) < 0)
			fail_msg("%s", err.msg);
		assert_int_equal(vs_model_preprocess(model, &img, out, &err), 0);
		vs_image_free(&img);
		snprintf(path, sizeof path, "%s/images/%s.blip.f32", dir, names[i]);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		assert_int_equal(fread(want, sizeof *want, 3 * 32 * 32, f), 3 * 32 * 32);
		fclose(f);
		size_t differ = 0;
		for (size_t k = 0; k < 3 * 32 * 32; k++)
			differ += out[k] != want[k];
		if (differ)
			fail_msg("%s: %zu values differ from PIL's", names[i], differ);
	}
}

/* Image files through the model's cache: the same image again without the
 * vision tower, a changed file encoded again, the ITC embedding as an image
 * set's (vs_clip_encode_image_file). */
static void image_files_kept(void **state)
{
	(void)state;
	need_model();
	char a[4096], b[4096], cmd[8400];
	snprintf(a, sizeof a, "%s/images/noise.png", dir);
	snprintf(b, sizeof b, "%s/which.png", dir);
	snprintf(cmd, sizeof cmd, "cp %s %s", a, b);
	assert_int_equal(system(cmd), 0);
	vs_error err;
	float itc1[24], itc2[24], want[24];
	vs_blip_image *im1 = vs_blip_image_file(model, b, itc1, &err);
	assert_non_null(im1);
	double p1, p2;
	assert_int_equal(vs_blip_itm_text(model, im1, "a cat", 0, &p1, NULL, &err), 0);
	vs_blip_image *again = vs_blip_image_file(model, b, itc2, &err);
	assert_ptr_equal(again, im1);
	assert_memory_equal(itc1, itc2, sizeof itc1);
	assert_int_equal(vs_blip_itm_text(model, again, "a cat", 0, &p2, NULL, &err), 0);
	assert_true(p1 == p2);
	assert_int_equal(vs_clip_encode_image_file(model, b, want, &err), 0);
	for (int d = 0; d < 24; d++)
		assert_true(fabsf(want[d] - itc1[d]) < 1e-6f);
	/* the file replaced by another image (a different size): encoded again */
	snprintf(cmd, sizeof cmd, "cp %s/images/smooth.jpg %s", dir, b);
	assert_int_equal(system(cmd), 0);
	vs_blip_image *im3 = vs_blip_image_file(model, b, itc2, &err);
	assert_non_null(im3);
	assert_int_equal(vs_clip_encode_image_file(model, b, want, &err), 0);
	for (int d = 0; d < 24; d++)
		assert_true(fabsf(want[d] - itc2[d]) < 1e-6f);
	assert_true(memcmp(itc1, itc2, sizeof itc1) != 0);
	/* many files: the cache stays bounded and each answer stays right */
	for (int i = 0; i < 3; i++) {
		const char *names[] = {"grey.png", "alpha.png", "small.bmp"};
		snprintf(a, sizeof a, "%s/images/%s", dir, names[i]);
		assert_non_null(vs_blip_image_file(model, a, itc1, &err));
		assert_int_equal(vs_clip_encode_image_file(model, a, want, &err), 0);
		for (int d = 0; d < 24; d++)
			assert_true(fabsf(want[d] - itc1[d]) < 1e-6f);
	}
	snprintf(a, sizeof a, "%s/nosuch.png", dir);
	assert_null(vs_blip_image_file(model, a, itc1, &err));
	assert_non_null(strstr(err.msg, "nosuch.png"));
}

/* Copy the checkpoint to another folder and run a shell command there. */
static vs_clip_model *variant(const char *change, vs_error *err)
{
	char cmd[8192];
	snprintf(cmd, sizeof cmd, "rm -rf %s/v && mkdir %s/v && cp %s/config.json %s/model.safetensors %s/vocab.txt %s/v/ && "
	         "cd %s/v && %s", dir, dir, dir, dir, dir, dir, dir, change);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "%s/v", dir);
	return vs_clip_load(cmd, err);
}

static void checkpoints_made_wrong(void **state)
{
	(void)state;
	need_model();
	vs_error err;
	/* a captioning checkpoint (no ITM head), heads that do not divide, a
	 * vision width the tensors do not have, another model type, no vocabulary */
	assert_null(variant("sed -i 's/itm_head.weight/itm_hexd.weight/' model.safetensors", &err));
	assert_non_null(strstr(err.msg, "BlipForImageTextRetrieval"));
	assert_null(variant("sed -i 's/\"num_attention_heads\": 5/\"num_attention_heads\": 7/' config.json", &err));
	assert_non_null(strstr(err.msg, "text_config"));
	assert_null(variant("sed -i 's/\"hidden_size\": 48/\"hidden_size\": 96/' config.json", &err));
	assert_non_null(strstr(err.msg, "shape"));
	assert_null(variant("sed -i 's/\"model_type\": \"blip\"/\"model_type\": \"bert\"/' config.json", &err));
	assert_non_null(strstr(err.msg, "'bert'"));
	assert_null(variant("rm vocab.txt", &err));
	assert_non_null(strstr(err.msg, "vocab.txt"));
	assert_null(variant("sed -i '/CLS/d' vocab.txt", &err));
	assert_non_null(strstr(err.msg, "[CLS]"));
	assert_null(variant("sed -i 's/\"hidden_act\": \"gelu\"/\"hidden_act\": \"relu\"/' config.json", &err));
	assert_non_null(strstr(err.msg, "relu"));
	/* added tokens from added_tokens.json, and a cased vocabulary */
	vs_clip_model *m = variant("printf '{\"[DEC]\": 133, \"[ENC]\": 132}' > added_tokens.json && "
	                           "printf '{\"do_lower_case\": false}' > tokenizer_config.json", &err);
	if (!m)
		fail_msg("%s", err.msg);
	int32_t ids[16];
	assert_int_equal(vs_model_tokenize(m, "[ENC] Cat cat", ids, NULL), 5);
	assert_int_equal(ids[1], 132);
	assert_int_equal(ids[2], vs_bert_token_id(m->bert, "[UNK]"));
	assert_int_equal(ids[3], vs_bert_token_id(m->bert, "cat"));
	vs_clip_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(family_and_shapes),
		cmocka_unit_test(tokens_by_bert_rules),
		cmocka_unit_test(itc_text_like_reference),
		cmocka_unit_test(itc_image_and_itm_like_reference),
		cmocka_unit_test(preprocessing_like_pil),
		cmocka_unit_test(image_files_kept),
		cmocka_unit_test(checkpoints_made_wrong),
	};
	int rc = cmocka_run_group_tests(tests, setup, NULL);
	/* the forward passes again with libmvec four floats at a time, as on a
	 * processor without AVX-512 */
	const struct CMUnitTest narrow[] = {
		cmocka_unit_test(itc_text_like_reference),
		cmocka_unit_test(itc_image_and_itm_like_reference),
	};
	setenv("VECSH_NO_AVX512", "1", 1);
	return rc | cmocka_run_group_tests_name("four at a time", narrow, NULL, teardown);
}
