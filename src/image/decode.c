/* Images: decoding, and resizing exactly as Pillow's Resample.c does
 * (bicubic a = -0.5, support widened by the scale when shrinking, 22-bit
 * fixed-point coefficients, a horizontal then a vertical pass through 8-bit
 * pixels). */
#include "image/image.h"

#include <errno.h>
#include <stdio.h> /* before jpeglib.h, which needs FILE */
#include <jpeglib.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <stb/stb_image.h>

void vs_image_free(vs_image *img)
{
	free(img->pixels);
	img->pixels = NULL;
}

/* ---- PNG ---- */

static void png_fail(png_structp png, png_const_charp msg)
{
	char *buf = png_get_error_ptr(png);
	snprintf(buf, 256, "%s", msg);
	png_longjmp(png, 1);
}

static void png_quiet(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* libpng's low-level reader, set up to give the pixels PIL gives: 16-bit
 * samples by their high byte, no gamma correction, palettes expanded (PIL
 * keeps mode P, resized by nearest), transparency chunks ignored (convert
 * to RGB drops them), grey + alpha as RGBA. */
static int load_png(const char *path, FILE *f, vs_image *img, vs_error *err)
{
	char msg[256] = "";
	png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, msg, png_fail, png_quiet);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	uint8_t *volatile px = NULL;
	png_bytep *volatile rows = NULL;
	if (!png || !info) {
		png_destroy_read_struct(png ? &png : NULL, NULL, NULL);
		return vs_fail(err, "out of memory");
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_read_struct(&png, &info, NULL);
		free(px);
		free(rows);
		return vs_fail(err, "%s: truncated or corrupt PNG: %s", path, msg);
	}
	png_init_io(png, f);
	png_read_info(png, info);
	png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
	int depth = png_get_bit_depth(png, info), type = png_get_color_type(png, info);
	if (w > 20000 || h > 20000) {
		png_destroy_read_struct(&png, &info, NULL);
		return vs_fail(err, "%s: %ux%u pixels is too large", path, w, h);
	}
	int ch;
	img->palette = type == PNG_COLOR_TYPE_PALETTE || (type == PNG_COLOR_TYPE_GRAY && depth == 1);
	if (depth == 16)
		png_set_strip_16(png);
	if (type == PNG_COLOR_TYPE_PALETTE) {
		png_set_palette_to_rgb(png);
		ch = 3;
	} else if (type == PNG_COLOR_TYPE_GRAY) {
		if (depth < 8)
			png_set_expand_gray_1_2_4_to_8(png);
		ch = 1;
	} else if (type == PNG_COLOR_TYPE_GRAY_ALPHA) {
		png_set_gray_to_rgb(png);
		ch = 4;
	} else {
		ch = type == PNG_COLOR_TYPE_RGB_ALPHA ? 4 : 3;
	}
	png_set_interlace_handling(png);
	png_read_update_info(png, info);
	if ((int)png_get_channels(png, info) != ch || png_get_bit_depth(png, info) != 8) {
		png_destroy_read_struct(&png, &info, NULL);
		return vs_fail(err, "%s: an unusual PNG layout", path);
	}
	px = malloc((size_t)w * h * (size_t)ch);
	rows = malloc(h * sizeof *rows);
	if (!px || !rows) {
		png_destroy_read_struct(&png, &info, NULL);
		free(px);
		free(rows);
		return vs_fail(err, "out of memory");
	}
	for (png_uint_32 y = 0; y < h; y++)
		rows[y] = px + (size_t)y * w * (size_t)ch;
	png_read_image(png, rows);
	png_read_end(png, NULL);
	png_destroy_read_struct(&png, &info, NULL);
	free(rows);
	img->width = (int)w;
	img->height = (int)h;
	img->channels = ch;
	img->pixels = px;
	return 0;
}

/* ---- JPEG ---- */

typedef struct jerr {
	struct jpeg_error_mgr mgr;
	jmp_buf jump;
	char msg[JMSG_LENGTH_MAX];
} jerr;

static void jpeg_fail(j_common_ptr c)
{
	jerr *e = (jerr *)c->err;
	(*c->err->format_message)(c, e->msg);
	longjmp(e->jump, 1);
}

/* No messages on stderr; warnings (premature end of data) are still counted. */
static void jpeg_quiet(j_common_ptr c, int level)
{
	if (level < 0)
		c->err->num_warnings++;
}

