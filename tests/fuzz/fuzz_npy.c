/* numpy .npy files with a labels file of four names. */
#include <string.h>

#include "fuzz.h"
#include "vectors/vectors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char labels[96];
	if (!labels[0]) {
		snprintf(labels, sizeof labels, "%s/labels", fuzz_dir());
		FILE *f = fopen(labels, "w");
		if (!f || fputs("a\nb\nc\nd\n", f) < 0)
			abort();
		fclose(f);
	}
	vs_error err;
	vs_vecset *set = vs_npy_load(fuzz_file(data, size, ".npy"), labels, &err);
	vs_vecset_free(set);
	return 0;
}
