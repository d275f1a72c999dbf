/* Benchmarks of the BLIP engine on a checkpoint of blip-itm-base-coco's
 * shapes with random weights (issue 18's targets in brackets). Writes what
 * it computed to OUTDIR (the preprocessed pixels, the texts' token ids, the
 * ITC embeddings and ITM probabilities) for bench/blip_torch.py to compare.
 *   usage: bench_blip CHECKPOINT_DIR IMAGE OUTDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"

#include "vecsh.h"

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: bench_blip CHECKPOINT_DIR IMAGE OUTDIR\n");
		return 2;
	}
	vs_error err;
	double t[21], t0 = now();
	vs_clip_model *m = vs_clip_load(argv[1], &err);
	if (!m) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	printf("open the blip-itm-base-shaped checkpoint (mapped)         %7.3f s   [< 1 s]\n", now() - t0);
	size_t npx = 3 * (size_t)m->image_size * m->image_size;
	float *px = malloc(npx * sizeof *px), itc[1024];
	vs_image img;
	if (vs_image_load(argv[2], &img, &err) < 0 || vs_model_preprocess(m, &img, px, &err) < 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	vs_image_free(&img);
	vs_blip_image *im = NULL;
	for (int r = 0; r < 9; r++) {
		vs_blip_image_free(im);
		t0 = now();
		im = vs_blip_image_encode(m, px, itc, &err);
		t[r] = now() - t0;
		if (!im) {
			fprintf(stderr, "bench: %s\n", err.msg);
			return 1;
		}
	}
	double fastest = t[0];
	for (int r = 1; r < 9; r++)
		fastest = t[r] < fastest ? t[r] : fastest;
	printf("image encoder, %d tokens                   median of 9:  %7.1f ms  [< 400 ms]  (fastest %.1f ms)\n",
	       (m->image_size / m->patch_size) * (m->image_size / m->patch_size) + 1, median(t, 9) * 1e3, fastest * 1e3);
	const char *texts[] = {"a photo of a cat.", "a woman riding a horse on the beach",
	                       "two dogs playing with a red ball in the snow"};
	float out[1024];
	for (int r = 0; r < 21; r++) {
		t0 = now();
		vs_clip_encode_text(m, texts[r % 3], out, NULL, &err);
		t[r] = now() - t0;
	}
	int32_t tok[512];
	printf("ITC text embedding, short text (%d-%d tokens) median of 21: %7.2f ms  [< 30 ms]\n",
	       vs_model_tokenize(m, texts[0], tok, NULL), vs_model_tokenize(m, texts[2], tok, NULL), median(t, 21) * 1e3);
	const char *longer = "a woman riding a horse on the beach with two dogs playing with a red ball in the snow "
	                     "with a cat in the tree";
	for (int r = 0; r < 11; r++) {
		t0 = now();
		vs_clip_encode_text(m, longer, out, NULL, &err);
		t[r] = now() - t0;
	}
	printf("ITC text embedding, a caption of %d tokens  median of 11: %7.2f ms\n", vs_model_tokenize(m, longer, tok, NULL),
	       median(t, 11) * 1e3);
	double p;
	t0 = now();
	vs_blip_itm_text(m, im, texts[0], 0, &p, NULL, &err); /* the first builds the image's keys and values */
	printf("ITM, first text (the image's cross-attention keys and values made) %7.2f ms\n", (now() - t0) * 1e3);
	for (int r = 0; r < 21; r++) {
		t0 = now();
		vs_blip_itm_text(m, im, texts[r % 3], 0, &p, NULL, &err);
		t[r] = now() - t0;
	}
	printf("ITM, a pair with the image's keys and values kept  median of 21: %7.2f ms  [< 60 ms]\n",
	       median(t, 21) * 1e3);
	/* an image file the model has seen: its tokens kept, no vision tower */
	{
		vs_blip_image *first = vs_blip_image_file(m, argv[2], itc, &err);
		if (!first) {
			fprintf(stderr, "bench: %s\n", err.msg);
			return 1;
		}
		t0 = now();
		vs_blip_image *kept = vs_blip_image_file(m, argv[2], itc, &err);
		vs_blip_itm_text(m, kept, texts[0], 0, &p, NULL, &err);
		printf("ITM with an image file seen before (the same file again)        %7.2f ms\n", (now() - t0) * 1e3);
	}
	/* a zero-shot classification's prompts (3 labels x 2 templates) in one batch */
	const char *prompts[] = {"a photo of a cat.", "a drawing of a cat.", "a photo of a dog.", "a drawing of a dog.",
	                         "a photo of a bird.", "a drawing of a bird."};
	float *many = malloc(6 * (size_t)m->proj * sizeof *many);
	double probs[6];
	for (int r = 0; r < 7; r++) {
		t0 = now();
		vs_model_encode_texts(m, prompts, 6, many, NULL, &err);
		t[r] = now() - t0;
	}
	printf("ITC text embeddings, 6 prompts in one batch  median of 7: %7.2f ms (%.1f ms a prompt)\n",
	       median(t, 7) * 1e3, median(t, 7) * 1e3 / 6);
	for (int r = 0; r < 7; r++) {
		t0 = now();
		vs_blip_itm_texts(m, im, prompts, 6, 0, probs, NULL, &err);
		t[r] = now() - t0;
	}
	printf("ITM, 6 prompts with one image in one batch   median of 7: %7.2f ms (%.1f ms a pair)\n",
	       median(t, 7) * 1e3, median(t, 7) * 1e3 / 6);
	free(many);
	/* what was computed, for the reference to compare */
	char path[4096];
	snprintf(path, sizeof path, "%s/blip-px.f32", argv[3]);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(px, sizeof *px, npx, f) != npx || fclose(f) != 0)
		return 1;
	snprintf(path, sizeof path, "%s/blip-vecsh.tsv", argv[3]);
	f = fopen(path, "w");
	if (!f)
		return 1;
	fprintf(f, "image");
	for (int d = 0; d < m->proj; d++)
		fprintf(f, " %.9g", itc[d]);
	fprintf(f, "\n");
	for (int i = 0; i < 3; i++) {
		int32_t ids[512];
		int n = vs_model_tokenize(m, texts[i], ids, NULL);
		for (int k = 0; k < n; k++)
			fprintf(f, "%s%d", k ? " " : "", ids[k]);
		vs_clip_encode_text(m, texts[i], out, NULL, &err);
		vs_blip_itm(m, im, ids, n, 0, &p, &err);
		fprintf(f, "\t%.9g\t", p);
		for (int d = 0; d < m->proj; d++)
			fprintf(f, "%s%.9g", d ? " " : "", out[d]);
		fprintf(f, "\n");
	}
	fclose(f);
	vs_blip_image_free(im);
	free(px);
	vs_clip_free(m);
	return 0;
}
