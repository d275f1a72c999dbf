/* Resizing exactly as Pillow's Resample.c does (bicubic a = -0.5, support
 * widened by the scale when shrinking, 22-bit fixed-point coefficients, a
 * horizontal then a vertical pass through 8-bit pixels), and nearest. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "image/image.h"

#define PRECISION_BITS (32 - 8 - 2)

static double bicubic(double x)
{
	const double a = -0.5;
	if (x < 0.0)
		x = -x;
	if (x < 1.0)
		return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
	if (x < 2.0)
		return (((x - 5) * x + 8) * x - 4) * a;
	return 0.0;
}

/* Coefficients for one axis: per output pixel, the first input pixel, the
 * count, and ksize fixed-point weights. Returns ksize, or 0 on failure. */
static int coeffs(int in_size, int out_size, int **bounds, int32_t **kk)
{
	double scale = (double)in_size / out_size, filterscale = scale < 1.0 ? 1.0 : scale;
	double support = 2.0 * filterscale;
	int ksize = (int)ceil(support) * 2 + 1;
	double *k = malloc((size_t)out_size * ksize * sizeof *k);
	*bounds = malloc((size_t)out_size * 2 * sizeof **bounds);
	*kk = malloc((size_t)out_size * ksize * sizeof **kk);
	if (!k || !*bounds || !*kk) {
		free(k), free(*bounds), free(*kk);
		return 0;
	}
	for (int xx = 0; xx < out_size; xx++) {
		double center = (xx + 0.5) * scale, ww = 0.0, ss = 1.0 / filterscale;
		int xmin = (int)(center - support + 0.5), xmax = (int)(center + support + 0.5);
		if (xmin < 0)
			xmin = 0;
		if (xmax > in_size)
			xmax = in_size;
		xmax -= xmin;
		double *kx = k + (size_t)xx * ksize;
		int x;
		for (x = 0; x < xmax; x++) {
			double w = bicubic((x + xmin - center + 0.5) * ss);
			kx[x] = w;
			ww += w;
		}
		for (x = 0; x < xmax; x++)
			if (ww != 0.0)
				kx[x] /= ww;
		for (; x < ksize; x++)
			kx[x] = 0;
		(*bounds)[xx * 2] = xmin;
		(*bounds)[xx * 2 + 1] = xmax;
	}
	for (size_t i = 0; i < (size_t)out_size * ksize; i++)
		(*kk)[i] = k[i] < 0 ? (int32_t)(-0.5 + k[i] * (1 << PRECISION_BITS)) : (int32_t)(0.5 + k[i] * (1 << PRECISION_BITS));
	free(k);
	return ksize;
}

static uint8_t clip8(int32_t in)
{
	if (in >= (1 << PRECISION_BITS << 8))
		return 255;
	if (in <= 0)
		return 0;
	return (uint8_t)(in >> PRECISION_BITS);
}

/* MULDIV255 and its inverse: Pillow's RGBA <-> RGBa (premultiplied) */
static uint8_t muldiv255(unsigned a, unsigned b)
{
	unsigned t = a * b + 128;
	return (uint8_t)(((t >> 8) + t) >> 8);
}

