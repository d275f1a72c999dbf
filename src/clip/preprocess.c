/* CLIP's preprocessing, equal to OpenAI's _transform through PIL: bicubic
 * resize of the shorter side (nearest for palette images, as PIL does for
 * mode P), centre crop, RGB scaled to [0, 1] and normalised. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clip/clip.h"

int vs_clip_preprocess(const vs_image *img, int size, float *out, vs_error *err)
{
	/* the shorter side becomes size, the longer int(size * long / short) */
	int w = img->width, h = img->height, nw, nh;
	if (w <= 0 || h <= 0)
		return vs_fail(err, "an empty image");
	if (w <= h) {
		nw = size;
		nh = (int)((long long)size * h / w);
	} else {
		nh = size;
		nw = (int)((long long)size * w / h);
	}
	vs_image r;
	memset(&r, 0, sizeof r);
	if ((img->palette ? vs_image_resize_nearest(img, nw, nh, &r) : vs_image_resize_bicubic(img, nw, nh, &r)) < 0)
		return vs_oom(err);
	/* centre crop: offsets round((H - size) / 2), halves to even as Python rounds */
	int top = (int)nearbyint((nh - size) / 2.0), left = (int)nearbyint((nw - size) / 2.0);
	static const float mean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
	static const float std[3] = {0.26862954f, 0.26130258f, 0.27577711f};
	for (int c = 0; c < 3; c++)
		for (int y = 0; y < size; y++)
			for (int x = 0; x < size; x++) {
				const uint8_t *p = r.pixels + ((size_t)(y + top) * nw + (size_t)(x + left)) * r.channels;
				uint8_t v = r.channels == 1 ? p[0] : p[c];
				out[((size_t)c * size + y) * size + x] = ((float)v / 255.0f - mean[c]) / std[c];
			}
	vs_image_free(&r);
	return 0;
}

/* PIL's convert("RGB"): grey replicated, alpha dropped (a palette image is
 * already decoded to its colours). */
static int to_rgb(const vs_image *img, vs_image *rgb)
{
	size_t n = (size_t)img->width * img->height;
	rgb->width = img->width;
	rgb->height = img->height;
	rgb->channels = 3;
	rgb->palette = 0;
	rgb->pixels = malloc(n * 3);
	if (!rgb->pixels)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < 3; c++)
			rgb->pixels[i * 3 + c] = img->pixels[i * img->channels + (img->channels >= 3 ? c : 0)];
	return 0;
}

int vs_blip_preprocess(const vs_image *img, int size, float *out, vs_error *err)
{
	if (img->width <= 0 || img->height <= 0)
		return vs_fail(err, "an empty image");
	vs_image rgb, r;
	memset(&rgb, 0, sizeof rgb);
	memset(&r, 0, sizeof r);
	if (to_rgb(img, &rgb) < 0 || vs_image_resize_bicubic(&rgb, size, size, &r) < 0) {
		vs_image_free(&rgb);
		return vs_oom(err);
	}
	vs_image_free(&rgb);
	/* as Hugging Face's rescale (in double, then float32) and normalize (in float32) */
	static const float mean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
	static const float std[3] = {0.26862954f, 0.26130258f, 0.27577711f};
	for (int c = 0; c < 3; c++)
		for (size_t i = 0; i < (size_t)size * size; i++) {
			float v = (float)(r.pixels[i * 3 + c] * (1.0 / 255.0));
			out[(size_t)c * size * size + i] = (v - mean[c]) / std[c];
		}
	vs_image_free(&r);
	return 0;
}

int vs_model_preprocess(const vs_clip_model *m, const vs_image *img, float *out, vs_error *err)
{
	return m->family == VS_FAMILY_BLIP ? vs_blip_preprocess(img, m->image_size, out, err)
	                                   : vs_clip_preprocess(img, m->image_size, out, err);
}

float *vs_model_file_pixels(const vs_clip_model *m, const char *path, vs_error *err)
{
	vs_image img;
	if (vs_image_load(path, &img, err) < 0)
		return NULL;
	float *px = malloc((size_t)3 * m->image_size * m->image_size * sizeof *px);
	if (!px)
		vs_oom(err);
	else if (vs_model_preprocess(m, &img, px, err) < 0) {
		char msg[VS_ERR_MAX];
		snprintf(msg, sizeof msg, "%s", err->msg);
		vs_fail(err, "%s: %s", path, msg);
		free(px);
		px = NULL;
	}
	vs_image_free(&img);
	return px;
}
