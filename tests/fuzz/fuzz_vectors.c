/* Vector files of every format through vs_load: text, word2vec binary, .vecs, .npy (refused without labels). */
#include "fuzz.h"
#include "vectors/vectors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".txt");
	vs_load_options opt = {.threads = 1};
	vs_error err;
	vs_vecset *set = vs_load(path, &opt, NULL, &err);
	if (set && set->count) { /* a loaded set answers a query */
		long w = 0;
		vs_hit hits[3];
		size_t n;
		vs_most_similar(set, &w, 1, NULL, 0, 3, 0, hits, &n, &err);
	}
	vs_vecset_free(set);
	opt.verify = 1;
	set = vs_load(path, &opt, NULL, &err);
	vs_vecset_free(set);
	return 0;
}
