/* Saved TF-IDF index files through vs_index_open, then a search. */
#include "fuzz.h"
#include "text/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vs_error err;
	vs_index *ix = vs_index_open(fuzz_file(data, size, ".vsix"), &err);
	if (ix) {
		vs_hit hits[3];
		size_t n;
		vs_index_search(ix, "cat dog", 0, 3, hits, &n, &err);
		vs_index_search(ix, "cat", 1, 3, hits, &n, &err);
		vs_index_free(ix);
	}
	return 0;
}
