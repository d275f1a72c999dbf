/* topk.h: selecting the k best scores without sorting everything. */
#ifndef VECSH_TOPK_H
#define VECSH_TOPK_H

#include <stddef.h>

typedef struct vs_hit {
	long index;
	float score;
} vs_hit;

/* A bounded min-heap of the k best hits seen so far. Higher score is
 * better; equal scores prefer the lower index (earlier, more frequent word). */
typedef struct vs_topk {
	vs_hit *heap;
	size_t k, n;
} vs_topk;

int vs_topk_init(vs_topk *t, size_t k);
void vs_topk_free(vs_topk *t);
/* Score a hit must beat to enter (-INFINITY until the heap is full). */
float vs_topk_threshold(const vs_topk *t);
void vs_topk_push(vs_topk *t, long index, float score);
/* Sort the kept hits best first into out (t->n of them); empties the heap. */
size_t vs_topk_sorted(vs_topk *t, vs_hit *out);

/* Best k of scores[0..n) skipping indices in exclude[0..nex), best first.
 * Returns how many were written to out. */
size_t vs_topk_select(const float *scores, size_t n, size_t k, const long *exclude, size_t nex,
                      vs_hit *out);

#endif
