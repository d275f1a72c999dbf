/* The first Tab completion of a word on a big set, as the shell completes
 * it (vs_vecset_prefix, at most 5,000 matches), timed from a fresh open of
 * a .vecs file (its pages in the page cache, none yet in this process).
 *   usage: bench_complete FILE.vecs PREFIX... */
#include <stdio.h>

#include "bench_util.h"

#include "vecsh.h"

static size_t found;

static int take(const char *word, void *ctx)
{
	(void)word, (void)ctx;
	return ++found >= 5000;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_complete FILE.vecs PREFIX...\n");
		return 2;
	}
	vs_error err;
	double t0 = now();
	vs_vecset *set = vs_vecs_open(argv[1], &err);
	if (!set) {
		fprintf(stderr, "bench_complete: %s\n", err.msg);
		return 1;
	}
	double opened = now() - t0;
	for (int i = 2; i < argc; i++) {
		found = 0;
		t0 = now();
		vs_vecset_prefix(set, argv[i], take, NULL);
		printf("vecsh  first Tab on '%s' (%zu words; open %.1f ms)   %.2f ms\n", argv[i], found, opened * 1e3,
		       (now() - t0) * 1e3);
	}
	vs_vecset_free(set);
	return 0;
}
