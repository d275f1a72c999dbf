/* CLIP checkpoint folders: the input as config.json, beside a small
 * model.safetensors, through vs_clip_load (sizes read and checked). */
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "clip/clip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[96], cfg[128], model[128];
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "%s/clip", fuzz_dir());
		snprintf(cfg, sizeof cfg, "%s/config.json", dir);
		snprintf(model, sizeof model, "%s/model.safetensors", dir);
		mkdir(dir, 0700);
		/* one tensor of 8 floats: enough for the loader to reach its shape checks */
		static const char header[] = "{\"text_model.final_layer_norm.weight\": {\"dtype\": \"F32\", \"shape\": [8], "
		                             "\"data_offsets\": [0, 32]}}";
		FILE *f = fopen(model, "wb");
		uint64_t hl = sizeof header - 1;
		static const char zeros[32];
		if (!f || fwrite(&hl, 8, 1, f) != 1 || fwrite(header, 1, hl, f) != hl || fwrite(zeros, 1, 32, f) != 32)
			abort();
		fclose(f);
	}
	FILE *f = fopen(cfg, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size))
		abort();
	fclose(f);
	vs_error err;
	vs_clip_model *m = vs_clip_load(dir, &err);
	vs_clip_free(m);
	return 0;
}
