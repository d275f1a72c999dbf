/* Benchmark files: the same input as word pairs and as analogy questions. */
#include "fuzz.h"
#include "vectors/vectors.h"

static vs_vecset *set;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vs_error err;
	if (!set) {
		const char *const names[] = {"king", "queen", "man", "woman", "Paris"};
		const float v[] = {1, 2, 0, 1, 1.5f, 0.2f, 0.5f, 1, 0, 0.4f, 0.6f, 0.3f, 2, 0, 1};
		set = vs_vecset_from_arrays(names, 5, v, 3, &err);
		if (!set)
			abort();
	}
	const char *path = fuzz_file(data, size, ".txt");
	vs_pairs_report pr;
	vs_eval_pairs(set, path, 0, &pr, &err);
	vs_analogy_report ar;
	if (vs_eval_analogies(set, path, 0, NULL, NULL, &ar, &err) == 0)
		vs_analogy_report_free(&ar);
	return 0;
}
