/* Benchmarks of the TF-IDF engine (issue targets in brackets).
 *   usage: bench_tfidf CORPUS_DIR TMPDIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

#include "vecsh.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench_tfidf CORPUS_DIR TMPDIR\n");
		return 2;
	}
	const char *paths[] = {argv[1]};
	vs_index_options o;
	vs_index_options_default(&o);
	vs_index_report rep;
	vs_error err;
	double t[201];
	vs_index *ix = NULL;
	int reps = getenv("BENCH_ONCE") ? 1 : 3;
	for (int r = 0; r < reps; r++) {
		if (ix)
			vs_index_free(ix);
		double t0 = now();
		ix = vs_index_build(paths, 1, &o, &rep, &err);
		t[r] = now() - t0;
		if (!ix) {
			fprintf(stderr, "bench: %s\n", err.msg);
			return 1;
		}
	}
	printf("index build (%u documents, %.1f MB, %u terms)   median of %d: %7.3f s\n", ix->ndocs,
	       (double)rep.bytes / 1e6, ix->nterms, reps, median(t, reps));
	vs_index_options o1 = o;
	o1.threads = 1;
	double t0 = now();
	vs_index *one = vs_index_build(paths, 1, &o1, NULL, &err);
	printf("index build on one thread                               %7.3f s\n", now() - t0);
	vs_index_free(one);

	/* queries: two terms drawn from the vocabulary (document frequency >= 2) */
	srand(1);
	char q[512];
	vs_hit hits[10];
	size_t n;
	double tb[201];
	int nq = 0;
	for (int i = 0; nq < 201 && i < 100000; i++) {
		uint32_t a = (uint32_t)rand() % ix->nterms, b = (uint32_t)rand() % ix->nterms;
		if (ix->df[a] < 2 || ix->df[b] < 2)
			continue;
		snprintf(q, sizeof q, "%s %s", ix->terms[a], ix->terms[b]);
		t0 = now();
		vs_index_search(ix, q, 0, 10, hits, &n, &err);
		t[nq] = now() - t0;
		t0 = now();
		vs_index_search(ix, q, 1, 10, hits, &n, &err);
		tb[nq] = now() - t0;
		nq++;
	}
	printf("search (two terms, -k 10)                  median of %d: %7.3f ms  [< 5 ms]\n", nq, median(t, nq) * 1e3);
	printf("search --bm25                              median of %d: %7.3f ms  [< 5 ms]\n", nq, median(tb, nq) * 1e3);
	/* similar: the documents sharing terms with one, through the inverted index */
	double ts[21];
	for (int r = 0; r < 21; r++) {
		long doc = (long)((uint64_t)ix->ndocs * (uint64_t)r / 21);
		t0 = now();
		vs_index_similar(ix, doc, 10, hits, &n, &err);
		ts[r] = now() - t0;
	}
	printf("similar (-k 10)                             median of 21: %7.3f ms\n", median(ts, 21) * 1e3);
	/* a common word: the longest postings */
	long the = vs_index_term(ix, "the");
	if (the >= 0) {
		for (int r = 0; r < 9; r++) {
			t0 = now();
			vs_index_search(ix, "the", 0, 10, hits, &n, &err);
			t[r] = now() - t0;
		}
		printf("search the (df %u)                      median of 9: %7.3f ms\n", ix->df[the], median(t, 9) * 1e3);
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/bench.vsix", argv[2]);
	t0 = now();
	if (vs_index_save(ix, path, &err) < 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	printf("save the index                                          %7.3f s\n", now() - t0);
	for (int r = 0; r < 5; r++) {
		t0 = now();
		vs_index *m = vs_index_open(path, &err);
		t[r] = now() - t0;
		if (!m) {
			fprintf(stderr, "bench: %s\n", err.msg);
			return 1;
		}
		vs_index_free(m);
	}
	printf("reopen the saved index (checksums verified) median of 5: %7.2f ms  [< 50 ms]\n", median(t, 5) * 1e3);
	remove(path);
	vs_index_free(ix);
	return 0;
}
