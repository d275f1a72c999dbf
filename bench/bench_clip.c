/* Benchmarks of the CLIP engine on a ViT-B/32-shaped checkpoint (issue
 * targets in brackets). usage: bench_clip CHECKPOINT_DIR IMAGE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

#include "vecsh.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_clip CHECKPOINT_DIR IMAGE\n");
		return 2;
	}
	vs_error err;
	double t[21], t0 = now();
	vs_clip_model *m = vs_clip_load(argv[1], &err);
	if (!m) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	printf("open the ViT-B/32-shaped checkpoint (mapped)             %7.3f s   [< 1 s]\n", now() - t0);
	float out[1024];
	const char *texts[] = {"a photo of a cat.", "a diagram", "a photo of a dog playing in the snow"};
	for (int r = 0; r < 21; r++) {
		t0 = now();
		vs_clip_encode_text(m, texts[r % 3], out, NULL, &err);
		t[r] = now() - t0;
	}
	printf("text encoder, short text (one at a time)   median of 21: %7.2f ms  [< 20 ms]\n", median(t, 21) * 1e3);
	float *px = malloc(3 * (size_t)m->image_size * m->image_size * sizeof *px);
	for (int r = 0; r < 11; r++) {
		t0 = now();
		vs_image img;
		if (vs_image_load(argv[2], &img, &err) < 0 || vs_clip_preprocess(&img, m->image_size, px, &err) < 0 ||
		    vs_clip_encode_pixels(m, px, out, &err) < 0) {
			fprintf(stderr, "bench: %s\n", err.msg);
			return 1;
		}
		vs_image_free(&img);
		t[r] = now() - t0;
	}
	printf("image: decode, preprocess, encoder (640x480 JPEG) median of 11: %6.2f ms  [< 100 ms]\n",
	       median(t, 11) * 1e3);
	/* throughput: the encoder alone, one image at a time, then in batches of 8 */
	size_t npx = 3 * (size_t)m->image_size * m->image_size;
	float *many = malloc(8 * npx * sizeof *many), outs[8 * 1024];
	for (int b = 0; b < 8; b++)
		memcpy(many + b * npx, px, npx * sizeof *many);
	t0 = now();
	for (int b = 0; b < 8; b++)
		vs_clip_encode_pixels(m, many + b * npx, outs, &err);
	double one = (now() - t0) / 8;
	t0 = now();
	vs_clip_encode_pixels_batch(m, many, 8, outs, &err);
	double batched = (now() - t0) / 8;
	printf("image encoder alone: %.1f ms an image one at a time, %.1f ms in batches of 8 (%.1fx)\n", one * 1e3,
	       batched * 1e3, one / batched);
	free(many);
	free(px);
	vs_clip_free(m);
	return 0;
}
