/* Word lists: BPE merges for CLIP's tokenizer, and stop-word files. */
#include "fuzz.h"
#include "clip/clip.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".txt");
	vs_error err;
	vs_clip_tokenizer *t = vs_clip_tokenizer_load(path, &err);
	if (t) {
		int32_t ids[VS_CLIP_CONTEXT];
		vs_clip_tokenize(t, "a photo of a cat", ids, VS_CLIP_CONTEXT);
		vs_clip_tokenizer_free(t);
	}
	vs_stopwords *sw = vs_stopwords_load(path, &err);
	vs_stopwords_free(sw);
	return 0;
}
