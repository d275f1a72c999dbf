/* Image files through the decoders (PNG, JPEG, BMP, GIF; TGA by name) and CLIP's preprocessing. */
#include "fuzz.h"
#include "clip/clip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {".png", ".tga"};
	vs_error err;
	for (int i = 0; i < 2; i++) {
		vs_image img;
		if (vs_image_load(fuzz_file(data, size, names[i]), &img, &err) == 0) {
			float px[3 * 16 * 16];
			vs_clip_preprocess(&img, 16, px, &err);
			vs_image_free(&img);
		}
	}
	return 0;
}