int vs_image_resize_bicubic(const vs_image *in, int width, int height, vs_image *out)
{
	int C = in->channels, W = in->width, H = in->height;
	memset(out, 0, sizeof *out);
	const uint8_t *src = in->pixels;
	uint8_t *pre = NULL;
	if (C == 4) { /* resize premultiplied, as Pillow does for RGBA */
		pre = malloc((size_t)W * H * 4);
		if (!pre)
			return -1;
		for (size_t i = 0; i < (size_t)W * H; i++) {
			unsigned a = in->pixels[4 * i + 3];
			for (int c = 0; c < 3; c++)
				pre[4 * i + c] = muldiv255(in->pixels[4 * i + c], a);
			pre[4 * i + 3] = (uint8_t)a;
		}
		src = pre;
	}
	int *bh = NULL, *bv = NULL;
	int32_t *kh = NULL, *kv = NULL;
	int ksh = coeffs(W, width, &bh, &kh), ksv = coeffs(H, height, &bv, &kv);
	uint8_t *tmp = NULL, *dst = NULL;
	int rc = -1;
	if (!ksh || !ksv)
		goto out;
	int need_h = width != W, need_v = height != H;
	/* the horizontal pass over the rows the vertical pass will use */
	int yfirst = bv[0], ylast = bv[height * 2 - 2] + bv[height * 2 - 1];
	const uint8_t *cur = src;
	int cw = W, ch = H;
	if (need_h) {
		for (int i = 0; i < height; i++)
			bv[i * 2] -= yfirst;
		ch = ylast - yfirst;
		tmp = malloc((size_t)width * ch * C);
		if (!tmp)
			goto out;
		for (int yy = 0; yy < ch; yy++)
			for (int xx = 0; xx < width; xx++) {
				int xmin = bh[xx * 2], xmax = bh[xx * 2 + 1];
				const int32_t *k = kh + (size_t)xx * ksh;
				for (int c = 0; c < C; c++) {
					int32_t ss = 1 << (PRECISION_BITS - 1);
					for (int x = 0; x < xmax; x++)
						ss += src[((size_t)(yy + yfirst) * W + (size_t)(x + xmin)) * C + c] * k[x];
					tmp[((size_t)yy * width + xx) * C + c] = clip8(ss);
				}
			}
		cur = tmp;
		cw = width;
	}
	dst = malloc((size_t)width * height * C);
	if (!dst)
		goto out;
	if (need_v) {
		for (int yy = 0; yy < height; yy++) {
			int ymin = bv[yy * 2], ymax = bv[yy * 2 + 1];
			const int32_t *k = kv + (size_t)yy * ksv;
			for (int xx = 0; xx < cw; xx++)
				for (int c = 0; c < C; c++) {
					int32_t ss = 1 << (PRECISION_BITS - 1);
					for (int y = 0; y < ymax; y++)
						ss += cur[((size_t)(y + ymin) * cw + (size_t)xx) * C + c] * k[y];
					dst[((size_t)yy * width + xx) * C + c] = clip8(ss);
				}
		}
	} else {
		memcpy(dst, cur, (size_t)width * height * C);
	}
	(void)ch;
	if (C == 4) /* back from premultiplied */
		for (size_t i = 0; i < (size_t)width * height; i++) {
			unsigned a = dst[4 * i + 3];
			if (a != 0 && a != 255)
				for (int c = 0; c < 3; c++) {
					unsigned v = 255 * dst[4 * i + c] / a;
					dst[4 * i + c] = (uint8_t)(v > 255 ? 255 : v);
				}
		}
	out->width = width;
	out->height = height;
	out->channels = C;
	out->pixels = dst;
	dst = NULL;
	rc = 0;
out:
	free(pre), free(bh), free(bv), free(kh), free(kv), free(tmp), free(dst);
	return rc;
}

/* Pillow resizes images of mode P by nearest neighbour: x_in = floor((x + 0.5) * in / out) */
int vs_image_resize_nearest(const vs_image *in, int width, int height, vs_image *out)
{
	int C = in->channels;
	out->pixels = malloc((size_t)width * height * C);
	if (!out->pixels)
		return -1;
	double sx = (double)in->width / width, sy = (double)in->height / height;
	for (int y = 0; y < height; y++) {
		int yi = (int)floor((y + 0.5) * sy);
		if (yi >= in->height)
			yi = in->height - 1;
		for (int x = 0; x < width; x++) {
			int xi = (int)floor((x + 0.5) * sx);
			if (xi >= in->width)
				xi = in->width - 1;
			memcpy(out->pixels + ((size_t)y * width + x) * C, in->pixels + ((size_t)yi * in->width + xi) * C, (size_t)C);
		}
	}
	out->width = width;
	out->height = height;
	out->channels = C;
	out->palette = 1;
	return 0;
}