static int load_jpeg(const char *path, FILE *f, vs_image *img, vs_error *err)
{
	struct jpeg_decompress_struct d;
	jerr e;
	uint8_t *volatile px = NULL;
	d.err = jpeg_std_error(&e.mgr);
	e.mgr.error_exit = jpeg_fail;
	e.mgr.emit_message = jpeg_quiet;
	if (setjmp(e.jump)) {
		jpeg_destroy_decompress(&d);
		free(px);
		return vs_fail(err, "%s: truncated or corrupt JPEG: %s", path, e.msg);
	}
	jpeg_create_decompress(&d);
	jpeg_stdio_src(&d, f);
	jpeg_read_header(&d, TRUE);
	if (d.jpeg_color_space == JCS_CMYK || d.jpeg_color_space == JCS_YCCK) {
		jpeg_destroy_decompress(&d);
		return vs_fail(err, "%s: CMYK JPEG images are not supported", path);
	}
	/* libjpeg's defaults, as PIL uses them: islow DCT, fancy upsampling */
	d.out_color_space = d.jpeg_color_space == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
	jpeg_start_decompress(&d);
	if (d.output_width > 20000 || d.output_height > 20000) {
		jpeg_destroy_decompress(&d);
		return vs_fail(err, "%s: %ux%u pixels is too large", path, d.output_width, d.output_height);
	}
	int ch = d.output_components;
	px = malloc((size_t)d.output_width * d.output_height * (size_t)ch);
	if (!px) {
		jpeg_destroy_decompress(&d);
		return vs_fail(err, "out of memory");
	}
	while (d.output_scanline < d.output_height) {
		JSAMPROW row = px + (size_t)d.output_scanline * d.output_width * (size_t)ch;
		jpeg_read_scanlines(&d, &row, 1);
	}
	if (d.err->num_warnings) { /* premature end of data: PIL refuses truncated images too */
		jpeg_destroy_decompress(&d);
		free(px);
		return vs_fail(err, "%s: truncated or corrupt JPEG", path);
	}
	jpeg_finish_decompress(&d);
	img->width = (int)d.output_width;
	img->height = (int)d.output_height;
	img->channels = ch;
	img->pixels = px;
	jpeg_destroy_decompress(&d);
	return 0;
}

int vs_image_load(const char *path, vs_image *img, vs_error *err)
{
	memset(img, 0, sizeof *img);
	FILE *f = fopen(path, "rb");
	if (!f)
		return vs_fail(err, "%s: %s", path, strerror(errno));
	unsigned char magic[8] = {0};
	size_t got = fread(magic, 1, 8, f);
	rewind(f);
	int rc;
	int gif = got >= 4 && memcmp(magic, "GIF8", 4) == 0;
	if (got == 8 && memcmp(magic, "\x89PNG\r\n\x1a\n", 8) == 0) {
		rc = load_png(path, f, img, err);
	} else if (got >= 3 && magic[0] == 0xFF && magic[1] == 0xD8 && magic[2] == 0xFF) {
		rc = load_jpeg(path, f, img, err);
	} else {
		/* BMP, GIF (first frame), TGA and the rest of what stb_image reads */
		int w, h, n;
		uint8_t *px = stbi_load_from_file(f, &w, &h, &n, 0);
		if (!px) {
			rc = vs_fail(err, "%s: not an image vecsh can read (%s)", path, stbi_failure_reason());
		} else {
			int ch = n == 1 ? 1 : n == 2 || n == 4 ? 4 : 3;
			uint8_t *out = ch == n ? px : malloc((size_t)w * h * (size_t)ch);
			if (out && ch != n) /* grey + alpha becomes RGBA */
				for (size_t i = 0; i < (size_t)w * h; i++) {
					out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = px[2 * i];
					out[4 * i + 3] = px[2 * i + 1];
				}
			if (out != px)
				stbi_image_free(px);
			if (!out) {
				rc = vs_fail(err, "out of memory");
			} else {
				/* stb's memory is malloc'd by default: free() releases it */
				img->width = w;
				img->height = h;
				img->channels = ch;
				img->pixels = out;
				img->palette = gif;
				rc = 0;
			}
		}
	}
	fclose(f);
	return rc;
}

/* ---- Pillow's resampling ---- */

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
static int resize_nearest(const vs_image *in, int width, int height, vs_image *out)
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
	if ((img->palette ? resize_nearest(img, nw, nh, &r) : vs_image_resize_bicubic(img, nw, nh, &r)) < 0)
		return vs_fail(err, "out of memory");
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
