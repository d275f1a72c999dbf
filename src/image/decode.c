/* Images: decoding PNG (libpng), JPEG (libjpeg-turbo), and BMP, GIF and TGA
 * (stb_image), into the pixels PIL would open. */
#include "image/image.h"

#include <errno.h>
#include <stdio.h> /* before jpeglib.h, which needs FILE */
#include <jpeglib.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* PIL refuses images over twice its MAX_IMAGE_PIXELS (1024 * 1024 * 1024 // 4 // 3)
 * as decompression bombs; so does vecsh, before decoding a pixel. */
#define MAX_PIXELS (2ull * (1024ull * 1024 * 1024 / 4 / 3))

static int too_many_pixels(unsigned long long w, unsigned long long h)
{
	return w == 0 || h == 0 || w * h > MAX_PIXELS;
}

static int bomb(const char *path, unsigned long long w, unsigned long long h, vs_error *err)
{
	return vs_fail(err, "%s: %llux%llu pixels: an image this large (over %llu pixels, as PIL refuses) is not decoded",
	               path, w, h, MAX_PIXELS);
}

/* TGA has no magic number: only a file named .tga is read as one. */
static int tga_name(const char *path)
{
	size_t n = strlen(path);
	return n > 4 && strcasecmp(path + n - 4, ".tga") == 0;
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
		return vs_oom(err);
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
	if (too_many_pixels(w, h)) {
		png_destroy_read_struct(&png, &info, NULL);
		return bomb(path, w, h, err);
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
		return vs_oom(err);
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
	if (too_many_pixels(d.output_width, d.output_height)) {
		jpeg_destroy_decompress(&d);
		return bomb(path, d.output_width, d.output_height, err);
	}
	int ch = d.output_components;
	px = malloc((size_t)d.output_width * d.output_height * (size_t)ch);
	if (!px) {
		jpeg_destroy_decompress(&d);
		return vs_oom(err);
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
	} else if (!(got >= 2 && memcmp(magic, "BM", 2) == 0) && !gif && !tga_name(path)) {
		rc = vs_fail(err, "%s: not an image vecsh can read (PNG, JPEG, BMP, GIF, or TGA named .tga)", path);
	} else {
		/* BMP, GIF (first frame) and TGA through stb_image, its size checked first */
		int w, h, n;
		uint8_t *px = NULL;
		if (!stbi_info_from_file(f, &w, &h, &n)) {
			fclose(f);
			return vs_fail(err, "%s: not an image vecsh can read (%s)", path, stbi_failure_reason());
		}
		if (too_many_pixels((unsigned long long)w, (unsigned long long)h)) {
			fclose(f);
			return bomb(path, (unsigned long long)w, (unsigned long long)h, err);
		}
		px = stbi_load_from_file(f, &w, &h, &n, 0);
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
				rc = vs_oom(err);
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
