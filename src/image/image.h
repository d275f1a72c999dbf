/* image.h: decoding images and resampling them as PIL does. */
#ifndef VECSH_IMAGE_H
#define VECSH_IMAGE_H

#include "core/core.h"

/* ---- Decoding images (PNG through libpng, JPEG through libjpeg-turbo,
 * BMP, GIF and TGA through stb_image) into the pixels PIL would open, and
 * PIL's resampling. */

#include <stddef.h>
#include <stdint.h>

typedef struct vs_image {
	int width, height;
	int channels;      /* 1 (L), 3 (RGB) or 4 (RGBA), as PIL would open it */
	uint8_t *pixels;   /* rows of width x channels bytes */
	int palette;       /* PIL would open it in mode P (GIF, palette PNG): resized by nearest */
} vs_image;

int vs_image_load(const char *path, vs_image *img, vs_error *err);
void vs_image_free(vs_image *img);

/* PIL's Image.resize(size, BICUBIC) (RGBA premultiplied while resizing). */
int vs_image_resize_bicubic(const vs_image *in, int width, int height, vs_image *out);

/* PIL's nearest resize (x_in = floor((x + 0.5) * in / out)), as PIL resizes mode P. */
int vs_image_resize_nearest(const vs_image *in, int width, int height, vs_image *out);

#endif
