/* fastText models (.bin, .ftz) through vs_load, supervised ones too: a model
 * that loads answers a query and makes vectors for unseen words. */
#include "fuzz.h"
#include "vectors/vectors.h"

static void walked(void *ctx, const char *ngram, size_t len, uint32_t bucket, long row)
{
	(void)ngram, (void)len, (void)bucket, (void)row;
	++*(size_t *)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".bin");
	vs_load_options opt = {.threads = 1, .supervised = 1};
	vs_error err;
	vs_vecset *set = vs_load(path, &opt, NULL, &err);
	if (set && set->count) {
		long w = 0;
		vs_hit hits[3];
		size_t n, seen = 0;
		vs_most_similar(set, &w, 1, NULL, 0, 3, 0, hits, &n, &err);
		const char *unseen[] = {"kingdum", "\xe6\x9d\xb1\xe4\xba\xac", "x", ""};
		for (int i = 0; i < 4; i++) {
			long o = vs_vecset_add_oov(set, unseen[i], &err);
			if (o >= 0)
				vs_most_similar(set, &o, 1, NULL, 0, 3, 0, hits, &n, &err);
			if (set->sub)
				vs_subwords_walk(set->sub, unseen[i], walked, &seen);
		}
	}
	vs_vecset_free(set);
	return 0;
}
