/* Benchmarks of the vector engine on a real set (issue targets in brackets).
 *   usage: bench_vectors GLOVE_TXT WORD2VEC_BIN QUESTIONS PAIRS TMPDIR */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"

#include "vecsh.h"

static vs_vecset *load_timed(const char *path, double *secs)
{
	vs_load_options o = {0};
	vs_error err;
	double t0 = now();
	vs_vecset *s = vs_load(path, &o, NULL, &err);
	*secs = now() - t0;
	if (!s) {
		fprintf(stderr, "bench: %s\n", err.msg);
		exit(1);
	}
	return s;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: bench_vectors GLOVE_TXT WORD2VEC_BIN QUESTIONS PAIRS TMPDIR\n");
		return 2;
	}
	double t[25];
	vs_vecset *s = NULL;
	for (int r = 0; r < 3; r++) {
		if (s)
			vs_vecset_free(s);
		s = load_timed(argv[1], &t[r]);
	}
	printf("load GloVe text (%zu words x %zu, 296 MB)   median of 3: %7.3f s   [< 2 s]\n", s->count, s->dims,
	       median(t, 3));
	vs_vecset_free(s);
	for (int r = 0; r < 3; r++) {
		s = load_timed(argv[2], &t[r]);
		if (r < 2)
			vs_vecset_free(s);
	}
	printf("load word2vec binary                          median of 3: %7.3f s\n", median(t, 3));
	char vecs[4096];
	snprintf(vecs, sizeof vecs, "%s/bench.vecs", argv[5]);
	vs_error err;
	double t0 = now();
	if (vs_save(s, vecs, VS_FMT_VECS, &err) < 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	printf("save .vecs                                                %7.3f s\n", now() - t0);
	for (int r = 0; r < 5; r++) {
		vs_vecset *m = load_timed(vecs, &t[r]);
		vs_vecset_free(m);
	}
	printf("open .vecs (mapped)                           median of 5: %7.2f ms  [< 50 ms]\n", median(t, 5) * 1e3);

	/* nn: one query word at a time, against one bare sgemv over the matrix */
	size_t n = s->count, d = s->dims, queries = 200;
	float *y = malloc(n * sizeof *y), *x = malloc(d * sizeof *x);
	double *tq = malloc(queries * sizeof *tq), *tg = malloc(queries * sizeof *tg);
	vs_hit hits[10];
	srand(1);
	for (size_t q = 0; q < queries; q++) {
		long w = rand() % 50000;
		size_t got;
		t0 = now();
		vs_most_similar(s, &w, 1, NULL, 0, 10, 0, hits, &got, &err);
		tq[q] = now() - t0;
		vs_unit_vector(s, w, x);
		t0 = now();
		cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)d, 1.0f, s->vectors, (int)d, x, 1, 0.0f, y, 1);
		tg[q] = now() - t0;
	}
	double mq = median(tq, (int)queries), mg = median(tg, (int)queries);
	printf("nn WORD -k 10                                median of %zu: %7.2f ms  [< 7 ms]\n", queries, mq * 1e3);
	printf("one cblas_sgemv over the matrix              median of %zu: %7.2f ms  nn/sgemv = %.2f  [< 1.5]\n",
	       queries, mg * 1e3, mq / mg);

	/* the interactive commands */
	long k = vs_vecset_find(s, "king"), m = vs_vecset_find(s, "man"), wo = vs_vecset_find(s, "woman");
	long pos[2] = {k, wo}, neg[1] = {m};
	size_t got;
	for (int r = 0; r < 9; r++) {
		t0 = now();
		vs_most_similar(s, pos, 2, neg, 1, 10, 0, hits, &got, &err);
		t[r] = now() - t0;
	}
	printf("analogy man king woman                       median of 9: %7.2f ms  [< 20 ms]\n", median(t, 9) * 1e3);
	for (int r = 0; r < 9; r++) {
		t0 = now();
		vs_most_similar_cosmul(s, pos, 2, neg, 1, 10, hits, &got, &err);
		t[r] = now() - t0;
	}
	printf("analogy man king woman --cosmul              median of 9: %7.2f ms  [< 20 ms]\n", median(t, 9) * 1e3);
	long words[4] = {vs_vecset_find(s, "breakfast"), vs_vecset_find(s, "cereal"), vs_vecset_find(s, "dinner"),
	                 vs_vecset_find(s, "lunch")};
	vs_hit ranked[4];
	for (int r = 0; r < 9; r++) {
		t0 = now();
		vs_rank_by_centrality(s, words, 4, ranked, &err);
		t[r] = now() - t0;
	}
	printf("odd breakfast cereal dinner lunch            median of 9: %7.3f ms  [< 20 ms]\n", median(t, 9) * 1e3);
	for (int r = 0; r < 9; r++) {
		t0 = now();
		(void)vs_similarity(s, k, wo);
		t[r] = now() - t0;
	}
	printf("sim king woman                               median of 9: %7.3f ms  [< 20 ms]\n", median(t, 9) * 1e3);
	vs_pairs_report pr;
	for (int r = 0; r < 5; r++) {
		t0 = now();
		if (vs_eval_pairs(s, argv[4], 300000, &pr, &err) < 0) {
			fprintf(stderr, "bench: %s\n", err.msg);
			return 1;
		}
		t[r] = now() - t0;
	}
	printf("eval pairs wordsim353 (restrict 300000)      median of 5: %7.2f ms  [< 20 ms]  (first call builds the\n"
	       "                                             case-folded index: %.2f ms)\n",
	       median(t + 1, 4) * 1e3, t[0] * 1e3);
	vs_analogy_report ar;
	t0 = now();
	if (vs_eval_analogies(s, argv[3], 300000, NULL, NULL, &ar, &err) < 0) {
		fprintf(stderr, "bench: %s\n", err.msg);
		return 1;
	}
	printf("eval analogies questions-words (restrict 300000):         %7.2f s   [< 16 s]  accuracy %zu/%zu\n",
	       now() - t0, ar.correct, ar.correct + ar.incorrect);
	vs_analogy_report_free(&ar);
	vs_vecset_free(s);
	remove(vecs);
	free(y), free(x), free(tq), free(tg);
	return 0;
}
